// 民情地图: one hand-drawn map per villager group, drawn on the phone, offline.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html, Header, go } from './common.js';
import { typeLabel } from '../schema.js';
import { useApp, toast } from '../state.js';
import { refreshCounts } from '../sync.js';
import { MapCanvas } from '../map/canvas.js';
import { Legend } from '../map/render.js';
import { History } from '../map/history.js';
import { addElement, createGroupMap, LimitError, loadGroupMap, moveElement, removeElement } from '../map/data.js';
import { maxElements, MAX_STROKE_POINTS, nearLimit, PENS, pinStatus, STATUS } from '../map/geometry.js';

// The pens' names come from the schema, read when the toolbar draws.
const TOOLS = () => [
  ['view', '查看'],
  ['road', PENS.road.label],
  ['river', PENS.river.label],
  ['house', PENS.house.label],
  ['note', PENS.note.label],
  ['pin', '农户'],
  ['label', '文字'],
  ['move', '移动'],
  ['erase', '橡皮'],
];

// The map, its elements and households, re-read after every save and every sync; a read
// started before a newer one is dropped when it lands late.
function useGroupMap(village, group) {
  const { rev } = useApp();
  const [data, setData] = useState(undefined);
  const gen = useRef(0);
  const reload = async () => {
    const n = ++gen.current;
    const d = await loadGroupMap(village, group);
    if (n === gen.current) setData(d);
    return d;
  };
  useEffect(() => {
    reload();
  }, [village, group, rev]);
  return [data, reload];
}

export function MapScreen({ village, group, household }) {
  const s = useApp();
  const v = s.villages.find((x) => x.code === village);
  const g = v?.groups.find((x) => x.code === group);
  const [data, reload] = useGroupMap(village, group);
  const title = `${g ? g.name : ''}民情地图`;
  const back = household ? `/h/${household}` : `/v/${village}/g/${group}`;
  if (data === undefined) return html`<${Header} title=${title} back=${back} />`;
  if (!data.map) {
    return html`<${Header} title=${title} back=${back} />
      <section class="card">
        <h2>本组还没有民情地图</h2>
        <p class="sub">新建后即可手绘道路、河流、房屋，并把农户标在图上。没有信号也能画，有信号时同步。</p>
        <button class="primary" data-testid="map-create"
          onClick=${async () => {
            await createGroupMap(village, group, title);
            await refreshCounts();
            await reload();
          }}>新建本组民情地图</button>
      </section>`;
  }
  return html`<${Header} title=${data.map.data.title || title} back=${back} />
    <${MapEditor} data=${data} reload=${reload} household=${household} />`;
}

