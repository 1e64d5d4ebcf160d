// Any declared record type, from its schema alone: a list of a parent's records of each
// child type without a screen of its own, and a form for one record — its fields, labels,
// choices, limits and checks all from the server's declaration (GET /api/v1/schema). A new
// type is usable on the phone the day it is declared; a screen of its own can come later.
import { useState } from 'preact/hooks';
import { html, Header, Text, Area, Select, Checks, Toggle, useLoad, go, blankToNull, num, RecordField as F, saveChecked } from './common.js';
import { childrenOf, getRecord } from '../store.js';
import { entry, label, schema, titleOf, typeLabel } from '../schema.js';
import { isoLocal, makeUuid } from '../db.js';
import { toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';

// Types drawn by screens of their own (the family file, the visit form, the map, 督查, 三单制).
const OWN_SCREENS = new Set(['household', 'member', 'visit', 'photo', 'condition_map', 'map_element', 'spot_check', 'household_order', 'measure', 'measure_photo']);

const kindOf = (s) => [].concat(s.type || []).find((t) => t !== 'null');

// How a field is typed on the phone; null: not typed (scope, device times, nested objects).
export function inputOf(e, name) {
  const s = e.schema.properties[name];
  const scope = e.scope.village_field || e.scope.parent?.field;
  if (name === scope || (e.device_times || []).includes(name) || (e.derived || []).includes(name)) return null;
  const t = kindOf(s);
  if (t === 'array') return s.items?.enum ? 'checks' : 'lines';
  if (s.enum) return 'choice';
  if (t === 'boolean') return 'toggle';
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'string') return s.format === 'date' ? 'date' : s['x-lines'] ? 'area' : 'text';
  return null;
}

export function typesUnder(parentType) {
  return Object.entries(schema()?.types || {})
    .filter(([t, e]) => e.scope.parent?.type === parentType && !OWN_SCREENS.has(t))
    .map(([t]) => t);
}

// The parent's records of every child type without a screen of its own, with a ＋ each.
export function OtherRecords({ parentType, parentId, back }) {
  const types = typesUnder(parentType);
  const lists = useLoad(() => Promise.all(types.map((t) => childrenOf(t, parentId))), [parentId, types.join()]);
  if (!types.length || !lists) return null;
  return types.map(
    (t, i) => html`<section class="card" data-testid=${'records-' + t}>
      <h2>${typeLabel(t)}</h2>
      <ul class="list">
        ${lists[i].filter((r) => !r.deleted).map(
          (r) => html`<li><a class="row" href=${`#/r/${t}/${r.id}?back=${encodeURIComponent(back)}`}>
            <span class="main">${titleOf(t, r.data) || typeLabel(t)}</span></a></li>`,
        )}
      </ul>
      <a class="button" href=${`#/r/${t}/new?${entry(t).scope.parent.field}=${parentId}&back=${encodeURIComponent(back)}`}>＋ 添加${typeLabel(t)}</a>
    </section>`,
  );
}

// The data a form's typed values make: numbers as numbers, lines as a list, blanks as null;
// ``value(f)`` what is on screen, ``was`` the record as it stood (fields not typed kept).
export function typedValues(e, value, was = {}) {
  const data = { ...was };
  for (const f of Object.keys(e.schema.properties)) {
    const kind = inputOf(e, f);
    const v = value(f);
    if (kind === 'number') data[f] = num(v);
    else if (kind === 'lines') data[f] = (Array.isArray(v) ? v : String(v || '').split('\n')).map((x) => x.trim()).filter(Boolean);
    else if (kind === 'text' || kind === 'area' || kind === 'date') data[f] = blankToNull(v);
    else if (kind) data[f] = v;
  }
  return data;
}

// One field's input, chosen by how the schema types it.
export function FieldInput({ type, f, value: v, set, disabled }) {
  const e = entry(type);
  const kind = inputOf(e, f);
  const d = { disabled };
  if (kind === 'choice') return html`<${Select} name=${f} type=${type} field=${f} value=${v} blank=${[].concat(e.schema.properties[f].type).includes('null')} onChange=${set} ...${d} />`;
  if (kind === 'checks') return html`<${Checks} type=${type} field=${f} value=${v || []} onChange=${set} />`;
  if (kind === 'lines') return html`<${Area} name=${f} value=${Array.isArray(v) ? v.join('\n') : v || ''} onInput=${set} ...${d} />`;
  if (kind === 'area') return html`<${Area} name=${f} value=${v} onInput=${set} ...${d} />`;
  if (kind === 'number') return html`<${Text} name=${f} type="number" inputmode="decimal" value=${v} onInput=${set} ...${d} />`;
  if (kind === 'date') return html`<${Text} name=${f} type="date" value=${v} onInput=${set} ...${d} />`;
  return html`<${Text} name=${f} value=${v} onInput=${set} ...${d} />`;
}

export function RecordForm({ type, id, query }) {
  const e = entry(type);
  const params = new URLSearchParams(query || '');
  const back = params.get('back') || '/';
  const creating = id === 'new';
  const rec = useLoad(() => (creating ? Promise.resolve(null) : getRecord(type, id)), [type, id]);
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  if (!e) return html`<${Header} title="记录" back=${back} /><p class="empty">请先同步一次，以取得记录类型。</p>`;
  if (!creating && !rec) return html`<${Header} title=${typeLabel(type)} back=${back} />`;
  const props = e.schema.properties;
  const was = rec?.data || {};
  const value = (f) => (f in values ? values[f] : f in was ? was[f] : props[f].default ?? null);
  const set = (f) => (v) => setValues((x) => ({ ...x, [f]: v }));
  const fields = Object.keys(props).filter((f) => inputOf(e, f));

  async function submit(ev) {
    ev.preventDefault();
    if (busy) return;
    const data = typedValues(e, value, was);
    for (const f of e.device_times || []) data[f] = was[f] || isoLocal();
    for (const f of e.derived || []) delete data[f];
    const scope = e.scope.village_field || e.scope.parent.field;
    if (creating) data[scope] = params.get(scope);
    setBusy(true);
    const op = await saveChecked(type, creating ? makeUuid() : id, data, { before: rec?.data || null, setErrors });
    setBusy(false);
    if (op === undefined) return;
    await refreshCounts();
    bump();
    toast(op ? '已保存，待同步' : '没有修改');
    go(back);
  }

  const input = (f) => html`<${FieldInput} type=${type} f=${f} value=${value(f)} set=${set(f)} />`;
  return html`<${Header} title=${(creating ? '添加' : '修改') + typeLabel(type)} back=${back} />
    <form class="form" onSubmit=${submit} data-testid="record-form">
      ${fields.map((f) =>
        inputOf(e, f) === 'toggle'
          ? html`<${Toggle} label=${label(type, f)} value=${value(f)} onChange=${set(f)} />`
          : html`<${F} type=${type} name=${f} errors=${errors}>${input(f)}<//>`,
      )}
      <button class="primary" type="submit" disabled=${busy}>保存</button>
    </form>
    ${creating ? null : html`<${OtherRecords} parentType=${type} parentId=${id} back=${`/r/${type}/${id}?back=${encodeURIComponent(back)}`} />`}`;
}
