// 三单制 on the cadre's phone, offline: the branch's menu (支部下单), the households' orders
// recorded on their behalf (群众点单) and the party members' claims (党员接单) with their
// progress, fulfilment and the household's confirmation. Everything is read from IndexedDB
// (one read per type per village) and saved through the outbox like every other record.
//
//   #/v/<village>/orders               open orders, those nobody has claimed first
//   #/v/<village>/orders/new           record an order for a household
//   #/v/<village>/orders/o/<order>     one order: its claims, progress, a new claim
//   #/v/<village>/orders/items         the branch's menu
//   #/v/<village>/orders/item/<id|new> one item of it, maybe from the county's menu
//   #/v/<village>/orders/party         the village's party members
//   #/v/<village>/orders/m/<member>    mark a member a party member, post and skills
//
// An order has no status of its own: it is read from its claims (backend/orders/records.py).
import { useState } from 'preact/hooks';
import { html, Header, Text, Area, Select, Checks, Toggle, useLoad, go, blankToNull, RecordField as F, saveChecked } from './common.js';
import { deleteRecord, getRecord, villageRecords } from '../store.js';
import { defaults, entry, label, show, today } from '../schema.js';
import { makeUuid } from '../db.js';
import { toast, bump, useApp } from '../state.js';
import { refreshCounts } from '../sync.js';
import { statusName, statusOf } from './orderstatus.js';

const collator = new Intl.Collator('zh-CN');
const SHOWN = 200; // rows of a list drawn at once
const live = (r) => !r.deleted;

// A resident party member of the village.
const isParty = (m) => live(m) && m.data.party_member && (m.data.status || 'resident') === 'resident';

// Party members who could take an order for `item`: those whose skills match it first,
// then those without a post (无职党员, whom 三单制 is meant to give a duty), then the ones
// holding fewer claims still open.
export function suggestions(members, item, claims) {
  const wanted = new Set(item?.data.skills || []);
  const busy = new Map();
  for (const c of claims) if (live(c) && c.data.progress !== 'fulfilled') busy.set(c.data.member_id, (busy.get(c.data.member_id) || 0) + 1);
  return members
    .filter(isParty)
    .map((m) => ({ m, match: (m.data.skills || []).filter((s) => wanted.has(s)), busy: busy.get(m.id) || 0 }))
    .sort(
      (a, b) =>
        b.match.length - a.match.length ||
        Number(!!a.m.data.has_post) - Number(!!b.m.data.has_post) ||
        a.busy - b.busy ||
        collator.compare(a.m.data.name || '', b.m.data.name || ''),
    );
}

// The village's orders, items, claims and household names, read once.
async function villageOrders(village) {
  const [orders, claims, items, hhs] = await Promise.all([
    villageRecords('household_order', village),
    villageRecords('order_claim', village),
    villageRecords('branch_item', village),
    villageRecords('household', village),
  ]);
  const byOrder = new Map();
  for (const c of claims) if (live(c)) byOrder.set(c.hh, [...(byOrder.get(c.hh) || []), c]);
  const itemName = new Map(items.map((i) => [i.id, i.data.name]));
  const head = new Map(hhs.map((h) => [h.id, h.data.head_name]));
  const rows = orders.filter(live).map((o) => ({
    o,
    claims: byOrder.get(o.id) || [],
    status: statusOf(byOrder.get(o.id) || []),
    head: head.get(o.data.household_id) || '',
    item: itemName.get(o.data.item_id) || '（项目已删除）',
  }));
  rows.sort((a, b) => (a.o.data.placed_on || '').localeCompare(b.o.data.placed_on || ''));
  return { rows, items, claims, hhs };
}

async function saved(op, back, done = '已保存，待同步') {
  await refreshCounts();
  bump();
  toast(op ? done : '没有修改');
  if (back) go(back);
}

