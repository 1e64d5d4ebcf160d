// Conflict review: the conflicts in the reviewer's scope, filtered by village, type, age and
// status; one conflict with the base value and both values — who, when, which device, the
// clock-skew flag — resolved field by field: keep one, keep the other, or type a new value.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html, Select } from '../ui/common.js';
import { useApp } from '../state.js';
import { choices, field as fieldOf, label, schema, show, typeLabel } from '../schema.js';
import { age, daysAgo, Device, Failure, forget, get, Person, post, recordLabel, townships, useApi, useNames, villageName, when } from './data.js';

// Every record type by its declared name (the server's schema).
const typeOptions = () => Object.entries(schema()?.types || {}).map(([k, t]) => [k, t.label]);
const AGES = [
  ['', '不限'],
  ['1', '超过 1 天'],
  ['3', '超过 3 天'],
  ['7', '超过 7 天'],
  ['30', '超过 30 天'],
];
const PAGE = 200;
const MAX = 2000;
const SHOW = 100;

// All conflicts matching the server-side filters (up to MAX), newest first.
async function loadAll(status, village, type) {
  const items = [];
  let total = 0;
  for (let offset = 0; offset < MAX; offset += PAGE) {
    const page = await get('/api/v1/conflicts', { status, village_code: village, type, offset, limit: PAGE });
    items.push(...page.items);
    total = page.total;
    if (offset + PAGE >= page.total) break;
  }
  return { items, total };
}

// Names of the records on screen, looked up once each.
function useLabels(items) {
  const [labels, setLabels] = useState(new Map());
  useEffect(() => {
    let live = true;
    const todo = [...new Map((items || []).map((c) => [c.record_id, c])).values()];
    Promise.all(todo.map(async (c) => [c.record_id, await recordLabel(c.type, c.record_id)])).then(
      (pairs) => live && setLabels(new Map(pairs)),
    );
    return () => (live = false);
  }, [items]);
  return labels;
}

export function VillagePick({ value, onChange, villages, blank = '全部村' }) {
  return html`<select value=${value} onChange=${(e) => onChange(e.currentTarget.value)} name="village">
    <option value="">${blank}</option>
    ${townships(villages).map(
      (t) => html`<optgroup label=${t.name}>${t.villages.map((v) => html`<option value=${v.code}>${v.name}</option>`)}</optgroup>`,
    )}
  </select>`;
}

// The fields in conflict; once resolved, with the value each one got.
const fieldsOf = (c) =>
  Object.keys(c.fields)
    .map((f) => label(c.type, f) + (c.resolution?.fields?.[f] ? `：${show(c.type, f, c.resolution.fields[f].value)}` : ''))
    .join('、');

