// The drawing surface: one SVG, the map in map units inside a pan/zoom transform.
//
// Pointer events only (mouse, pen and fingers alike). One pointer does what the tool does;
// a second pointer turns the gesture into pan and pinch-zoom (a stroke begun by the first
// finger is dropped). While a drawing tool is chosen the map takes every touch
// (touch-action: none); with 查看 one finger still scrolls the page, and the map is moved
// with two fingers, the mouse, or the ＋ / － buttons. During a gesture the transform and
// the stroke being drawn are written to the DOM directly; the elements are re-rendered
// only when they change.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../ui/common.js';
import { hitTest, MAX_STROKE_POINTS, PENS, simplifyFlat, strokePath } from './geometry.js';
import { ElementsLayer } from './render.js';

const TAP_PX = 10; // a pointer that moved less than this is a tap
const SLACK_PX = 14; // how near (screen px) a tap must be to hit an element

const dist = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
const mid = (a, b) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

export function MapCanvas(props) {
  const svgRef = useRef(null);
  const gRef = useRef(null);
  const liveRef = useRef(null);
  const [view, setView] = useState(null); // {s, tx, ty}: screen = map × s + t
  const [marked, setMarked] = useState(null);
  const st = useRef({ pointers: new Map(), mode: null, view: null, fit: 1 }).current;
  const P = useRef(props);
  P.current = props;
  const { map } = props;

  function apply(v) {
    st.view = v;
    gRef.current?.setAttribute('transform', `translate(${v.tx} ${v.ty}) scale(${v.s})`);
  }
  const commit = () => setView({ ...st.view });

  function fitView(focus, zoom = 1) {
    const box = svgRef.current.getBoundingClientRect();
    const fit = Math.min(box.width / map.width, box.height / map.height) || 1;
    st.fit = fit;
    const s = fit * zoom;
    if (focus) return { s, tx: box.width / 2 - focus.x * s, ty: box.height / 2 - focus.y * s };
    return { s, tx: (box.width - map.width * s) / 2, ty: (box.height - map.height * s) / 2 };
  }

  useEffect(() => {
    apply(fitView(props.focus, props.focus ? 3 : 1));
    commit();
    const svg = svgRef.current;
    // ctrl + wheel (a touchpad's pinch) zooms; a plain wheel scrolls the page as ever
    const wheel = (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt({ x: e.clientX - r.left, y: e.clientY - r.top }, Math.exp(-e.deltaY / 200));
      commit();
    };
    svg.addEventListener('wheel', wheel, { passive: false });
    return () => svg.removeEventListener('wheel', wheel);
  }, [map.id]);

  function clampS(s) {
    return Math.min(st.fit * 12, Math.max(st.fit * 0.5, s));
  }

  function zoomAt(p, k) {
    const v = st.view;
    const s = clampS(v.s * k);
    const mx = (p.x - v.tx) / v.s;
    const my = (p.y - v.ty) / v.s;
    apply({ s, tx: p.x - mx * s, ty: p.y - my * s });
  }

  const pos = (e) => ({ x: e.clientX - st.rect.left, y: e.clientY - st.rect.top });
  const toMap = (p) => ({ x: Math.round((p.x - st.view.tx) / st.view.s), y: Math.round((p.y - st.view.ty) / st.view.s) });
  const slack = () => SLACK_PX / st.view.s;

  function drawLive() {
    st.frame = 0;
    const d = st.points && st.points.length >= 2 ? strokePath(st.points, P.current.tool, false) : '';
    liveRef.current?.setAttribute('d', d);
  }

  function cancel() {
    if (st.mode === 'draw') {
      st.points = null;
      drawLive();
    }
    if (st.mode === 'move' && st.node) st.node.removeAttribute('transform');
    if (st.mode === 'erase') setMarked(null);
    st.mode = null;
  }

  function down(e) {
    if (!st.view || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const svg = svgRef.current;
    st.rect = svg.getBoundingClientRect();
    try {
      svg.setPointerCapture(e.pointerId);
    } catch (err) {
      /* a synthetic event without an active pointer */
    }
    // a first finger (or the mouse) starts afresh: a pointer whose up was lost is forgotten
    if (e.isPrimary) st.pointers.clear();
    st.pointers.set(e.pointerId, pos(e));
    if (st.pointers.size === 2) {
      cancel();
      const [a, b] = [...st.pointers.values()];
      st.pinch = { d0: dist(a, b) || 1, m0: mid(a, b), v0: { ...st.view } };
      st.mode = 'pinch';
      return;
    }
    if (st.pointers.size > 2) return;
    const p = P.current;
    const at = pos(e);
    const m = toMap(at);
    st.start = at;
    st.moved = false;
    st.v0 = { ...st.view };
    if (PENS[p.tool]) {
      st.mode = 'draw';
      st.points = [m.x, m.y];
      st.simplified = false;
    } else if (p.tool === 'erase') {
      st.mode = 'erase';
      st.erased = new Set();
      eraseAt(m);
    } else if (p.tool === 'move') {
      const hit = hitTest(p.elements, m.x, m.y, slack(), ['pin', 'label']);
      if (hit) {
        st.mode = 'move';
        st.el = hit;
        st.from = { x: hit.data.x || 0, y: hit.data.y || 0 };
        st.to = st.from;
        st.node = svg.querySelector(`[data-id="${hit.id}"]`);
      } else st.mode = 'pan';
    } else if (p.tool === 'view' && e.pointerType !== 'touch') {
      st.mode = 'pan'; // a mouse drags the map; a finger is left to scroll the page
    } else {
      st.mode = 'tap';
    }
    if (st.mode !== 'tap' || p.tool !== 'view') e.preventDefault();
  }

  function eraseAt(m) {
    const hit = hitTest(P.current.elements, m.x, m.y, slack());
    if (hit && !st.erased.has(hit.id)) {
      st.erased.add(hit.id);
      setMarked(new Set(st.erased));
    }
  }

  function move(e) {
    if (!st.pointers.has(e.pointerId)) return;
    st.pointers.set(e.pointerId, pos(e));
    if (st.mode === 'pinch') {
      if (st.pointers.size < 2) return;
      const [a, b] = [...st.pointers.values()];
      const { d0, m0, v0 } = st.pinch;
      const s = clampS((v0.s * dist(a, b)) / d0);
      const c = mid(a, b);
      const mx = (m0.x - v0.tx) / v0.s;
      const my = (m0.y - v0.ty) / v0.s;
      apply({ s, tx: c.x - mx * s, ty: c.y - my * s });
      return;
    }
    const at = pos(e);
    if (!st.moved && dist(at, st.start) >= TAP_PX) st.moved = true;
    if (st.mode === 'draw') {
      const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      for (const ev of evs.length ? evs : [e]) {
        const m = toMap(pos(ev));
        const n = st.points.length;
        if (st.points[n - 2] !== m.x || st.points[n - 1] !== m.y) st.points.push(m.x, m.y);
      }
      if (st.points.length / 2 > MAX_STROKE_POINTS) {
        st.points = simplifyFlat(st.points);
        st.simplified = true;
      }
      if (!st.frame) st.frame = requestAnimationFrame(drawLive);
    } else if (st.mode === 'erase') {
      eraseAt(toMap(at));
    } else if (st.mode === 'move') {
      const m = toMap(at);
      st.to = m;
      st.node?.setAttribute('transform', `translate(${m.x - st.from.x} ${m.y - st.from.y})`);
    } else if (st.mode === 'pan') {
      apply({ ...st.v0, tx: st.v0.tx + at.x - st.start.x, ty: st.v0.ty + at.y - st.start.y });
    }
  }

  async function up(e) {
    if (!st.pointers.has(e.pointerId)) return;
    const at = pos(e);
    st.pointers.delete(e.pointerId);
    const mode = st.mode;
    if (mode === 'pinch') {
      if (st.pointers.size === 0) {
        st.mode = null;
        commit();
      }
      return; // the finger left on the glass does nothing until it is lifted
    }
    if (st.pointers.size) return;
    st.mode = null;
    const p = P.current;
    const cancelled = e.type === 'pointercancel';
    if (mode === 'draw') {
      const pts = st.points;
      st.points = null;
      if (st.frame) cancelAnimationFrame(st.frame);
      st.frame = 0;
      if (!cancelled && pts.length >= 4) {
        liveRef.current?.setAttribute('d', strokePath(pts, p.tool, true));
        await p.onStroke(pts, p.tool, st.simplified);
      }
      if (!st.points) liveRef.current?.setAttribute('d', '');
    } else if (mode === 'erase') {
      const ids = [...st.erased];
      if (!cancelled && ids.length) await p.onErase(ids);
      setMarked(null);
    } else if (mode === 'move') {
      const { el, from, to, node } = st;
      if (!cancelled && st.moved && (to.x !== from.x || to.y !== from.y)) await p.onMove(el, from, to);
      node?.removeAttribute('transform');
    } else if (mode === 'pan') {
      commit();
      if (!st.moved && !cancelled && p.tool === 'view') tap(at);
    } else if (mode === 'tap' && !cancelled && !st.moved) {
      if (e.pointerType !== 'mouse') swallowClick(e.clientX, e.clientY);
      tap(at);
    }
  }

  // A finger's tap is answered on pointerup, but the browser then sends that tap's click to
  // whatever is under the finger by then: the sheet the tap just opened (picking the household
  // under it, or hitting the backdrop, which closes it). That one click, where the finger
  // was, is dropped.
  function swallowClick(x, y) {
    const drop = (ev) => {
      if (Math.abs(ev.clientX - x) > 24 || Math.abs(ev.clientY - y) > 24) return;
      ev.preventDefault();
      ev.stopPropagation();
      done();
    };
    const done = () => {
      window.removeEventListener('click', drop, true);
      clearTimeout(timer);
    };
    const timer = setTimeout(done, 700);
    window.addEventListener('click', drop, true);
  }

  function tap(at) {
    const p = P.current;
    const m = toMap(at);
    const hit = hitTest(p.elements, m.x, m.y, slack(), p.tool === 'view' ? ['pin'] : null);
    p.onTap(p.tool, m, hit);
  }

  function zoomButton(k) {
    const box = svgRef.current.getBoundingClientRect();
    zoomAt({ x: box.width / 2, y: box.height / 2 }, k);
    commit();
  }

  const drawing = props.tool !== 'view';
  const v = view || { s: 1, tx: 0, ty: 0 };
  const pen = PENS[props.tool];
  return html`<div class="map-box">
    <svg ref=${svgRef} class=${'map-svg' + (drawing ? ' drawing' : '')} data-testid="map-svg" data-tool=${props.tool}
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up}
      onContextMenu=${(e) => e.preventDefault()}>
      <g ref=${gRef} transform=${`translate(${v.tx} ${v.ty}) scale(${v.s})`}>
        <rect class="paper" x="0" y="0" width=${map.width} height=${map.height} />
        ${view
          ? html`<${ElementsLayer} elements=${props.elements} households=${props.households} zoom=${v.s}
              conflicted=${props.conflicted} highlight=${props.highlight} marked=${marked} />`
          : null}
        ${(props.ghosts || []).map(
          (g) => html`<g class="ghost" key=${g.id}>
            <line x1=${g.from.x} y1=${g.from.y} x2=${g.to.x} y2=${g.to.y} />
            <circle cx=${g.to.x} cy=${g.to.y} r=${Math.max(14, 8 / v.s)} />
          </g>`,
        )}
        <path ref=${liveRef} class="live" fill=${pen ? pen.stroke : '#444'} d="" />
      </g>
    </svg>
    <div class="zoom">
      <button type="button" aria-label="放大" onClick=${() => zoomButton(1.5)}>＋</button>
      <button type="button" aria-label="缩小" onClick=${() => zoomButton(1 / 1.5)}>－</button>
      <button type="button" aria-label="全图" onClick=${() => { apply(fitView()); commit(); }}>全</button>
    </div>
  </div>`;
}
