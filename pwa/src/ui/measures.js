// 一户一策 on the phone: the household's plan in its family file — late measures marked,
// "done" asked with its result and date — and the measure form, which picks from the county's
// assistance menu (扶贫套餐, pulled read-only) to fill what and what kind. All offline, from
// IndexedDB; the fields, labels and checks are the server's declaration (schema.js).
import { useState } from 'preact/hooks';
import { html, Header, Text, Area, Select, useLoad, go, blankToNull, num, RecordField as F, saveChecked } from './common.js';
import { childrenOf, getRecord, outboxAll, villageRecords } from '../store.js';
import { defaults, show, today } from '../schema.js';
import { makeUuid } from '../db.js';
import { toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';
import { request } from '../api.js';
import { MEASURE_PHOTO, photosWith } from '../photos.js';
import { PhotoPicker, VisitPhotos } from './photos.js';

const CLOSED = ['done', 'dropped'];
// Late: the due date has passed and the measure is neither done nor dropped (the worklist
// and the server's report say the same).
export const isLate = (d, day = today()) => !!d.due_on && d.due_on < day && !CLOSED.includes(d.status);
const FIELDS = ['title', 'kind', 'owner', 'helping_unit', 'funds', 'due_on', 'status', 'done_on', 'result', 'income_per_year'];
const NUMBERS = new Set(['funds', 'income_per_year']);

async function saved(op, back) {
  await refreshCounts();
  bump();
  toast(op ? '已保存，待同步' : '没有修改');
  if (back) go(back);
}

// The result's photo (one per measure), saved in the measure's own transaction.
const photoWith = (id, photos) => (photos.length ? photosWith(id, photos, null, MEASURE_PHOTO) : null);

// Marking done asks what it achieved and when, and offers a photo of it: a measure is
// tracked to its result.
function DoneForm({ m, onClose }) {
  const [v, setV] = useState({ result: m.data.result || '', done_on: m.data.done_on || today(), income_per_year: m.data.income_per_year ?? '' });
  const [errors, setErrors] = useState({});
  const [photos, setPhotos] = useState([]);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  async function submit(e) {
    e.preventDefault();
    const missing = {};
    if (!String(v.result).trim()) missing.result = '请填写成效';
    if (!v.done_on) missing.done_on = '请填写实际完成日期';
    if (Object.keys(missing).length) return setErrors(missing);
    const data = { ...m.data, status: 'done', result: blankToNull(v.result), done_on: v.done_on, income_per_year: num(v.income_per_year) };
    const op = await saveChecked('measure', m.id, data, { before: m.data, setErrors, more: photoWith(m.id, photos) });
    if (op === undefined) return;
    onClose();
    saved(op || photos.length);
  }
  return html`<form class="form inline" onSubmit=${submit} data-testid="done-form">
    <${F} type="measure" name="result" errors=${errors}><${Area} name="result" value=${v.result} onInput=${set('result')} /><//>
    <${F} type="measure" name="done_on" errors=${errors}><${Text} name="done_on" type="date" value=${v.done_on} onInput=${set('done_on')} /><//>
    <${F} type="measure" name="income_per_year" errors=${errors}><${Text} name="income_per_year" type="number" inputmode="numeric" value=${v.income_per_year} onInput=${set('income_per_year')} /><//>
    <${PhotoPicker} visit=${m.id} added=${photos} setAdded=${setPhotos} kind=${MEASURE_PHOTO} />
    <div class="row-actions">
      <button class="primary" type="submit">确认完成</button>
      <button type="button" onClick=${onClose}>取消</button>
    </div>
  </form>`;
}

// The household's plan, in its family file.
export function MeasurePlan({ household }) {
  const [open, setOpen] = useState(null);
  const got = useLoad(async () => {
    const [list, ops] = await Promise.all([childrenOf('measure', household), outboxAll()]);
    return { list, waiting: new Set(ops.map((o) => o.id)) };
  }, [household, open]);
  if (!got) return null;
  const { list, waiting } = got;
  const day = today();
  const live = list.filter((m) => !m.deleted).sort((a, b) => (a.data.due_on || '9').localeCompare(b.data.due_on || '9'));
  const late = live.filter((m) => isLate(m.data, day)).length;
  const done = live.filter((m) => m.data.status === 'done').length;
  return html`<section class="card" data-testid="measure-plan">
    <h2>一户一策（${live.length} 项，已完成 ${done}${late ? html`，<span class="late">逾期 ${late}</span>` : ''}）</h2>
    <ul class="list">
      ${live.map(
        (m) => html`<li class=${'row static' + (isLate(m.data, day) ? ' late' : '')} data-testid="measure" data-id=${m.id}>
          <span class="main">${m.data.title}
            ${isLate(m.data, day) ? html`<i class="tag bad" data-testid="late">逾期</i>` : null}
            ${waiting.has(m.id) ? html`<i class="tag wait">待同步</i>` : null}
            ${m.has_conflict ? html`<i class="tag bad">冲突待审核</i>` : null}</span>
          <span class="sub">${show('measure', 'kind', m.data.kind)} · ${show('measure', 'status', m.data.status)}
            ${m.data.due_on ? ` · 应于 ${m.data.due_on} 完成` : ''}${m.data.owner || m.data.helping_unit ? ` · ${[m.data.owner, m.data.helping_unit].filter(Boolean).join('、')}` : ''}</span>
          ${m.data.status === 'done'
            ? html`<span class="sub">成效：${m.data.result || '—'}（${m.data.done_on || ''}）${m.data.income_per_year ? ` · 年增收 ${m.data.income_per_year} 元` : ''}</span>
                <${VisitPhotos} visit=${m.id} kind=${MEASURE_PHOTO} />`
            : null}
          ${open === m.id
            ? html`<${DoneForm} m=${m} onClose=${() => setOpen(null)} />`
            : html`<span class="row-actions">
                ${CLOSED.includes(m.data.status) ? null : html`<button type="button" onClick=${() => setOpen(m.id)} data-testid="mark-done">标记完成</button>`}
                <a class="button" href=${`#/h/${household}/measure/${m.id}`}>修改</a>
              </span>`}
        </li>`,
      )}
    </ul>
    <a class="button" href=${`#/h/${household}/measure/new`}>＋ 添加帮扶措施</a>
  </section>`;
}

// One measure: picked from the county's menu (which fills what and what kind) or typed.
export function MeasureForm({ household, id }) {
  const creating = id === 'new';
  const back = `/h/${household}`;
  const loaded = useLoad(async () => {
    const menu = (await villageRecords('menu_item', '')).filter((x) => !x.deleted);
    const rec = creating ? null : await getRecord('measure', id);
    return { menu, rec };
  }, [id]);
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [photos, setPhotos] = useState([]);
  const [rid] = useState(() => (creating ? makeUuid() : id)); // the photo's parent before saving
  if (!loaded) return html`<${Header} title="帮扶措施" back=${back} />`;
  const was = loaded.rec?.data || { ...defaults('measure'), household_id: household };
  const v = { ...was, ...values };
  const set = (k) => (x) => setValues((o) => ({ ...o, [k]: x }));
  const menu = loaded.menu.sort((a, b) => (a.data.kind + a.data.name).localeCompare(b.data.kind + b.data.name));
  const item = menu.find((x) => x.id === v.menu_item_id);
  function pick(itemId) {
    const it = menu.find((x) => x.id === itemId);
    setValues((o) => ({
      ...o,
      menu_item_id: it ? it.id : null,
      ...(it ? { title: it.data.name, kind: it.data.kind, policy_id: it.data.policy_id || v.policy_id || null } : {}),
    }));
  }
  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    const data = { ...was, household_id: household, menu_item_id: v.menu_item_id || null, policy_id: v.policy_id || null };
    for (const f of FIELDS) data[f] = NUMBERS.has(f) ? num(v[f]) : blankToNull(v[f]);
    setBusy(true);
    const more = data.status === 'done' ? photoWith(rid, photos) : null;
    const op = await saveChecked('measure', rid, data, { before: loaded.rec?.data || null, setErrors, more });
    setBusy(false);
    if (op === undefined) return;
    saved(op || more, back);
  }
  const text = (f, type = 'text') => html`<${F} type="measure" name=${f} errors=${errors}>
    <${Text} name=${f} type=${type} inputmode=${type === 'number' ? 'numeric' : undefined} value=${v[f]} onInput=${set(f)} /><//>`;
  const choose = (f) => html`<${F} type="measure" name=${f} errors=${errors}>
    <${Select} name=${f} type="measure" field=${f} blank=${false} value=${v[f]} onChange=${set(f)} /><//>`;
  return html`<${Header} title=${creating ? '添加帮扶措施' : '修改帮扶措施'} back=${back} />
    <form class="form" onSubmit=${submit} data-testid="measure-form">
      ${menu.length
        ? html`<${F} type="measure" name="menu_item_id" errors=${errors}>
            <${Select} name="menu_item_id" options=${menu.map((x) => [x.id, `${show('measure', 'kind', x.data.kind)} · ${x.data.name}`])}
              value=${v.menu_item_id} onChange=${pick} />
            ${item ? html`<span class="hint">扶持标准：${item.data.standard || '—'}；享受对象：${item.data.eligible || '—'}</span>` : html`<span class="hint">从扶贫套餐中选，或直接填写措施内容</span>`}
          <//>`
        : null}
      ${text('title')} ${choose('kind')} ${text('owner')} ${text('helping_unit')} ${text('funds', 'number')}
      ${text('due_on', 'date')} ${choose('status')}
      ${v.status === 'done' ? html`${text('done_on', 'date')}
        <${F} type="measure" name="result" errors=${errors}><${Area} name="result" value=${v.result} onInput=${set('result')} /><//>
        ${text('income_per_year', 'number')}
        <${PhotoPicker} visit=${rid} added=${photos} setAdded=${setPhotos} kind=${MEASURE_PHOTO} />` : null}
      <button class="primary" type="submit" disabled=${busy}>保存</button>
    </form>`;
}

// The printable family file (PDF): fetched with the bearer token, handed to the browser.
export function PdfLink({ path, label = '打印家庭档案（PDF）' }) {
  const [busy, setBusy] = useState(false);
  async function open() {
    setBusy(true);
    try {
      const r = await request('GET', path);
      const url = URL.createObjectURL(await r.blob());
      const a = Object.assign(document.createElement('a'), { href: url, download: path.split('/').pop() });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      toast(e.message || '无法生成 PDF');
    } finally {
      setBusy(false);
    }
  }
  return html`<button type="button" class="button" onClick=${open} disabled=${busy} data-testid="pdf-link">${busy ? '正在生成…' : label}</button>`;
}
