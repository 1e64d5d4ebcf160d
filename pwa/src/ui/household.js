import { useEffect, useState } from 'preact/hooks';
import { html, Header, Field, Text, Area, Select, Checks, Toggle, useLoad, go, blankToNull, ID_RE, PHONE_RE } from './common.js';
import { getRecord, childrenOf, conflictsOf, notices, outboxAll, saveRecord } from '../store.js';
import { deviceId, getMeta, makeUuid } from '../db.js';
import { FIELD, show, shortTime } from '../labels.js';
import { toast, bump } from '../state.js';
import { refreshCounts } from '../sync.js';
import { MapCard } from './mapcard.js';
import { Notices } from './notices.js';

const HH_FIELDS = ['head_name', 'group_code', 'address', 'id_number', 'phone', 'poverty_category', 'poverty_status',
  'causes', 'income_per_head', 'pairing_cadre', 'relocated', 'relief_loan', 'measures', 'remark'];
const MEMBER_FIELDS = ['name', 'relation', 'sex', 'id_number', 'birth_date', 'health', 'labour', 'schooling'];

async function loadFile(id) {
  const rec = await getRecord('household', id);
  if (!rec) return { rec: null };
  const [members, visits, ops] = await Promise.all([childrenOf('member', id), childrenOf('visit', id), outboxAll()]);
  const ids = [id, ...members.map((m) => m.id)];
  const conflicts = (await conflictsOf(ids)).filter((c) => c.status !== 'resolved');
  const mine = ops.filter((o) => ids.includes(o.id) || visits.some((v) => v.id === o.id));
  const villages = (await getMeta('villages')) || [];
  const village = villages.find((v) => v.code === rec.data.village_code);
  return { rec, members, visits, conflicts, ops: mine, village, device: await deviceId(), notices: await notices(id) };
}

function Conflicts({ conflicts, rec, members, device }) {
  const who = (dev, other) => (dev && dev === device ? '本机填写' : `他人${other}`);
  const nameOf = (c) =>
    c.type === 'household' ? '户档案' : `成员 ${members.find((m) => m.id === c.record_id)?.data.name || ''}`;
  const flagged = rec.has_conflict || members.some((m) => m.has_conflict);
  if (!conflicts.length && !flagged) return null;
  return html`<section class="card conflict" data-testid="conflict">
    <h2>有冲突待审核</h2>
    ${conflicts.map(
      (c) => html`<div class="cf">
        <p class="sub">${nameOf(c)}：两人改了同一项，两个值都已保存，由上级审核定夺。</p>
        ${c.fields
          ? Object.entries(c.fields).map(
              ([f, v]) => html`<dl class="both">
                <dt>${FIELD[f] || f}</dt>
                <dd><span class="who">${who(c.incoming?.device_id, '后提交')}</span> ${show(f, v.incoming)} ${v.winner === 'incoming' ? html`<i class="tag">现采用</i>` : null}</dd>
                <dd><span class="who">${who(v.stored_by?.device_id, '先提交')}</span> ${show(f, v.stored)} ${v.winner === 'stored' ? html`<i class="tag">现采用</i>` : null}</dd>
              </dl>`,
            )
          : html`<p>本机提交的值：${Object.entries(c.mine || {}).map(([f, v]) => html`<span>${FIELD[f] || f}＝${show(f, v)}；</span>`)}
              （另一方的值在下次同步后显示）</p>`}
      </div>`,
    )}
    ${!conflicts.length ? html`<p class="sub">他人与本户的另一处修改有冲突，两个值都已保存，等待上级审核。</p>` : null}
  </section>`;
}

function Rejected({ ops }) {
  const bad = ops.filter((o) => o.state === 'rejected');
  if (!bad.length) return null;
  return html`<a class="banner warn" href="#/outbox">
    ${bad.length} 条修改未被服务器接受：${bad[0].error?.message || ''}（点此处理）
  </a>`;
}