const OrderRow = ({ village, r }) =>
  html`<li><a class="row" href=${`#/v/${village}/orders/o/${r.o.id}`} data-testid="order-row">
    <span class="main">${r.head}：${r.item}</span>
    <span class="sub">${r.o.data.placed_on} 点单 · ${statusName(r.status)}${r.claims.length > 1 ? ` · ${r.claims.length} 名党员接单` : ''}</span>
  </a></li>`;

function OrderList({ village, rows, title, testid }) {
  return html`<section class="card" data-testid=${testid}>
    <h2>${title}（${rows.length}）</h2>
    ${rows.length
      ? html`<ul class="list">${rows.slice(0, SHOWN).map((r) => html`<${OrderRow} key=${r.o.id} village=${village} r=${r} />`)}</ul>`
      : html`<p class="sub">没有。</p>`}
  </section>`;
}

function useVillage(code) {
  return useApp().villages.find((v) => v.code === code);
}

function OrdersHome({ village }) {
  const v = useVillage(village);
  const data = useLoad(() => villageOrders(village), [village]);
  const rows = data?.rows || [];
  const open = rows.filter((r) => r.status === 'open');
  const going = rows.filter((r) => r.status !== 'open' && r.status !== 'confirmed');
  return html`<${Header} title=${`${v ? v.name : ''} 三单制`} back=${`/v/${village}`} />
    <div class="actions">
      <a class="button" href=${`#/v/${village}/orders/new`} data-testid="new-order">＋ 群众点单</a>
      <a class="button" href=${`#/v/${village}/orders/items`}>支部服务项目</a>
      <a class="button" href=${`#/v/${village}/orders/party`}>党员</a>
    </div>
    ${data
      ? html`<${OrderList} village=${village} rows=${open} title="无人接单" testid="unclaimed" />
          <${OrderList} village=${village} rows=${going} title="办理中的点单" testid="open-orders" />
          <p class="sub center">已完成并经群众确认 ${rows.length - open.length - going.length} 单</p>`
      : null}`;
}

// A household's order: which household (found by name), which item of the branch's menu.
function NewOrder({ village }) {
  const data = useLoad(() => villageOrders(village), [village]);
  const [q, setQ] = useState('');
  const [form, setForm] = useState({ household_id: null, item_id: null, placed_on: today(), note: '' });
  const [errors, setErrors] = useState({});
  const set = (k) => (x) => setForm((f) => ({ ...f, [k]: x }));
  if (!data) return html`<${Header} title="群众点单" back=${`/v/${village}/orders`} />`;
  const items = data.items.filter((i) => live(i) && !i.data.closed).sort((a, b) => collator.compare(a.data.name, b.data.name));
  const found = q.trim() ? data.hhs.filter((h) => live(h) && (h.data.head_name || '').includes(q.trim())).slice(0, 20) : [];
  const chosen = data.hhs.find((h) => h.id === form.household_id);
  async function submit(e) {
    e.preventDefault();
    if (!form.household_id) return setErrors({ household_id: '请选择点单的农户' });
    if (!form.item_id) return setErrors({ item_id: '请选择点单项目' });
    const out = { ...form, note: blankToNull(form.note) };
    const op = await saveChecked('household_order', makeUuid(), out, { setErrors });
    if (op !== undefined) saved(op, `/v/${village}/orders`);
  }
  return html`<${Header} title="群众点单" back=${`/v/${village}/orders`} />
    <form class="form" onSubmit=${submit} data-testid="order-form">
      <${F} type="household_order" name="household_id" errors=${errors}>
        ${chosen
          ? html`<button type="button" class="chip on" onClick=${() => set('household_id')(null)}>${chosen.data.head_name} ✕</button>`
          : html`<input type="search" name="household_q" placeholder="输入户主姓名" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
              <ul class="list">
                ${found.map(
                  (h) => html`<li><button type="button" class="row pick" onClick=${() => set('household_id')(h.id)} data-testid="pick-household">
                    <span class="main">${h.data.head_name}</span><span class="sub">${h.data.address || ''}</span></button></li>`,
                )}
              </ul>`}
      <//>
      <${F} type="household_order" name="item_id" errors=${errors}>
        <select name="item_id" value=${form.item_id || ''} onChange=${(e) => set('item_id')(e.currentTarget.value || null)}>
          <option value="">—</option>
          ${items.map((i) => html`<option value=${i.id}>${i.data.name}（${show('branch_item', 'kind', i.data.kind)}）</option>`)}
        </select>
      <//>
      ${items.length ? null : html`<p class="sub">支部还没有服务项目，请先在“支部服务项目”中添加。</p>`}
      <${F} type="household_order" name="placed_on" errors=${errors}><${Text} name="placed_on" type="date" value=${form.placed_on} onInput=${set('placed_on')} /><//>
      <${F} type="household_order" name="note" errors=${errors}><${Area} name="note" value=${form.note} onInput=${set('note')} /><//>
      <button class="primary" type="submit">保存</button>
    </form>`;
}

// One claim's progress: under way, fulfilled (a note and a date), confirmed by the household.
function Claim({ c, name, onSaved }) {
  const [finish, setFinish] = useState(false);
  const [note, setNote] = useState(c.data.note || '');
  const [on, setOn] = useState(today());
  const [errors, setErrors] = useState({});
  const d = c.data;
  async function save(change) {
    const op = await saveChecked('order_claim', c.id, { ...d, ...change }, { before: d, setErrors });
    if (op === undefined) return;
    setFinish(false);
    onSaved(op);
  }
  // a claim taken by mistake, or given up: a tombstone the server keeps, the order open again
  async function withdraw() {
    if (!confirm(`确定撤回${name}的接单吗？`)) return;
    onSaved(await deleteRecord('order_claim', c.id), '已撤回，待同步');
  }
  return html`<li class="row static" data-testid="claim">
    <span class="main">${name}<i class="tag">${d.confirmed ? label('order_claim', 'confirmed') : show('order_claim', 'progress', d.progress)}</i></span>
    <span class="sub">${d.claimed_on} 接单${d.fulfilled_on ? ` · ${d.fulfilled_on} 办结` : ''}${d.note ? ` · ${d.note}` : ''}</span>
    ${finish
      ? html`<div class="form">
          <${F} type="order_claim" name="note" errors=${errors}><${Area} name="note" value=${note} onInput=${setNote} /><//>
          <${F} type="order_claim" name="fulfilled_on" errors=${errors}><${Text} name="fulfilled_on" type="date" value=${on} onInput=${setOn} /><//>
          <button class="primary" type="button" onClick=${() => save({ progress: 'fulfilled', note: blankToNull(note), fulfilled_on: blankToNull(on) })} data-testid="save-fulfil">确认办结</button>
        </div>`
      : html`<div class="row-actions">
          ${d.progress === 'claimed' ? html`<button type="button" onClick=${() => save({ progress: 'under_way' })} data-testid="start">开始办理</button>` : null}
          ${d.progress !== 'fulfilled' ? html`<button type="button" onClick=${() => setFinish(true)} data-testid="fulfil">办结</button>` : null}
          ${d.progress === 'fulfilled' && !d.confirmed
            ? html`<button type="button" onClick=${() => save({ confirmed: true, confirmed_on: today() })} data-testid="confirm">群众确认</button>`
            : null}
          ${d.progress !== 'fulfilled' ? html`<button type="button" class="danger" onClick=${withdraw}>撤回</button>` : null}
        </div>`}
    ${Object.values(errors).map((e) => html`<span class="err">${e}</span>`)}
  </li>`;
}

function OrderScreen({ village, id }) {
  const data = useLoad(async () => {
    const [all, members] = await Promise.all([villageOrders(village), villageRecords('member', village)]);
    return { ...all, members };
  }, [village, id]);
  const [claiming, setClaiming] = useState(false);
  const [errors, setErrors] = useState({});
  const back = `/v/${village}/orders`;
  const row = data?.rows.find((r) => r.o.id === id);
  if (!row) return html`<${Header} title="点单" back=${back} />${data ? html`<p class="empty">没有这条点单。</p>` : null}`;
  const item = data.items.find((i) => i.id === row.o.data.item_id);
  const names = new Map(data.members.map((m) => [m.id, m.data.name]));
  const taken = new Set(row.claims.map((c) => c.data.member_id));
  const offer = suggestions(data.members, item, data.claims).filter((s) => !taken.has(s.m.id));
  async function claim(memberId) {
    const out = { order_id: id, member_id: memberId, claimed_on: today(), progress: 'claimed', confirmed: false };
    const op = await saveChecked('order_claim', makeUuid(), out, { setErrors });
    if (op === undefined) return;
    setClaiming(false);
    saved(op);
  }
  return html`<${Header} title=${`${row.head}：${row.item}`} back=${back} />
    <section class="card" data-testid="order">
      <p><b>${statusName(row.status)}</b> · ${row.o.data.placed_on} 点单</p>
      ${row.o.data.note ? html`<p class="sub">${row.o.data.note}</p>` : null}
      ${item?.data.skills?.length ? html`<p class="sub">所需特长：${show('branch_item', 'skills', item.data.skills)}</p>` : null}
      <a class="sub" href=${`#/h/${row.o.data.household_id}`}>查看家庭档案 ›</a>
    </section>
    <section class="card">
      <h2>党员接单（${row.claims.length}）</h2>
      <ul class="list" data-testid="claims">
        ${row.claims.map((c) => html`<${Claim} key=${c.id} c=${c} name=${names.get(c.data.member_id) || '党员'} onSaved=${(op, done) => saved(op, null, done)} />`)}
      </ul>
      ${Object.values(errors).map((e) => html`<p class="err">${e}</p>`)}
      ${claiming
        ? html`<h3>选择接单党员</h3>
            ${offer.length
              ? html`<ul class="list" data-testid="suggestions">
                  ${offer.map(
                    (s) => html`<li><button type="button" class="row pick" onClick=${() => claim(s.m.id)} data-testid="suggestion">
                      <span class="main">${s.m.data.name}${s.match.length ? html`<i class="tag">特长相符</i>` : null}${s.m.data.has_post ? null : html`<i class="tag left">无职党员</i>`}</span>
                      <span class="sub">${show('member', 'skills', s.m.data.skills)}${s.busy ? ` · 在办 ${s.busy} 单` : ''}</span>
                    </button></li>`,
                  )}
                </ul>`
              : html`<p class="sub">本村还没有可接单的党员，请先在“党员”中标记。</p>`}`
        : html`<button type="button" class="button" onClick=${() => setClaiming(true)} data-testid="new-claim">＋ 党员接单</button>`}
    </section>`;
}

function Items({ village }) {
  const items = useLoad(() => villageRecords('branch_item', village), [village]);
  const rows = (items || []).filter(live).sort((a, b) => Number(!!a.data.closed) - Number(!!b.data.closed) || collator.compare(a.data.name, b.data.name));
  return html`<${Header} title="支部服务项目" back=${`/v/${village}/orders`} />
    <div class="actions">
      <a class="button" href=${`#/v/${village}/orders/item/new`} data-testid="new-item">＋ 添加项目</a>
    </div>
    <ul class="list" data-testid="items">
      ${rows.slice(0, SHOWN).map(
        (i) => html`<li><a class="row" href=${`#/v/${village}/orders/item/${i.id}`}>
          <span class="main">${i.data.name}${i.data.closed ? html`<i class="tag left">停止点单</i>` : null}</span>
          <span class="sub">${show('branch_item', 'kind', i.data.kind)} · ${show('branch_item', 'skills', i.data.skills)}</span>
        </a></li>`,
      )}
    </ul>`;
}

// County-wide records (the assistance menu, the policy book) are kept with village ''.
const countyWide = (type) => (entry(type) ? villageRecords(type, '') : Promise.resolve([]));

// One item of the branch's menu: picked from the county's assistance menu (menu_item, when
// the phone has it: its name and kind come along) or one of the village's own services;
// the policy behind it from the policy book, by name, never by typing an id.
function ItemForm({ village, id }) {
  const creating = id === 'new';
  const back = `/v/${village}/orders/items`;
  const data = useLoad(async () => {
    const [rec, menu, policies] = await Promise.all([creating ? null : getRecord('branch_item', id), countyWide('menu_item'), countyWide('policy')]);
    return { rec, menu: menu.filter(live), policies: policies.filter(live) };
  }, [id]);
  const [form, setForm] = useState(null);
  const [errors, setErrors] = useState({});
  if (!data) return html`<${Header} title="支部服务项目" back=${back} />`;
  const was = data.rec?.data || null;
  const f = form || was || { ...defaults('branch_item'), village_code: village, name: '', skills: [] };
  const set = (k) => (x) => setForm({ ...f, [k]: x });
  const pickMenu = (mid) => {
    const m = data.menu.find((x) => x.id === mid);
    const kind = m && entry('branch_item').schema.properties.kind.enum.includes(m.data.kind) ? m.data.kind : f.kind;
    setForm({ ...f, menu_item_id: mid, ...(m && !f.name ? { name: (m.data.name || m.data.title || '').slice(0, 50) } : {}), kind });
  };
  const byName = (rows, type) => rows.map((r) => [r.id, r.data.name || r.data.title || type]).sort((a, b) => collator.compare(a[1], b[1]));
  async function submit(e) {
    e.preventDefault();
    const out = { ...f, name: (f.name || '').trim(), details: blankToNull(f.details) };
    const op = await saveChecked('branch_item', creating ? makeUuid() : id, out, { before: was, setErrors });
    if (op !== undefined) saved(op, back);
  }
  return html`<${Header} title=${creating ? '添加服务项目' : '修改服务项目'} back=${back} />
    <form class="form" onSubmit=${submit} data-testid="item-form">
      ${data.menu.length
        ? html`<${F} type="branch_item" name="menu_item_id" errors=${errors}>
            <${Select} name="menu_item_id" options=${byName(data.menu, '套餐项目')} value=${f.menu_item_id} onChange=${pickMenu} />
          <//>`
        : null}
      <${F} type="branch_item" name="name" errors=${errors}><${Text} name="name" value=${f.name} onInput=${set('name')} /><//>
      <${F} type="branch_item" name="kind" errors=${errors}><${Select} name="kind" type="branch_item" field="kind" blank=${false} value=${f.kind} onChange=${set('kind')} /><//>
      <${F} type="branch_item" name="details" errors=${errors}><${Area} name="details" value=${f.details} onInput=${set('details')} /><//>
      <${F} type="branch_item" name="skills" errors=${errors}><${Checks} type="branch_item" field="skills" value=${f.skills} onChange=${set('skills')} /><//>
      ${data.policies.length
        ? html`<${F} type="branch_item" name="policy_id" errors=${errors}>
            <${Select} name="policy_id" options=${byName(data.policies, '政策')} value=${f.policy_id} onChange=${set('policy_id')} />
          <//>`
        : null}
      <${Toggle} label=${label('branch_item', 'closed')} value=${f.closed} onChange=${set('closed')} />
      <button class="primary" type="submit">保存</button>
    </form>`;
}

// The village's party members, and any member to mark as one (found by name).
function Party({ village }) {
  const data = useLoad(async () => {
    const [members, claims] = await Promise.all([villageRecords('member', village), villageRecords('order_claim', village)]);
    return { members, claims };
  }, [village]);
  const [q, setQ] = useState('');
  const back = `/v/${village}/orders`;
  if (!data) return html`<${Header} title="党员" back=${back} />`;
  const party = suggestions(data.members, null, data.claims);
  const found = q.trim() ? data.members.filter((m) => live(m) && (m.data.name || '').includes(q.trim())).slice(0, 20) : [];
  const link = (m, sub) =>
    html`<li><a class="row" href=${`#/v/${village}/orders/m/${m.id}`}><span class="main">${m.data.name}${m.data.party_member ? html`<i class="tag">党员</i>` : null}</span><span class="sub">${sub}</span></a></li>`;
  return html`<${Header} title="党员" back=${back} />
    <div class="search"><input type="search" placeholder="搜索成员姓名，标记为党员" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} aria-label="搜索" /></div>
    ${q.trim()
      ? html`<ul class="list" data-testid="member-search">${found.map((m) => link(m, show('member', 'relation', m.data.relation)))}</ul>`
      : html`<ul class="list" data-testid="party">
          ${party.map((s) => link(s.m, `${s.m.data.has_post ? label('member', 'has_post') : '无职党员'} · ${show('member', 'skills', s.m.data.skills)}${s.busy ? ` · 在办 ${s.busy} 单` : ''}`))}
        </ul>
        ${party.length ? null : html`<p class="empty">还没有标记党员。</p>`}`}`;
}

function PartyForm({ village, id }) {
  const rec = useLoad(() => getRecord('member', id), [id]);
  const [form, setForm] = useState(null);
  const [errors, setErrors] = useState({});
  const back = `/v/${village}/orders/party`;
  if (!rec) return html`<${Header} title="党员" back=${back} />`;
  const f = form || { party_member: !!rec.data.party_member, has_post: !!rec.data.has_post, skills: rec.data.skills || [] };
  const set = (k) => (x) => setForm({ ...f, [k]: x });
  async function submit(e) {
    e.preventDefault();
    const op = await saveChecked('member', id, { ...rec.data, ...f }, { before: rec.data, setErrors });
    if (op !== undefined) saved(op, back);
  }
  return html`<${Header} title=${rec.data.name} back=${back} />
    <form class="form" onSubmit=${submit} data-testid="party-form">
      <${Toggle} label=${label('member', 'party_member')} value=${f.party_member} onChange=${set('party_member')} />
      <${Toggle} label=${label('member', 'has_post')} value=${f.has_post} onChange=${set('has_post')} />
      <${F} type="member" name="skills" errors=${errors}><${Checks} type="member" field="skills" value=${f.skills} onChange=${set('skills')} /><//>
      <button class="primary" type="submit">保存</button>
    </form>`;
}

export function Orders({ village, path }) {
  const [head, id] = (path || '').split('/');
  if (head === 'new') return html`<${NewOrder} village=${village} />`;
  if (head === 'o' && id) return html`<${OrderScreen} village=${village} id=${id} />`;
  if (head === 'items') return html`<${Items} village=${village} />`;
  if (head === 'item' && id) return html`<${ItemForm} village=${village} id=${id} />`;
  if (head === 'party') return html`<${Party} village=${village} />`;
  if (head === 'm' && id) return html`<${PartyForm} village=${village} id=${id} />`;
  return html`<${OrdersHome} village=${village} />`;
}
