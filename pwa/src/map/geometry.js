// Condition-map geometry on the phone: pens, pin colours, stroke outlines, the point limit,
// hit testing. Coordinates are integer map units (the map's width × height, 1000 × 1000 by
// default); the stored data are the raw points, the outline is only how they are drawn.
import { entry, show } from '../schema.js';
import getStroke from 'perfect-freehand';
import simplify from 'simplify-js';

// The same colours and widths as the county's SVG (backend/maps/svg.py).
// How each pen draws; its name is the declaration's (maps/records.py, via the schema).
const pen = (k, look) => ({ ...look, get label() { return show('map_element', 'pen', k); } });
export const PENS = {
  road: pen('road', { stroke: '#7f6a55', width: 8, thinning: 0.1 }),
  river: pen('river', { stroke: '#3b82c4', width: 10, thinning: 0.2 }),
  house: pen('house', { stroke: '#5b4636', width: 4, thinning: 0 }),
  note: pen('note', { stroke: '#444444', width: 3, thinning: 0.5 }),
};

export const STATUS = {
  not_out: { colour: '#d7301f', get label() { return show('household', 'poverty_status', 'not_out'); } },
  out: { colour: '#1a9850', get label() { return show('household', 'poverty_status', 'out'); } },
  monitored: { colour: '#f08c00', get label() { return show('household', 'poverty_status', 'monitored'); } },
  relocated: { colour: '#4575b4', label: '易地搬迁' },
  none: { colour: '#888888', label: '未关联农户' },
};

// The server simplifies strokes of more points (backend/maps/geometry.py); the phone does
// the same first, so what the cadre sees is what is stored.
export const MAX_STROKE_POINTS = 1000;
// Elements a map may hold: the server's declared limit (its schema), and a warning near it.
export const maxElements = () => entry('map_element')?.max_per_parent ?? Infinity;
export const nearLimit = () => maxElements() - 100;
// A stroke that passes the limit is simplified to this many points or fewer, so the hand
// can go on drawing for a while before it is simplified again.
const SIMPLIFIED_TARGET = 800;

export const PIN_R = 14;
export const LABEL_SIZE = 28;

export function pinStatus(household) {
  if (!household) return 'none';
  if (household.relocated) return 'relocated';
  return STATUS[household.poverty_status] ? household.poverty_status : 'none';
}

// Fewer points, same shape: Ramer–Douglas–Peucker (simplify-js in its high-quality mode)
// with a tolerance that grows until the stroke fits.
export function simplifyFlat(flat, target = SIMPLIFIED_TARGET) {
  let pts = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pts.push({ x: flat[i], y: flat[i + 1] });
  if (pts.length <= target) return flat;
  let tolerance = 0.5;
  let out = pts;
  while (out.length > target) {
    out = simplify(pts, tolerance, true);
    tolerance *= 1.6;
  }
  return out.flatMap((p) => [Math.round(p.x), Math.round(p.y)]);
}

// [x0, y0, x1, y1, …] → [[x0, y0], [x1, y1], …]
export function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < (flat || []).length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

const avg = (a, b) => (a + b) / 2;
const f1 = (n) => Math.round(n * 10) / 10;

// perfect-freehand's outline as an SVG path (the helper from its README).
export function outlinePath(outline) {
  const n = outline.length;
  if (n < 4) return '';
  let a = outline[0];
  let b = outline[1];
  const c = outline[2];
  let d = `M${f1(a[0])},${f1(a[1])} Q${f1(b[0])},${f1(b[1])} ${f1(avg(b[0], c[0]))},${f1(avg(b[1], c[1]))} T`;
  for (let i = 2; i < n - 1; i++) {
    a = outline[i];
    b = outline[i + 1];
    d += `${f1(avg(a[0], b[0]))},${f1(avg(a[1], b[1]))} `;
  }
  return d + 'Z';
}

export function strokePath(flat, pen, last = true) {
  const p = PENS[pen] || PENS.note;
  const outline = getStroke(pairs(flat), {
    size: p.width * 1.5,
    thinning: p.thinning,
    smoothing: 0.5,
    streamline: 0.4,
    simulatePressure: p.thinning > 0,
    last,
  });
  return outlinePath(outline);
}

// Outlines are computed once per element: a stroke's points never change after it is made.
const cache = new Map();
export function cachedPath(id, data) {
  const key = `${id}:${data.pen}:${(data.points || []).length}`;
  let d = cache.get(key);
  if (d === undefined) {
    d = strokePath(data.points || [], data.pen);
    if (cache.size > 6000) cache.clear();
    cache.set(key, d);
  }
  return d;
}

function segDist2(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  let t = len ? ((px - ax) * dx + (py - ay) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  const x = ax + t * dx - px;
  const y = ay + t * dy - py;
  return x * x + y * y;
}

// How far (map units) a point is from an element, or Infinity when it is out of reach.
export function distanceTo(el, x, y, slack) {
  const d = el.data;
  if (d.kind === 'pin') {
    const r = Math.hypot((d.x || 0) - x, (d.y || 0) - y);
    return r <= PIN_R + slack ? r : Infinity;
  }
  if (d.kind === 'label') {
    // a label is hit inside its box (about one font size per character)
    const half = ((d.text || '').length * LABEL_SIZE) / 2 + slack;
    const dx = Math.abs((d.x || 0) - x);
    const dy = (d.y || 0) - LABEL_SIZE / 3 - y;
    return dx <= half && Math.abs(dy) <= LABEL_SIZE / 2 + slack ? Math.hypot(dx, dy) / 2 : Infinity;
  }
  const pts = d.points || [];
  const reach = (PENS[d.pen]?.width || 3) + slack;
  let best = Infinity;
  if (pts.length === 2) best = segDist2(x, y, pts[0], pts[1], pts[0], pts[1]);
  for (let i = 0; i + 3 < pts.length; i += 2) {
    best = Math.min(best, segDist2(x, y, pts[i], pts[i + 1], pts[i + 2], pts[i + 3]));
  }
  const r = Math.sqrt(best);
  return r <= reach ? r : Infinity;
}

// The topmost element nearest to (x, y): pins above labels above strokes, as drawn.
export function hitTest(elements, x, y, slack, kinds = null) {
  const order = { pin: 0, label: 1, stroke: 2 };
  let best = null;
  let bestKey = [9, Infinity];
  for (const el of elements) {
    if (kinds && !kinds.includes(el.data.kind)) continue;
    const r = distanceTo(el, x, y, slack);
    if (r === Infinity) continue;
    const key = [order[el.data.kind] ?? 3, r];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = el;
      bestKey = key;
    }
  }
  return best;
}

// One map per villager group, made offline on any phone: its id is derived from the group,
// so two phones that each start the group's map offline start the same record, which the
// server merges (a create of an existing id is an edit from version 1), not two maps.
export function groupMapId(village, group) {
  const s = `minqing/condition_map/${village}/${group}`;
  const words = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b].map((seed) => {
    let h = seed >>> 0;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= h >>> 13;
    }
    return h >>> 0;
  });
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('').split('');
  hex[12] = '8'; // a version-8 (custom) UUID
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
