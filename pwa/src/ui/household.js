import { useEffect, useState } from 'preact/hooks';
import { html, Header, Text, Area, Select, Checks, Toggle, useLoad, go, blankToNull, num, RecordField as F, saveChecked } from './common.js';
import { getRecord, childrenOf, conflictsOf, deleteRecord, notices, outboxAll } from '../store.js';
import { deviceId, getMeta, makeUuid } from '../db.js';
import { defaults, label, show, shortTime } from '../schema.js';
import { idFacts, idValid } from '../validate.js';
import { toast, bump, useApp } from '../state.js';
import { refreshCounts } from '../sync.js';
import { MapCard } from './mapcard.js';
import { OtherRecords } from './records.js';
import { Notices } from './notices.js';
import { MeasurePlan, PdfLink } from './measures.js';
import { VisitPhotos } from './photos.js';
import { statusName, statusOf } from './orderstatus.js';

const HH_FIELDS = ['head_name', 'group_code', 'address', 'id_number', 'phone', 'poverty_category', 'poverty_status',
  'causes', 'income_per_head', 'pairing_cadre', 'relocated', 'relief_loan', 'remark'];
export const MEMBER_FIELDS = ['name', 'relation', 'sex', 'id_number', 'birth_date', 'health', 'labour', 'schooling',
  'status', 'left_on', 'left_reason'];
const resident = (m) => (m.data.status || 'resident') === 'resident';

async function loadFile(id) {
  const rec = await getRecord('household', id);
  if (!rec) return { rec: null };
  const [members, all, ops] = await Promise.all([childrenOf('member', id), childrenOf('visit', id), outboxAll()]);
  const visits = all.filter((v) => !v.deleted); // a withdrawn visit waits for its tombstone
  const ids = [id, ...members.map((m) => m.id)];
  const conflicts = (await conflictsOf(ids)).filter((c) => c.status !== 'resolved');
  const mine = ops.filter((o) => ids.includes(o.id) || all.some((v) => v.id === o.id));
  const villages = (await getMeta('villages')) || [];
  const village = villages.find((v) => v.code === rec.data.village_code);
  return { rec, members, visits, conflicts, ops: mine, village, device: await deviceId(), notices: await notices(id) };
}