export function ConflictList({ user }) {
  const { villages } = useApp();
  const [status, setStatus] = useState('open');
  const [village, setVillage] = useState('');
  const [type, setType] = useState('');
  const [older, setOlder] = useState('');
  const [shown, setShown] = useState(SHOW);
  const res = useApi(() => loadAll(status, village, type), [status, village, type]);
  const nm = useNames(user.role);
  const items = useMemo(() => {
    const all = res.data?.items || [];
    return older ? all.filter((c) => daysAgo(c.created_at) >= Number(older)) : all;
  }, [res.data, older]);
  const visible = useMemo(() => items.slice(0, shown), [items, shown]);
  const labels = useLabels(visible);
  return html`<section class="card">
      <h2>冲突审核</h2>
      <div class="filters">
        <label>状态<${Select} name="status" blank=${false} value=${status} onChange=${setStatus} options=${[['open', '待审核'], ['resolved', '已处理']]} /></label>
        <label>村<${VillagePick} value=${village} onChange=${setVillage} villages=${villages} /></label>
        <label>类型<${Select} name="type" blank=${false} value=${type} onChange=${(v) => setType(v || '')} options=${[['', '全部类型'], ...typeOptions()]} /></label>
        <label>时长<${Select} name="age" blank=${false} value=${older} onChange=${(v) => setOlder(v || '')} options=${AGES} /></label>
      </div>
      <${Failure} error=${res.error} />
      ${res.data
        ? html`<p class="sub" data-testid="conflict-total">共 ${items.length} 条${res.data.total > res.data.items.length ? `（只取了最新的 ${res.data.items.length} 条，请缩小范围）` : ''}</p>`
        : res.loading ? html`<p class="sub">正在读取…</p>` : null}
    </section>
    ${items.length
      ? html`<div class="scroll"><table class="grid" data-testid="conflicts">
          <thead><tr><th>记录</th><th>村</th><th>类型</th><th>字段</th><th>先提交</th><th>后提交</th><th>发生</th><th>${status === 'open' ? '时钟' : '处理'}</th></tr></thead>
          <tbody>${visible.map((c) => {
            const first = Object.values(c.fields)[0]?.stored_by || {};
            return html`<tr data-testid="conflict-row" data-id=${c.id} onClick=${() => (location.hash = `#/console/conflicts/${c.id}`)}>
              <td><a href=${`#/console/conflicts/${c.id}`}>${labels.get(c.record_id)?.text || typeLabel(c.type)}</a></td>
              <td>${villageName(villages, c.village_code)}</td>
              <td>${typeLabel(c.type)}</td>
              <td class="wrap">${fieldsOf(c)}</td>
              <td><${Person} nm=${nm} id=${first.user_id} /></td>
              <td><${Person} nm=${nm} id=${c.incoming.user_id} /></td>
              <td title=${when(c.created_at)}>${age(c.created_at)}</td>
              <td>${status === 'open'
                ? c.clock_skew_flag ? html`<i class="tag bad">时间偏差</i>` : '正常'
                : html`<${Person} nm=${nm} id=${c.resolved_by} /> ${when(c.resolved_at)}`}</td>
            </tr>`;
          })}</tbody>
        </table></div>
        ${items.length > shown ? html`<div class="actions"><button onClick=${() => setShown(shown + SHOW)}>显示更多（还有 ${items.length - shown} 条）</button></div>` : null}`
      : res.data
        ? html`<p class="empty" data-testid="no-conflicts">${status === 'open' ? '没有待审核的冲突' : '没有已处理的冲突'}</p>`
        : null}`;
}

// ── one conflict ──────────────────────────────────────────────────────────────────────────

// How a field is edited, from its declared schema.
function kindOf(type, field) {
  const s = fieldOf(type, field) || {};
  const t = [].concat(s.type || []).find((x) => x !== 'null');
  if (t === 'array') return s.items?.enum ? 'checks' : 'lines';
  if (s.enum) return 'choice';
  if (t === 'boolean') return 'bool';
  if (t === 'integer' || t === 'number') return 'number';
  if (t === 'object') return 'object';
  return 'text';
}

// What the reviewer typed, as the field's value; undefined: not a value yet.
function typed(kind, raw) {
  if (kind === 'checks') return raw || [];
  if (kind === 'lines') return String(raw || '').split('\n').map((x) => x.trim()).filter(Boolean);
  if (kind === 'bool') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  const t = typeof raw === 'string' ? raw.trim() : raw;
  if (t === '' || t === null || t === undefined) return null;
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
  return t;
}

function startText(kind, v) {
  if (kind === 'lines') return (v || []).join('\n');
  if (kind === 'checks') return v || [];
  if (kind === 'bool') return v === true ? 'true' : v === false ? 'false' : '';
  return v ?? '';
}

function Editor({ type, field, kind, raw, onChange }) {
  const name = `value-${field}`;
  if (kind === 'checks') {
    const cur = raw || [];
    return html`<div class="checks">${choices(type, field).map(
      ([k, v]) => html`<label class=${'chip' + (cur.includes(k) ? ' on' : '')}>
        <input type="checkbox" checked=${cur.includes(k)} onChange=${() => onChange(cur.includes(k) ? cur.filter((x) => x !== k) : [...cur, k])} />${v}
      </label>`,
    )}</div>`;
  }
  if (kind === 'choice') return html`<${Select} name=${name} type=${type} field=${field} value=${raw} onChange=${(v) => onChange(v || '')} />`;
  if (kind === 'bool') return html`<${Select} name=${name} value=${raw} onChange=${(v) => onChange(v || '')} options=${[['true', '是'], ['false', '否']]} />`;
  if (kind === 'lines') return html`<textarea name=${name} value=${raw} onInput=${(e) => onChange(e.currentTarget.value)} placeholder="每行一项"></textarea>`;
  return html`<input name=${name} value=${raw} inputmode=${kind === 'number' ? 'decimal' : undefined}
    onInput=${(e) => onChange(e.currentTarget.value)} placeholder="新的取值" />`;
}

const CHOICE_TEXT = { stored: '保留先提交的值', incoming: '采用后提交的值', value: '填写新值' };

function Side({ nm, who, device, at, extra }) {
  return html`<span class="side-who"><${Person} nm=${nm} id=${who} /> · <${Device} nm=${nm} user=${who} device=${device} />
    · ${when(at)}${extra || ''}</span>`;
}

function FieldReview({ c, field, entry, nm, pick, setPick, open }) {
  const kind = kindOf(c.type, field);
  const p = pick || {};
  const choose = (choice) => setPick({ choice, raw: p.raw ?? startText(kind, entry[entry.winner]) });
  const skew = c.incoming.clock_skew_s;
  const done = c.resolution?.fields?.[field];
  const option = (side, label, value, who) => html`<label class=${'option' + (p.choice === side ? ' on' : '') + (entry.winner === side ? ' winner' : '')}>
    ${open ? html`<input type="radio" name=${`pick-${field}`} value=${side} checked=${p.choice === side} onChange=${() => choose(side)} />` : null}
    <span class="opt-head">${label} ${entry.winner === side ? html`<i class="tag">暂用</i>` : null}</span>
    <span class="value" data-side=${side}>${show(c.type, field, value)}</span>
    ${who}
  </label>`;
  return html`<div class="field-review" data-testid=${`field-${field}`}>
    <h3>${label(c.type, field)}</h3>
    <div class="sides">
      <div class="option base"><span class="opt-head">原值（双方修改前）</span><span class="value" data-side="base">${show(c.type, field, entry.base)}</span></div>
      ${option('stored', '先提交', entry.stored, html`<${Side} nm=${nm} who=${entry.stored_by?.user_id} device=${entry.stored_by?.device_id}
        at=${entry.stored_by?.observed_at} extra=${entry.stored_by?.version ? ` · 第 ${entry.stored_by.version} 版` : ''} />`)}
      ${option('incoming', '后提交', entry.incoming, html`<${Side} nm=${nm} who=${c.incoming.user_id} device=${c.incoming.device_id}
        at=${c.incoming.observed_at} extra=${c.clock_skew_flag ? html` <i class="tag bad">手机时间偏差 ${Math.round(skew / 60)} 分钟</i>` : ''} />`)}
    </div>
    ${open
      ? html`<div class=${'option new' + (p.choice === 'value' ? ' on' : '')}>
          <label><input type="radio" name=${`pick-${field}`} value="value" checked=${p.choice === 'value'} disabled=${kind === 'object'} onChange=${() => choose('value')} />
          ${kind === 'object' ? '此项只能在两值中选一' : '填写新值'}</label>
          ${p.choice === 'value' ? html`<${Editor} type=${c.type} field=${field} kind=${kind} raw=${p.raw} onChange=${(raw) => setPick({ choice: 'value', raw })} />` : null}
          ${p.choice === 'value' && typed(kind, p.raw) === undefined ? html`<span class="err">${kind === 'number' ? '请填写数字' : '请选择'}</span>` : null}
        </div>`
      : done
        ? html`<p class="resolved-as" data-testid="resolution">处理结果：${CHOICE_TEXT[done.choice]} → <b>${show(c.type, field, done.value)}</b></p>`
        : null}
  </div>`;
}

export function ConflictDetail({ id, user }) {
  const res = useApi(() => get(`/api/v1/conflicts/${id}`), [id]);
  const nm = useNames(user.role);
  const { villages } = useApp();
  const [picks, setPicks] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [label, setLabel] = useState(null);
  const c = res.data;
  useEffect(() => {
    if (c) recordLabel(c.type, c.record_id).then(setLabel);
  }, [c?.record_id]);
  if (!c) return html`<p class="crumbs"><a href="#/console/conflicts">‹ 冲突列表</a></p>
    ${res.loading ? html`<p class="empty">正在读取…</p>` : html`<${Failure} error=${res.error} />`}`;
  const open = c.status === 'open';
  const fields = Object.keys(c.fields);
  const body = {};
  let ready = true;
  for (const f of fields) {
    const p = picks[f];
    if (!p?.choice) ready = false;
    else if (p.choice === 'value') {
      const v = typed(kindOf(c.type, f), p.raw);
      if (v === undefined) ready = false;
      body[f] = { choice: 'value', value: v };
    } else body[f] = { choice: p.choice };
  }
  async function resolve() {
    setBusy(true);
    setError('');
    try {
      await post(`/api/v1/conflicts/${id}/resolve`, { fields: body });
      forget('hh/');
      res.reload();
    } catch (e) {
      setError(e.message);
      if (e.code === 'already_resolved') res.reload();
    } finally {
      setBusy(false);
    }
  }
  return html`<p class="crumbs"><a href="#/console/conflicts">‹ 冲突列表</a></p>
    <section class="card" data-testid="conflict-detail" data-status=${c.status}>
      <h2>${label?.text || typeLabel(c.type)} <i class=${'tag' + (open ? ' bad' : '')}>${open ? '待审核' : '已处理'}</i></h2>
      <dl class="facts">
        <dt>村</dt><dd>${villageName(villages, c.village_code)}</dd>
        <dt>类型</dt><dd>${typeLabel(c.type)}</dd>
        <dt>发生</dt><dd>${when(c.created_at)}（${age(c.created_at)}）</dd>
        ${c.clock_skew_flag ? html`<dt>时钟</dt><dd class="err">后提交一方手机时间与服务器相差 ${Math.round(c.incoming.clock_skew_s / 60)} 分钟（时间已按服务器校正）</dd>` : null}
        ${open ? null : html`<dt>处理人</dt><dd><${Person} nm=${nm} id=${c.resolved_by} /> · ${when(c.resolved_at)} · 成为第 ${c.resolution?.version} 版</dd>`}
        ${label?.household ? html`<dt>档案</dt><dd><a href=${`#/console/h/${label.household}`}>查看这一户的档案和修改记录</a></dd>` : null}
      </dl>
      ${open ? html`<p class="sub">两人改了同一项。逐项选定取值：保留先提交的值、采用后提交的值，或填写新值。确认后，各手机同步时收到结果。</p>` : null}
    </section>
    ${fields.map(
      (f) => html`<${FieldReview} c=${c} field=${f} entry=${c.fields[f]} nm=${nm} open=${open}
        pick=${picks[f]} setPick=${(p) => setPicks((ps) => ({ ...ps, [f]: p }))} />`,
    )}
    ${open
      ? html`<div class="actions sticky">
          ${error ? html`<p class="err">${error}</p>` : null}
          <button class="primary" disabled=${!ready || busy} onClick=${resolve} data-testid="resolve">${busy ? '正在提交…' : '确认处理'}</button>
        </div>`
      : null}`;
}