function MapEditor({ data, reload, household }) {
  const map = { id: data.map.id, width: data.map.data.width || 1000, height: data.map.data.height || 1000 };
  const elements = data.elements;
  const pinOf = useMemo(() => {
    const out = {};
    for (const e of elements) if (e.data.kind === 'pin' && e.data.household_id) out[e.data.household_id] = e;
    return out;
  }, [elements]);
  const target = household ? pinOf[household] : null;
  const [tool, setTool] = useState(household && !target ? 'pin' : 'view');
  const [pinFor, setPinFor] = useState(household && !target ? household : null);
  const [sheet, setSheet] = useState(null);
  const [limit, setLimit] = useState('');
  const [, setTick] = useState(0);
  const live = useRef(elements);
  live.current = elements;
  const queue = useRef(Promise.resolve());

  // One change at a time, in the order the cadre made them; the screen is re-read after each.
  function run(fn) {
    const next = queue.current.then(async () => {
      try {
        await fn();
      } catch (e) {
        if (e instanceof LimitError) {
          setLimit(e.message);
          toast(e.message);
        } else {
          toast('没有保存：' + (e.message || e));
        }
      }
      await refreshCounts();
      await reload();
      setTick((t) => t + 1);
    });
    queue.current = next;
    return next;
  }

  const history = useRef(null);
  if (!history.current) {
    history.current = new History({
      add: async (values) => {
        try {
          return (await addElement(map.id, values, live.current.length)).id;
        } catch (e) {
          if (!(e instanceof LimitError)) throw e;
          setLimit(e.message);
          toast(e.message);
          return null;
        }
      },
      remove: async (id) => !!(await removeElement(id)),
      move: async (id, x, y) => !!(await moveElement(id, x, y)),
    });
  }
  const hist = history.current;

  async function add(values) {
    const rec = await addElement(map.id, values, live.current.length);
    hist.record({ type: 'add', items: [{ key: rec.id, data: rec.data }] });
    return rec;
  }

  const onStroke = (points, pen, simplified) =>
    run(async () => {
      if (simplified) toast(`这一笔超过 ${MAX_STROKE_POINTS} 个点，已自动简化（形状不变）`);
      await add({ kind: 'stroke', pen, points });
    });

  const onErase = (ids) =>
    run(async () => {
      const items = [];
      for (const id of ids) {
        const rec = await removeElement(id);
        if (rec) items.push({ key: id, data: rec.data });
      }
      if (items.length) hist.record({ type: 'erase', items });
    });

  const onMove = (el, from, to) =>
    run(async () => {
      if (await moveElement(el.id, to.x, to.y)) hist.record({ type: 'move', key: el.id, from, to });
    });

  function placePin(hid, at) {
    const h = data.households[hid];
    const existing = pinOf[hid];
    return run(async () => {
      if (existing) {
        const from = { x: existing.data.x || 0, y: existing.data.y || 0 };
        if (await moveElement(existing.id, at.x, at.y)) hist.record({ type: 'move', key: existing.id, from, to: at });
        toast(`已把 ${h?.head_name || ''} 户的标记移到新位置`);
      } else {
        await add({ kind: 'pin', x: at.x, y: at.y, household_id: hid, text: h?.head_name || null });
      }
    });
  }

  function onTap(t, at, hit) {
    if (t === 'view') {
      if (hit?.data.household_id) go(`/h/${hit.data.household_id}`);
    } else if (t === 'pin') {
      if (pinFor) {
        placePin(pinFor, at);
        setPinFor(null);
        setTool('view');
      } else setSheet({ kind: 'pin', at });
    } else if (t === 'label') {
      setSheet({ kind: 'label', at });
    }
  }

  const conflicted = useMemo(() => {
    const ids = new Set(elements.filter((e) => e.has_conflict).map((e) => e.id));
    for (const c of data.conflicts) ids.add(c.record_id);
    return ids;
  }, [elements, data.conflicts]);
  const ghosts = useMemo(() => ghostsOf(data.conflicts, elements), [data.conflicts, elements]);
  const count = elements.length;

  return html`
    ${limit ? html`<div class="banner warn" role="alert" data-testid="map-limit">${limit}</div>` : null}
    ${!limit && count >= nearLimit()
      ? html`<div class="banner warn" data-testid="map-limit">本图已有 ${count} 个元素，接近上限 ${maxElements()} 个。</div>`
      : null}
    ${pinFor
      ? html`<div class="banner" data-testid="map-hint">${data.households[pinFor]?.head_name || ''} 户还没有标在图上：在地图上点其房屋的位置，放下标记。</div>`
      : null}
    <${MapConflicts} conflicts=${data.conflicts} elements=${elements} households=${data.households} device=${data.device} />
    <div class="map-tools" role="toolbar" aria-label="画图工具">
      ${TOOLS().map(
        ([k, label]) => html`<button type="button" key=${k} data-tool=${k} aria-pressed=${tool === k}
          class=${'tool' + (tool === k ? ' on' : '')}
          onClick=${() => {
            setTool(k);
            if (k !== 'pin') setPinFor(null);
          }}>
          ${PENS[k] ? html`<i class="swatch" style=${`background:${PENS[k].stroke}`}></i>` : null}${label}
        </button>`,
      )}
      <button type="button" class="tool" data-testid="undo" disabled=${!hist.canUndo} onClick=${() => run(() => hist.undo())}>撤销</button>
      <button type="button" class="tool" data-testid="redo" disabled=${!hist.canRedo} onClick=${() => run(() => hist.redo())}>重做</button>
    </div>
    <${MapCanvas} map=${map} elements=${elements} households=${data.households} tool=${tool}
      focus=${target ? { x: target.data.x || 0, y: target.data.y || 0 } : null} highlight=${household}
      conflicted=${conflicted} ghosts=${ghosts}
      onStroke=${onStroke} onErase=${onErase} onMove=${onMove} onTap=${onTap} />
    <p class="map-count sub" data-testid="map-count" data-count=${count}>
      ${TIPS[tool] || ''} 本图 ${count}/${maxElements()} 个元素
    </p>
    <${Legend} />
    ${sheet?.kind === 'pin'
      ? html`<${PickHousehold} households=${data.households} pinned=${pinOf}
          onPick=${(hid) => {
            setSheet(null);
            placePin(hid, sheet.at);
          }}
          onClose=${() => setSheet(null)} />`
      : null}
    ${sheet?.kind === 'label'
      ? html`<${LabelSheet}
          onDone=${(text) => {
            setSheet(null);
            run(() => add({ kind: 'label', x: sheet.at.x, y: sheet.at.y, text }));
          }}
          onClose=${() => setSheet(null)} />`
      : null}`;
}