function Conflicts({ conflicts, rec, members, device }) {
  // the other side by name (the server sends each side's display_name), 他人 if unknown
  const who = (side, other) => (side?.device_id && side.device_id === device ? '本机填写' : `${side?.display_name || '他人'}${other}`);
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
                <dt>${label(c.type, f)}</dt>
                <dd><span class="who">${who(c.incoming, '后提交')}</span> ${show(c.type, f, v.incoming)} ${v.winner === 'incoming' ? html`<i class="tag">现采用</i>` : null}</dd>
                <dd><span class="who">${who(v.stored_by, '先提交')}</span> ${show(c.type, f, v.stored)} ${v.winner === 'stored' ? html`<i class="tag">现采用</i>` : null}</dd>
              </dl>`,
            )
          : html`<p>本机提交的值：${Object.entries(c.mine || {}).map(([f, v]) => html`<span>${label(c.type, f)}＝${show(c.type, f, v)}；</span>`)}
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

// Withdraw one's own visit: a delete the server keeps as a tombstone and a version.
async function withdraw(v) {
  if (!confirm('确定撤回这条走访记录吗？撤回后不再计入走访，历史记录仍保留。')) return;
  await deleteRecord('visit', v.id);
  await refreshCounts();
  bump();
  toast('已撤回，待同步');
}

// The household's 三单制 orders (群众点单), each with its status read from its claims, a link
// to the order's own screen; nothing when it has placed none.
async function ordersOf(household) {
  const orders = (await childrenOf('household_order', household)).filter((o) => !o.deleted);
  return Promise.all(
    orders.map(async (o) => ({
      o,
      status: statusOf(await childrenOf('order_claim', o.id)),
      item: (await getRecord('branch_item', o.data.item_id))?.data.name || '（项目已删除）',
    })),
  );
}

function HouseholdOrders({ household, village }) {
  const rows = useLoad(() => ordersOf(household), [household]);
  if (!rows?.length) return null;
  rows.sort((a, b) => (b.o.data.placed_on || '').localeCompare(a.o.data.placed_on || ''));
  return html`<section class="card" data-testid="household-orders">
    <h2>群众点单（${rows.length}）</h2>
    <ul class="list">
      ${rows.map(
        (r) => html`<li><a class="row" href=${`#/v/${village}/orders/o/${r.o.id}`} data-testid="household-order">
          <span class="main">${r.item}</span>
          <span class="sub">${r.o.data.placed_on} 点单 · ${statusName(r.status)}</span>
        </a></li>`,
      )}
    </ul>
  </section>`;
}

export function FamilyFile({ id }) {
  const user = useApp().user;
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
      <${PdfLink} path=${`/api/v1/households/${id}.pdf`} label="打印（PDF）" />
    </div>
    <section class="card">
      <h2>家庭档案 ${waiting.has(id) ? html`<i class="tag wait">待同步</i>` : null}</h2>
      <dl class="facts" data-testid="facts">
        <dt>村民组</dt><dd>${village ? village.name : ''} ${group ? group.name : ''}</dd>
        ${HH_FIELDS.filter((k) => k !== 'group_code').map(
          (k) => html`<dt>${label('household', k)}</dt><dd data-field=${k}>${show('household', k, d[k])}</dd>`,
        )}
      </dl>
    </section>
    <${MeasurePlan} household=${id} />
    <${HouseholdOrders} household=${id} village=${d.village_code} />
    <${MapCard} household=${rec} />
    <${OtherRecords} parentType="household" parentId=${id} back=${'/h/' + id} />
    <section class="card">
      <h2>家庭成员（在册 ${members.filter(resident).length} 人）</h2>
      <ul class="list" data-testid="members">
        ${members
          .sort((a, b) => resident(b) - resident(a) || (a.data.relation === 'head' ? -1 : b.data.relation === 'head' ? 1 : 0))
          .map(
            (m) => html`<li><a class="row" href=${`#/h/${id}/m/${m.id}`}>
              <span class="main">${m.data.name} ${waiting.has(m.id) ? html`<i class="tag wait">待同步</i>` : null}
                ${m.has_conflict ? html`<i class="tag bad">冲突</i>` : null}
                ${resident(m) ? null : html`<i class="tag left">${show('member', 'status', m.data.status)} ${m.data.left_on || ''}</i>`}</span>
              <span class="sub">${show('member', 'relation', m.data.relation)} · ${show('member', 'sex', m.data.sex)} · ${show('member', 'health', m.data.health)}</span>
            </a></li>`,
          )}
      </ul>
      <div class="row-actions">
        <a class="button" href=${`#/h/${id}/m/new`}>＋ 添加成员</a>
        ${members.filter(resident).length > 1 ? html`<a class="button" href=${`#/h/${id}/split`} data-testid="split-link">分户</a>` : null}
      </div>
    </section>
    <section class="card">
      <h2>走访记录（${visits.length}）</h2>
      <ul class="list visits" data-testid="visits">
        ${visits
          .sort((a, b) => (b.data.occurred_at || '').localeCompare(a.data.occurred_at || ''))
          .map(
            (v) => html`<li class="row static">
              <span class="main">${show('visit', 'kind', v.data.kind)} · ${shortTime(v.data.occurred_at)}
                ${waiting.has(v.id) ? html`<i class="tag wait">待同步</i>` : null}</span>
              ${v.data.notes ? html`<span class="sub">${v.data.notes}</span>` : null}
              ${v.data.needs?.length ? html`<span class="sub">需求：${show('visit', 'needs', v.data.needs)}</span>` : null}
              ${v.data.follow_up_on ? html`<span class="sub">下次回访：${v.data.follow_up_on}</span>` : null}
              <${VisitPhotos} visit=${v.id} />
              ${!v.version || (user && v.data.created_by === user.id)
                ? html`<span class="row-actions">
                    <a class="button" href=${`#/h/${id}/visit/${v.id}`} data-testid="visit-edit">修改</a>
                    <button type="button" class="danger" onClick=${() => withdraw(v)} data-testid="visit-withdraw">撤回</button>
                  </span>`
                : null}
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
        v: { ...defaults('household'), village_code: village, group_code: group, head_name: '' },
        villages,
      };
    }
    const rec = await getRecord('household', id);
    return { v: rec.data, villages, before: rec.data };
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
    out.income_per_head = num(out.income_per_head);
    setBusy(true);
    const rid = id || makeUuid();
    const op = await saveChecked('household', rid, out, { before: form.before, setErrors });
    setBusy(false);
    if (op === undefined) return;
    saved(op, `/h/${rid}`);
  }

  return html`<${Header} title=${creating ? '新增一户' : '编辑档案'} back=${creating ? `/v/${village}/g/${group}` : `/h/${id}`} />
    <form class="form" onSubmit=${submit}>
      <${F} type="household" name="head_name" errors=${errors}><${Text} name="head_name" value=${v.head_name} onInput=${fv('head_name')} /><//>
      <${F} type="household" name="group_code" errors=${errors}>
        <${Select} name="group_code" options=${groups.map((g) => [g.code, g.name])} value=${v.group_code} onChange=${fv('group_code')} />
      <//>
      <${F} type="household" name="address" errors=${errors}><${Text} name="address" value=${v.address} onInput=${fv('address')} /><//>
      <${F} type="household" name="id_number" errors=${errors}><${Text} name="id_number" value=${v.id_number} onInput=${fv('id_number')} maxlength="18" /><//>
      <${F} type="household" name="phone" errors=${errors}><${Text} name="phone" type="tel" value=${v.phone} onInput=${fv('phone')} /><//>
      <${F} type="household" name="poverty_category" errors=${errors}><${Select} name="poverty_category" type="household" field="poverty_category" blank=${false} value=${v.poverty_category} onChange=${fv('poverty_category')} /><//>
      <${F} type="household" name="poverty_status" errors=${errors}><${Select} name="poverty_status" type="household" field="poverty_status" blank=${false} value=${v.poverty_status} onChange=${fv('poverty_status')} /><//>
      <${F} type="household" name="causes" errors=${errors}><${Checks} type="household" field="causes" value=${v.causes} onChange=${fv('causes')} /><//>
      <${F} type="household" name="income_per_head" errors=${errors}><${Text} name="income_per_head" type="number" inputmode="numeric" value=${v.income_per_head} onInput=${fv('income_per_head')} /><//>
      <${F} type="household" name="pairing_cadre" errors=${errors}><${Text} name="pairing_cadre" value=${v.pairing_cadre} onInput=${fv('pairing_cadre')} /><//>
      <${Toggle} label=${label('household', 'relocated')} value=${v.relocated} onChange=${fv('relocated')} />
      <${Toggle} label=${label('household', 'relief_loan')} value=${v.relief_loan} onChange=${fv('relief_loan')} />
      <${F} type="household" name="remark" errors=${errors}><${Area} name="remark" value=${v.remark} onInput=${fv('remark')} /><//>
      <button class="primary" type="submit" disabled=${busy}>保存</button>
    </form>`;
}

export function MemberForm({ household, id }) {
  const creating = id === 'new';
  const [form, set] = useForm(async () => {
    if (creating) return { ...defaults('member'), household_id: household, name: '' };
    const data = (await getRecord('member', id)).data;
    return { ...data, before: data };
  }, [id]);
  const [errors, setErrors] = useState({});
  if (!form) return html`<${Header} title="家庭成员" />`;
  // A valid ID number says the birth date and sex: filled in where still empty (the check
  // then holds what is typed against it).
  const typedId = (x) => {
    set('id_number')(x);
    if (!idValid(x)) return;
    const facts = idFacts(x);
    if (!form.birth_date && facts.birth) set('birth_date')(facts.birth);
    if (!form.sex) set('sex')(facts.sex);
  };
  async function submit(e) {
    e.preventDefault();
    const out = { household_id: household };
    for (const k of MEMBER_FIELDS) out[k] = blankToNull(form[k]);
    out.relation = out.relation || 'other';
    out.status = out.status || 'resident';
    // a resident has not left: no date or reason of leaving
    if (out.status === 'resident') out.left_on = out.left_reason = null;
    const op = await saveChecked('member', creating ? makeUuid() : id, out, { before: form.before, setErrors });
    if (op === undefined) return;
    saved(op, `/h/${household}`);
  }
  return html`<${Header} title=${creating ? '添加成员' : '编辑成员'} back=${`/h/${household}`} />
    <form class="form" onSubmit=${submit}>
      <${F} type="member" name="name" errors=${errors}><${Text} name="name" value=${form.name} onInput=${set('name')} /><//>
      <${F} type="member" name="relation" errors=${errors}><${Select} name="relation" type="member" field="relation" blank=${false} value=${form.relation} onChange=${set('relation')} /><//>
      <${F} type="member" name="id_number" errors=${errors}><${Text} name="id_number" value=${form.id_number} onInput=${typedId} maxlength="18" /><//>
      <${F} type="member" name="sex" errors=${errors}><${Select} name="sex" type="member" field="sex" value=${form.sex} onChange=${set('sex')} /><//>
      <${F} type="member" name="birth_date" errors=${errors}><${Text} name="birth_date" type="date" value=${form.birth_date} onInput=${set('birth_date')} /><//>
      <${F} type="member" name="health" errors=${errors}><${Select} name="health" type="member" field="health" value=${form.health} onChange=${set('health')} /><//>
      <${F} type="member" name="labour" errors=${errors}><${Select} name="labour" type="member" field="labour" value=${form.labour} onChange=${set('labour')} /><//>
      <${F} type="member" name="schooling" errors=${errors}><${Select} name="schooling" type="member" field="schooling" value=${form.schooling} onChange=${set('schooling')} /><//>
      <${F} type="member" name="status" errors=${errors}><${Select} name="status" type="member" field="status" blank=${false} value=${form.status || 'resident'} onChange=${set('status')} /><//>
      ${(form.status || 'resident') !== 'resident'
        ? html`<${F} type="member" name="left_on" errors=${errors}><${Text} name="left_on" type="date" value=${form.left_on} onInput=${set('left_on')} /><//>
            <${F} type="member" name="left_reason" errors=${errors}><${Text} name="left_reason" value=${form.left_reason} onInput=${set('left_reason')} /><//>`
        : null}
      <button class="primary" type="submit">保存</button>
    </form>`;
}