export function FamilyFile({ id }) {
  const f = useLoad(() => loadFile(id), [id]);
  if (!f) return html`<${Header} title="家庭档案" back="/" />`;
  if (!f.rec) return html`<${Header} title="家庭档案" back="/" /><p class="empty">本机没有这一户。</p>`;
  const { rec, members, visits, village } = f;
  const d = rec.data;
  const group = village?.groups.find((g) => g.code === d.group_code);
  const waiting = new Set(f.ops.map((o) => o.id));
  const back = `/v/${d.village_code}/g/${d.group_code || 'all'}`;
  return html`<${Header} title=${d.head_name + ' 户'} back=${back} />
    <${Rejected} ops=${f.ops} />
    <${Notices} list=${f.notices} />
    <${Conflicts} conflicts=${f.conflicts} rec=${rec} members=${members} device=${f.device} />
    <div class="actions">
      <a class="button primary" href=${`#/h/${id}/visit`}>记录走访</a>
      <a class="button" href=${`#/h/${id}/edit`}>编辑档案</a>
    </div>
    <section class="card">
      <h2>家庭档案 ${waiting.has(id) ? html`<i class="tag wait">待同步</i>` : null}</h2>
      <dl class="facts" data-testid="facts">
        <dt>村民组</dt><dd>${village ? village.name : ''} ${group ? group.name : ''}</dd>
        ${HH_FIELDS.filter((k) => k !== 'group_code').map(
          (k) => html`<dt>${FIELD[k]}</dt><dd data-field=${k}>${show(k, d[k])}</dd>`,
        )}
      </dl>
    </section>
    <${MapCard} household=${rec} />
    <section class="card">
      <h2>家庭成员（${members.length}）</h2>
      <ul class="list">
        ${members
          .sort((a, b) => (a.data.relation === 'head' ? -1 : b.data.relation === 'head' ? 1 : 0))
          .map(
            (m) => html`<li><a class="row" href=${`#/h/${id}/m/${m.id}`}>
              <span class="main">${m.data.name} ${waiting.has(m.id) ? html`<i class="tag wait">待同步</i>` : null}
                ${m.has_conflict ? html`<i class="tag bad">冲突</i>` : null}</span>
              <span class="sub">${show('relation', m.data.relation)} · ${show('sex', m.data.sex)} · ${show('health', m.data.health)}</span>
            </a></li>`,
          )}
      </ul>
      <a class="button" href=${`#/h/${id}/m/new`}>＋ 添加成员</a>
    </section>
    <section class="card">
      <h2>走访记录（${visits.length}）</h2>
      <ul class="list visits" data-testid="visits">
        ${visits
          .sort((a, b) => (b.data.occurred_at || '').localeCompare(a.data.occurred_at || ''))
          .map(
            (v) => html`<li class="row static">
              <span class="main">${show('kind', v.data.kind)} · ${shortTime(v.data.occurred_at)}
                ${waiting.has(v.id) ? html`<i class="tag wait">待同步</i>` : null}</span>
              ${v.data.notes ? html`<span class="sub">${v.data.notes}</span>` : null}
              ${v.data.needs?.length ? html`<span class="sub">需求：${show('needs', v.data.needs)}</span>` : null}
              ${v.data.follow_up_on ? html`<span class="sub">下次回访：${v.data.follow_up_on}</span>` : null}
            </li>`,
          )}
      </ul>
    </section>`;
}

function useForm(load, deps) {
  const [form, setForm] = useState(null);
  useEffect(() => {
    let live = true;
    load().then((v) => live && setForm(v));
    return () => (live = false);
  }, deps);
  const set = (k) => (v) => setForm((f) => ({ ...f, [k]: v }));
  return [form, set, setForm];
}

async function saved(op, back) {
  await refreshCounts();
  bump();
  toast(op ? '已保存，待同步' : '没有修改');
  go(back);
}

export function HouseholdForm({ id, village, group }) {
  const creating = !id;
  const [form, set] = useForm(async () => {
    const villages = (await getMeta('villages')) || [];
    if (creating) {
      return {
        v: { village_code: village, group_code: group, head_name: '', poverty_category: 'general', poverty_status: 'not_out', causes: [], measures: [], relocated: false, relief_loan: false },
        villages,
      };
    }
    const rec = await getRecord('household', id);
    return { v: { ...rec.data, measures: rec.data.measures || [] }, villages, orig_id: rec.data.id_number };
  }, [id]);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  if (!form) return html`<${Header} title="编辑档案" />`;
  const v = form.v;
  const fv = (k) => (x) => set('v')({ ...v, [k]: x });
  const groups = form.villages.find((x) => x.code === v.village_code)?.groups || [];

  async function submit(e) {
    e.preventDefault();
    const out = {};
    for (const k of HH_FIELDS) out[k] = blankToNull(v[k]);
    out.village_code = v.village_code;
    out.causes = v.causes || [];
    out.measures = (v.measures || []).map((m) => m.trim()).filter(Boolean);
    const err = {};
    if (!out.head_name) err.head_name = '请填写户主姓名';
    // Only a changed number is checked: a role that pulls masked numbers sends them back unchanged.
    if (out.id_number && out.id_number !== form.orig_id && !ID_RE.test(out.id_number)) err.id_number = '身份证号应为 18 位';
    if (out.phone && !PHONE_RE.test(out.phone)) err.phone = '电话号码格式不对';
    if (out.income_per_head !== null) {
      const n = Number(out.income_per_head);
      if (!Number.isInteger(n) || n < 0) err.income_per_head = '请填写整数（元）';
      else out.income_per_head = n;
    }
    setErrors(err);
    if (Object.keys(err).length) return;
    setBusy(true);
    const rid = id || makeUuid();
    const op = await saveRecord('household', rid, out);
    setBusy(false);
    saved(op, `/h/${rid}`);
  }

  return html`<${Header} title=${creating ? '新增一户' : '编辑档案'} back=${creating ? `/v/${village}/g/${group}` : `/h/${id}`} />
    <form class="form" onSubmit=${submit}>
      <${Field} label=${FIELD.head_name} error=${errors.head_name}><${Text} name="head_name" value=${v.head_name} onInput=${fv('head_name')} /><//>
      <${Field} label=${FIELD.group_code}>
        <${Select} name="group_code" options=${groups.map((g) => [g.code, g.name])} value=${v.group_code} onChange=${fv('group_code')} />
      <//>
      <${Field} label=${FIELD.address}><${Text} name="address" value=${v.address} onInput=${fv('address')} /><//>
      <${Field} label=${FIELD.id_number} error=${errors.id_number}><${Text} name="id_number" value=${v.id_number} onInput=${fv('id_number')} maxlength="18" /><//>
      <${Field} label=${FIELD.phone} error=${errors.phone}><${Text} name="phone" type="tel" value=${v.phone} onInput=${fv('phone')} /><//>
      <${Field} label=${FIELD.poverty_category}><${Select} name="poverty_category" field="poverty_category" blank=${false} value=${v.poverty_category} onChange=${fv('poverty_category')} /><//>
      <${Field} label=${FIELD.poverty_status}><${Select} name="poverty_status" field="poverty_status" blank=${false} value=${v.poverty_status} onChange=${fv('poverty_status')} /><//>
      <${Field} label=${FIELD.causes}><${Checks} field="causes" value=${v.causes} onChange=${fv('causes')} /><//>
      <${Field} label=${FIELD.income_per_head} error=${errors.income_per_head}><${Text} name="income_per_head" type="number" inputmode="numeric" value=${v.income_per_head} onInput=${fv('income_per_head')} /><//>
      <${Field} label=${FIELD.pairing_cadre}><${Text} name="pairing_cadre" value=${v.pairing_cadre} onInput=${fv('pairing_cadre')} /><//>
      <${Toggle} label=${FIELD.relocated} value=${v.relocated} onChange=${fv('relocated')} />
      <${Toggle} label=${FIELD.relief_loan} value=${v.relief_loan} onChange=${fv('relief_loan')} />
      <${Field} label=${FIELD.measures + '（一户一策），每行一项'}>
        <${Area} name="measures" value=${(v.measures || []).join('\n')} onInput=${(x) => fv('measures')(x.split('\n'))} />
      <//>
      <${Field} label=${FIELD.remark}><${Area} name="remark" value=${v.remark} onInput=${fv('remark')} /><//>
      <button class="primary" type="submit" disabled=${busy}>保存</button>
    </form>`;
}

export function MemberForm({ household, id }) {
  const creating = id === 'new';
  const [form, set] = useForm(async () => {
    if (creating) return { household_id: household, name: '', relation: 'other' };
    const data = (await getRecord('member', id)).data;
    return { ...data, orig_id: data.id_number };
  }, [id]);
  const [errors, setErrors] = useState({});
  if (!form) return html`<${Header} title="家庭成员" />`;
  async function submit(e) {
    e.preventDefault();
    const out = { household_id: household };
    for (const k of MEMBER_FIELDS) out[k] = blankToNull(form[k]);
    out.relation = out.relation || 'other';
    const err = {};
    if (!out.name) err.name = '请填写姓名';
    if (out.id_number && out.id_number !== form.orig_id && !ID_RE.test(out.id_number)) err.id_number = '身份证号应为 18 位';
    setErrors(err);
    if (Object.keys(err).length) return;
    const op = await saveRecord('member', creating ? makeUuid() : id, out);
    saved(op, `/h/${household}`);
  }
  return html`<${Header} title=${creating ? '添加成员' : '编辑成员'} back=${`/h/${household}`} />
    <form class="form" onSubmit=${submit}>
      <${Field} label=${FIELD.name} error=${errors.name}><${Text} name="name" value=${form.name} onInput=${set('name')} /><//>
      <${Field} label=${FIELD.relation}><${Select} name="relation" field="relation" blank=${false} value=${form.relation} onChange=${set('relation')} /><//>
      <${Field} label=${FIELD.sex}><${Select} name="sex" field="sex" value=${form.sex} onChange=${set('sex')} /><//>
      <${Field} label=${FIELD.id_number} error=${errors.id_number}><${Text} name="id_number" value=${form.id_number} onInput=${set('id_number')} maxlength="18" /><//>
      <${Field} label=${FIELD.birth_date}><${Text} name="birth_date" type="date" value=${form.birth_date} onInput=${set('birth_date')} /><//>
      <${Field} label=${FIELD.health}><${Select} name="health" field="health" value=${form.health} onChange=${set('health')} /><//>
      <${Field} label=${FIELD.labour}><${Select} name="labour" field="labour" value=${form.labour} onChange=${set('labour')} /><//>
      <${Field} label=${FIELD.schooling}><${Select} name="schooling" field="schooling" value=${form.schooling} onChange=${set('schooling')} /><//>
      <button class="primary" type="submit">保存</button>
    </form>`;
}