const TIPS = {
  view: '点农户标记打开家庭档案；两指拖动、缩放地图。',
  road: '一指画线，两指拖动、缩放。',
  river: '一指画线，两指拖动、缩放。',
  house: '一指画房屋轮廓，两指拖动、缩放。',
  note: '一指随手标注，两指拖动、缩放。',
  pin: '点房屋的位置，再选是哪一户。',
  label: '点要写字的位置（路名、河名、地名）。',
  move: '按住农户标记或文字拖到新位置。',
  erase: '点一下（或划过）要擦掉的元素。',
};

// Where the other side of a position conflict put the element: drawn as a hollow marker.
function ghostsOf(conflicts, elements) {
  const out = [];
  for (const c of conflicts) {
    const el = elements.find((e) => e.id === c.record_id);
    if (!el || !c.fields || (!c.fields.x && !c.fields.y)) continue;
    const other = (f) => {
      const v = c.fields[f];
      if (!v) return el.data[f] || 0;
      return v.winner === 'incoming' ? v.stored : v.incoming;
    };
    out.push({ id: c.id, from: { x: el.data.x || 0, y: el.data.y || 0 }, to: { x: other('x'), y: other('y') } });
  }
  return out;
}

function MapConflicts({ conflicts, elements, households, device }) {
  const flagged = elements.filter((e) => e.has_conflict);
  if (!conflicts.length && !flagged.length) return null;
  const who = (side, other) =>
    side?.device_id && side.device_id === device ? '本机' : `${side?.display_name || '他人'}${other}`;
  const nameOf = (el) => {
    if (!el) return typeLabel('map_element');
    if (el.data.kind === 'pin') return `农户 ${households[el.data.household_id]?.head_name || el.data.text || ''} 的标记`;
    if (el.data.kind === 'label') return `文字“${el.data.text || ''}”`;
    return `${PENS[el.data.pen]?.label || ''}线条`;
  };
  const at = (x, y) => `(${x}, ${y})`;
  return html`<section class="card conflict" data-testid="map-conflict">
    <h2>地图上有冲突待审核</h2>
    ${conflicts.map((c) => {
      const el = elements.find((e) => e.id === c.record_id);
      if (!c.fields) {
        const m = c.mine || {};
        return html`<p class="sub">${nameOf(el)}：本机提交的位置 ${at(m.x ?? el?.data.x, m.y ?? el?.data.y)}（另一方的位置在下次同步后显示）</p>`;
      }
      const side = (k) => {
        const val = (f) => (c.fields[f] ? c.fields[f][k] : el?.data[f]);
        return at(val('x'), val('y'));
      };
      const winner = (c.fields.x || c.fields.y).winner;
      const storedBy = (c.fields.x || c.fields.y || Object.values(c.fields)[0]).stored_by;
      const moved = c.fields.x || c.fields.y;
      return html`<div class="cf">
        <p class="sub">${nameOf(el)}：${moved ? '两人把它放在了不同位置' : '两人改了同一项'}，两个值都已保存，由上级审核定夺。</p>
        ${moved
          ? html`<dl class="both">
              <dt>位置</dt>
              <dd><span class="who">${who(c.incoming, '后提交')}</span> ${side('incoming')} ${winner === 'incoming' ? html`<i class="tag">现采用</i>` : null}</dd>
              <dd><span class="who">${who(storedBy, '先提交')}</span> ${side('stored')} ${winner === 'stored' ? html`<i class="tag">现采用</i>` : null}</dd>
            </dl>`
          : null}
        ${Object.entries(c.fields)
          .filter(([f]) => f !== 'x' && f !== 'y')
          .map(
            ([f, v]) => html`<dl class="both">
              <dt>${f === 'text' ? '文字' : f}</dt>
              <dd><span class="who">${who(c.incoming, '后提交')}</span> ${String(v.incoming ?? '—')}</dd>
              <dd><span class="who">${who(v.stored_by, '先提交')}</span> ${String(v.stored ?? '—')}</dd>
            </dl>`,
          )}
      </div>`;
    })}
    ${!conflicts.length ? html`<p class="sub">他人与本图的修改有冲突，两个值都已保存，等待上级审核。</p>` : null}
  </section>`;
}

