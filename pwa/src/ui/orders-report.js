// 三单制 on the supervisor's reports screen (GET /api/v1/reports/orders, read and kept on the
// phone by supervisor-reports.js): orders placed, claimed and fulfilled per village, the
// party members with no claim, and the orders waiting longest for anyone to take them.
import { useState } from 'preact/hooks';
import { html } from './common.js';
import { shortTime, show } from '../schema.js';

export const ORDERS_REPORT = '/api/v1/reports/orders';
const FIRST = 20; // rows shown before 显示全部

function More({ rows, render, testid }) {
  const [all, setAll] = useState(false);
  return html`<ul class="list" data-testid=${testid}>${(all ? rows : rows.slice(0, FIRST)).map(render)}</ul>
    ${!all && rows.length > FIRST ? html`<button class="link" onClick=${() => setAll(true)}>显示全部 ${rows.length} 条</button>` : null}`;
}

export function OrdersReport({ st }) {
  const r = st.body;
  const note = st.error ? html`<p class="sv-note">${st.error}${st.at ? `（${shortTime(st.at)} 读取）` : ''}</p>` : null;
  if (!r || !r.totals) {
    return html`<section class="card" data-testid="sv-orders">
      <h2>三单制</h2>${note}<p class="sub">${r === undefined ? '正在读取…' : '没有数据，请联网后再看。'}</p>
    </section>`;
  }
  const t = r.totals;
  // the villages with orders, those with the most still unclaimed first
  const villages = r.villages.filter((v) => v.orders || v.party_members).sort((a, b) => b.orders - b.claimed - (a.orders - a.claimed) || b.orders - a.orders);
  return html`<section class="card" data-testid="sv-orders">
    <h2>三单制：群众点单与党员接单</h2>
    ${note}
    <p data-testid="sv-orders-totals">点单 ${t.orders} · 已接单 ${t.claimed} · 已办结 ${t.fulfilled} · 群众确认 ${t.confirmed}</p>
    <p class="sub">支部服务项目 ${t.items} 项；党员 ${t.party_members} 名，其中未接单 ${t.idle_party_members} 名。</p>
    <h3>各村（未接单多的在前）</h3>
    <${More}
      testid="sv-orders-villages"
      rows=${villages}
      render=${(v) => html`<li class="row static"><span class="main">${v.name} <span class="sub">${v.township_name}</span></span>
        <span class="sub">点单 ${v.orders} · 接单 ${v.claimed} · 办结 ${v.fulfilled} · 确认 ${v.confirmed} · 党员未接单 ${v.idle_party_members}/${v.party_members}</span></li>`}
    />
    <h3>等待最久的无人接单</h3>
    ${r.unclaimed.length
      ? html`<${More}
          testid="sv-orders-unclaimed"
          rows=${r.unclaimed}
          render=${(o) => html`<li class="row static"><span class="main">${o.village_name} · ${o.head_name}：${o.item_name || '（项目已删除）'}</span>
            <span class="sub">${o.placed_on} 点单，已等 ${o.waiting_days} 天</span></li>`}
        />`
      : html`<p class="sub">没有无人接单的点单。</p>`}
    <h3>未接单的党员${t.idle_party_members > r.idle_members.length ? `（前 ${r.idle_members.length} 名）` : ''}</h3>
    ${r.idle_members.length
      ? html`<${More}
          testid="sv-orders-idle"
          rows=${r.idle_members}
          render=${(m) => html`<li class="row static"><span class="main">${m.name}${m.has_post ? null : html`<i class="tag left">无职党员</i>`}</span>
            <span class="sub">${m.village_name} · ${show('member', 'skills', m.skills)}</span></li>`}
        />`
      : html`<p class="sub">每名党员都已接单。</p>`}
  </section>`;
}
