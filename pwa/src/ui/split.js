// 分户: chosen members of a household start a new one (same village and group). The new
// household gets new member records copying the chosen members' data; in the old file those
// members are marked 分户 with the date. Nothing is deleted: both files keep their history.
import { useState } from 'preact/hooks';
import { html, Header, Text, useLoad, go } from './common.js';
import { childrenOf, getRecord, saveRecord } from '../store.js';
import { makeUuid } from '../db.js';
import { check, entry, show, today } from '../schema.js';
import { toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';

const own = (type, data) => {
  const keep = Object.keys(entry(type)?.schema?.properties || data);
  return Object.fromEntries(keep.filter((k) => k in data).map((k) => [k, data[k]]));
};

async function load(id) {
  const rec = await getRecord('household', id);
  const members = (await childrenOf('member', id)).filter((m) => !m.deleted && (m.data.status || 'resident') === 'resident');
  return { rec, members };
}

// The records the split writes, in the order the server needs them (a household before its
// members); answers [[type, id, data]] or an error message.
export function splitPlan(rec, members, chosen, headId, on, newId) {
  if (!chosen.length) return '请选择分出的成员';
  if (chosen.length === members.length) return '不能把全部成员分出，原户至少留一人';
  const head = members.find((m) => m.id === headId && chosen.includes(m.id));
  if (!head) return '请在分出的成员中选定新户户主';
  if (!on) return '请填写分户日期';
  const d = rec.data;
  const house = own('household', {
    ...d,
    head_name: head.data.name,
    id_number: head.data.id_number || null,
    phone: null,
    income_per_head: null,
    remark: `由 ${d.head_name} 户分出`,
  });
  const out = [['household', newId, house]];
  for (const m of members.filter((x) => chosen.includes(x.id))) {
    const rel = m.id === headId ? 'head' : m.data.relation === 'head' ? 'other' : m.data.relation;
    out.push(['member', makeUuid(), own('member', { ...m.data, household_id: newId, relation: rel, status: 'resident', left_on: null, left_reason: null })]);
  }
  for (const m of members.filter((x) => chosen.includes(x.id))) {
    out.push(['member', m.id, own('member', { ...m.data, status: 'split', left_on: on, left_reason: `分户至 ${head.data.name} 户` })]);
  }
  for (const [type, , data] of out) {
    const errs = check(type, data);
    if (errs.length) return errs[0].message;
  }
  return out;
}

export function SplitForm({ household }) {
  const f = useLoad(() => load(household), [household]);
  const [chosen, setChosen] = useState([]);
  const [head, setHead] = useState(null);
  const [on, setOn] = useState(today());
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  if (!f) return html`<${Header} title="分户" back=${`/h/${household}`} />`;
  if (!f.rec) return html`<${Header} title="分户" back="/" /><p class="empty">本机没有这一户。</p>`;
  const toggle = (id) => setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);

  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    const newId = makeUuid();
    const plan = splitPlan(f.rec, f.members, chosen, head, on, newId);
    if (typeof plan === 'string') return setError(plan);
    setBusy(true);
    for (const [type, id, data] of plan) await saveRecord(type, id, data);
    await refreshCounts();
    bump();
    toast('已分户，待同步');
    go(`/h/${newId}`);
  }

  return html`<${Header} title=${'分户 ' + f.rec.data.head_name + ' 户'} back=${`/h/${household}`} />
    <form class="form" onSubmit=${submit}>
      <p class="sub">选择分出的成员，并选定新户户主。新户与本户同村同组；本户中这些成员记为“分户”，档案保留。</p>
      <ul class="list" data-testid="split-members">
        ${f.members.map(
          (m) => html`<li class="row static">
            <label class="toggle"><input type="checkbox" name="chosen" value=${m.id} checked=${chosen.includes(m.id)} onChange=${() => toggle(m.id)} />
              <span>${m.data.name} · ${show('member', 'relation', m.data.relation)}</span></label>
            ${chosen.includes(m.id)
              ? html`<label class="toggle"><input type="radio" name="head" value=${m.id} checked=${head === m.id} onChange=${() => setHead(m.id)} /><span>新户户主</span></label>`
              : null}
          </li>`,
        )}
      </ul>
      <label class="field" data-field="left_on"><span class="lab">分户日期</span>
        <${Text} name="left_on" type="date" value=${on} onInput=${setOn} /></label>
      ${error ? html`<p class="err" role="alert" data-testid="split-error">${error}</p>` : null}
      <button class="primary" type="submit" disabled=${busy}>确认分户</button>
    </form>`;
}