function PickHousehold({ households, pinned, onPick, onClose }) {
  const [q, setQ] = useState('');
  const rows = Object.entries(households)
    .filter(([, h]) => !q.trim() || (h.head_name || '').includes(q.trim()))
    .sort(([, a], [, b]) => (a.head_name || '').localeCompare(b.head_name || '', 'zh-CN'));
  return html`<div class="sheet-bg" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div class="sheet" role="dialog" aria-label="选择农户" data-testid="pick-household">
      <h2>这是哪一户？</h2>
      <input type="search" placeholder="搜索户主姓名" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} aria-label="搜索户主姓名" />
      <ul class="list">
        ${rows.map(([id, h]) => {
          const st = pinStatus(h);
          return html`<li key=${id}><button type="button" class="row pick" data-household=${id} onClick=${() => onPick(id)}>
            <span class="main"><i class="dot" style=${`background:${STATUS[st].colour}`}></i>${h.head_name}
              ${pinned[id] ? html`<i class="tag">已标注，将移到此处</i>` : null}</span>
            <span class="sub">${STATUS[st].label}</span>
          </button></li>`;
        })}
      </ul>
      ${rows.length ? null : html`<p class="empty">本组没有这样的户</p>`}
      <button type="button" onClick=${onClose}>取消</button>
    </div>
  </div>`;
}

function LabelSheet({ onDone, onClose }) {
  const [text, setText] = useState('');
  const [err, setErr] = useState('');
  const input = useRef(null);
  useEffect(() => input.current?.focus(), []);
  function submit(e) {
    e.preventDefault();
    const t = text.trim();
    if (!t) return setErr('请写上文字，例如路名、河名、地名');
    if (t.length > 100) return setErr('最多 100 个字');
    onDone(t);
  }
  return html`<div class="sheet-bg" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <form class="sheet" role="dialog" aria-label="写文字" onSubmit=${submit}>
      <h2>写在图上的文字</h2>
      <input ref=${input} name="label_text" maxlength="100" placeholder="如：村道、清水河、村委会" value=${text}
        onInput=${(e) => setText(e.currentTarget.value)} />
      ${err ? html`<span class="err">${err}</span>` : null}
      <div class="actions">
        <button type="button" onClick=${onClose}>取消</button>
        <button type="submit" class="primary">确定</button>
      </div>
    </form>
  </div>`;
}
