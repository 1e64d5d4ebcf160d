// 小康信息库 on the cadre's phone: the county's indicators (pulled, read-only here) by group,
// with this year's value of the village and whether it is met; a form per value. All of it
// from IndexedDB, so it works with no signal; a value is saved and synced like any record.
// The ids and the rules are ../villagebase.js.
import { useState } from 'preact/hooks';
import { html, Header, Field, Text, Area, Select, useLoad, go, num, blankToNull, saveChecked } from './common.js';
import { getRecord, villageRecords } from '../store.js';
import { choices } from '../schema.js';
import { useApp, toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';
import { RULE_WORDS, VALUE_FIELD, status, valueId, valueOf } from '../villagebase.js';

const STATUS = { met: ['已达标', 'good'], not_met: ['未达标', 'bad'], filled: ['已填', ''], empty: ['未填', 'left'] };

const shown = (ind, v) => {
  const x = valueOf(ind, v);
  if (x === null) return '—';
  if (typeof x === 'boolean') return x ? '是' : '否';
  return `${x}${ind.unit ? ' ' + ind.unit : ''}`;
};

function ruleText(ind) {
  const r = ind.rule;
  if (!r) return '不评达标';
  if (RULE_WORDS[r]) return `${RULE_WORDS[r]} ${ind.threshold}${ind.unit ? ' ' + ind.unit : ''} 为达标`;
  if (r === 'yes' || r === 'no') return `“${r === 'yes' ? '是' : '否'}”为达标`;
  return `达标选项：${(ind.met_options || []).join('、')}`;
}

const thisYear = () => new Date().getFullYear();

async function loadBase(village, year) {
  const defs = (await villageRecords('indicator', ''))
    .filter((r) => !r.deleted)
    .sort((a, b) => (a.data.code < b.data.code ? -1 : 1));
  const byIndicator = {};
  for (const r of await villageRecords('indicator_value', village)) {
    if (!r.deleted && r.data.year === year) byIndicator[r.data.indicator_id] = r.data;
  }
  return { defs, byIndicator };
}

function Tag({ st }) {
  const [words, cls] = STATUS[st];
  return html`<i class=${'tag ' + cls} data-status=${st}>${words}</i>`;
}

function BaseList({ village }) {
  const year = thisYear();
  const base = useLoad(() => loadBase(village, year), [village]);
  const vname = useApp().villages.find((v) => v.code === village)?.name || '';
  const head = html`<${Header} title=${`${vname} 小康信息库`} back=${`/v/${village}`} />`;
  if (!base) return head;
  if (!base.defs.length) return html`${head}<p class="empty">还没有指标。请在有信号时点“同步”。</p>`;
  const st = (r) => status(r.data, base.byIndicator[r.id]);
  const all = base.defs.map(st);
  const shihao = base.defs.filter((r) => r.data.shihao);
  const row = (r) => html`<li key=${r.id}><a class="row" href=${`#/v/${village}/base/${r.id}`} data-testid=${'ind-' + r.data.code}>
      <span class="main">${r.data.name} <${Tag} st=${st(r)} /></span>
      <span class="sub">${r.data.code} · ${shown(r.data, base.byIndicator[r.id])}</span>
    </a></li>`;
  return html`${head}
    <p class="sub" data-testid="base-summary">${year}年 · 已填 ${all.filter((s) => s !== 'empty').length}/${all.length} · 达标 ${all.filter((s) => s === 'met').length} · 未达标 ${all.filter((s) => s === 'not_met').length}</p>
    ${shihao.length
      ? html`<section class="card" data-testid="shihao"><h2>“十好”行动（达标 ${shihao.filter((r) => st(r) === 'met').length}/${shihao.length}）</h2>
          <ul class="list">${shihao.map(row)}</ul></section>`
      : null}
    ${choices('indicator', 'group').map(([g, gname]) => {
      const rows = base.defs.filter((r) => r.data.group === g);
      return rows.length
        ? html`<section class="card" key=${g} data-testid=${'group-' + g}><h2>${gname}</h2><ul class="list">${rows.map(row)}</ul></section>`
        : null;
    })}`;
}

function ValueForm({ village, indicator }) {
  const year = thisYear();
  const got = useLoad(async () => {
    const ind = await getRecord('indicator', indicator);
    const id = await valueId(village, year, indicator);
    const rec = await getRecord('indicator_value', id);
    const last = await getRecord('indicator_value', await valueId(village, year - 1, indicator));
    return { ind, id, rec, last };
  }, [village, indicator]);
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const back = `/v/${village}/base`;
  if (!got) return html`<${Header} title="小康信息库" back=${back} />`;
  if (!got.ind) return html`<${Header} title="小康信息库" back=${back} /><p class="empty">没有这项指标。</p>`;
  const ind = got.ind.data;
  const used = VALUE_FIELD[ind.kind];
  const was = got.rec?.data || {};
  const value = (f) => (f in values ? values[f] : was[f] ?? null);
  const set = (f) => (v) => setValues((x) => ({ ...x, [f]: v }));

  async function submit(ev) {
    ev.preventDefault();
    if (busy) return;
    const v = value(used);
    const data = {
      village_code: village,
      year,
      indicator_id: indicator,
      note: blankToNull(value('note')),
      value_number: null,
      value_yes: null,
      value_text: null,
    };
    // only the field this kind uses is sent; the others stay empty (the server checks it)
    data[used] = ind.kind === 'number' ? num(v) : ind.kind === 'yes_no' ? (v === null ? null : v === true || v === 'true') : blankToNull(v);
    setBusy(true);
    const op = await saveChecked('indicator_value', got.id, data, { before: got.rec?.data || null, setErrors });
    setBusy(false);
    if (op === undefined) return;
    await refreshCounts();
    bump();
    toast(op ? '已保存，待同步' : '没有修改');
    go(back);
  }

  const v = value(used);
  let input;
  if (ind.kind === 'number') input = html`<${Text} name=${used} type="number" inputmode="decimal" value=${v} onInput=${set(used)} />`;
  else if (ind.kind === 'yes_no') input = html`<${Select} name=${used} value=${v === null ? '' : String(v)} options=${[['true', '是'], ['false', '否']]} onChange=${set(used)} />`;
  else if (ind.kind === 'choice') input = html`<${Select} name=${used} value=${v} options=${ind.options.map((o) => [o, o])} onChange=${set(used)} />`;
  else input = html`<${Text} name=${used} value=${v} onInput=${set(used)} />`;
  return html`<${Header} title=${ind.name} back=${back} />
    <section class="card" data-testid="indicator-def">
      <p class="sub">${ind.code} · ${choices('indicator', 'group').find(([g]) => g === ind.group)?.[1] || ''}${ind.unit ? ' · 单位：' + ind.unit : ''}</p>
      <p>${ruleText(ind)}</p>
      ${ind.source ? html`<p class="sub">来源：${ind.source}</p>` : null}
      <p class="sub" data-testid="last-year">${year - 1}年：${shown(ind, got.last?.data)}</p>
    </section>
    <form class="form" onSubmit=${submit} data-testid="value-form">
      ${Object.entries(errors)
        .filter(([f]) => f !== used && f !== 'note')
        .map(([, m]) => html`<p class="err" data-testid="form-error">${m}</p>`)}
      <${Field} label=${`${year}年 ${ind.name}${ind.unit ? '（' + ind.unit + '）' : ''}`} error=${errors[used]} name=${used}>${input}<//>
      <${Field} label="说明" error=${errors.note} name="note"><${Area} name="note" value=${value('note')} onInput=${set('note')} /><//>
      <button class="primary" type="submit" disabled=${busy}>保存</button>
    </form>`;
}

// #/v/<village>/base and #/v/<village>/base/<indicator id> (app.js: one route line)
export function VillageBase({ village, rest }) {
  const indicator = (rest || '').replace(/^\//, '');
  return indicator ? html`<${ValueForm} village=${village} indicator=${indicator} />` : html`<${BaseList} village=${village} />`;
}
