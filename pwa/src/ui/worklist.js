// The cadre's worklist on the home screen: follow-ups due today or overdue, and households
// not yet visited this round, per village. Computed offline from IndexedDB with one read per
// type per village (households, visits, measures), never one per household: 2,000 households
// stay fast. Measures still open after their due date are listed too.
import { useState } from 'preact/hooks';
import { html } from './common.js';
import { villageHouseholds, villageRecords } from '../store.js';
import { today } from '../schema.js';

// The visit round, as the server's coverage counts it (backend/supervision/evidence.py
// VISIT_ROUND_DAYS): a household is visited this round when any visit falls in the window.
export const ROUND_DAYS = 90;
const DAY_MS = 86_400_000;
const SHOWN = 100;
const collator = new Intl.Collator('zh-CN');

// The time a visit happened, corrected for the phone's clock where the server did so.
const when = (v) => Date.parse(v.data.occurred_at_corrected || v.data.occurred_at) || 0;

// A measure still open after its due date (一户一策, the measure type).
const OPEN_MEASURE = (m) => !m.deleted && m.data.due_on && !['done', 'dropped'].includes(m.data.status);

export async function villageWork(village, now = new Date()) {
  const [hhs, visits, measures] = await Promise.all([
    villageHouseholds(village),
    villageRecords('visit', village),
    villageRecords('measure', village),
  ]);
  const latest = new Map();
  for (const v of visits) {
    if (v.deleted) continue;
    const cur = latest.get(v.hh);
    if (!cur || when(v) > when(cur)) latest.set(v.hh, v);
  }
  const day = today(now);
  const start = now.getTime() - ROUND_DAYS * DAY_MS;
  const due = [];
  const unvisited = [];
  for (const h of hhs) {
    if (h.deleted) continue;
    const last = latest.get(h.id);
    const row = { id: h.id, name: h.data.head_name, group: h.data.group_code || '' };
    // a follow-up stands only while no later visit to the household was made
    const on = last?.data.follow_up_on;
    if (on && on <= day) due.push({ ...row, on, late: Math.round((Date.parse(day) - Date.parse(on)) / DAY_MS) });
    if (!last || when(last) < start) unvisited.push(row);
  }
  due.sort((a, b) => a.on.localeCompare(b.on) || collator.compare(a.name, b.name));
  const heads = new Map(hhs.map((h) => [h.id, h.data.head_name]));
  const overdue = measures
    .filter((m) => OPEN_MEASURE(m) && m.data.due_on < day)
    .map((m) => ({ id: m.hh, name: `${heads.get(m.hh) || ''}：${m.data.title}`, on: m.data.due_on }))
    .sort((a, b) => a.on.localeCompare(b.on));
  unvisited.sort((a, b) => a.group.localeCompare(b.group) || collator.compare(a.name || '', b.name || ''));
  return { village, due, unvisited, overdue };
}

// Village code → its worklist.
export async function worklist(villages) {
  const all = await Promise.all(villages.map((v) => villageWork(v.code)));
  return Object.fromEntries(all.map((w) => [w.village, w]));
}

const Row = ({ r, sub }) =>
  html`<li><a class="row" href=${'#/h/' + r.id}><span class="main">${r.name}</span><span class="sub">${sub}</span></a></li>`;

// One village's worklist: due follow-ups, then the unvisited households (listed on demand).
export function Worklist({ v, work, groups }) {
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState(false);
  if (!work || (!work.due.length && !work.unvisited.length && !work.overdue?.length)) return null;
  const gname = Object.fromEntries((groups || []).map((g) => [g.code, g.name]));
  const rows = all ? work.unvisited : work.unvisited.slice(0, SHOWN);
  return html`<section class="card worklist" data-testid=${'work-' + v.code}>
    <h2>${v.name} 待办</h2>
    ${work.due.length
      ? html`<h3>到期回访（${work.due.length}）</h3>
          <ul class="list" data-testid="due">
            ${work.due.map((r) => html`<${Row} r=${r} sub=${r.late ? `逾期 ${r.late} 天（${r.on}）` : '今天回访'} />`)}
          </ul>`
      : null}
    ${work.overdue?.length
      ? html`<h3>逾期帮扶措施（${work.overdue.length}）</h3>
          <ul class="list" data-testid="overdue-measures">
            ${work.overdue.map((r) => html`<${Row} r=${r} sub=${`应于 ${r.on} 完成`} />`)}
          </ul>`
      : null}
    ${work.unvisited.length
      ? html`<button class="link" onClick=${() => setOpen(!open)} data-testid="unvisited-toggle">
          本轮未走访 ${work.unvisited.length} 户 ${open ? '▲' : '▼'}
        </button>
        ${open
          ? html`<ul class="list" data-testid="unvisited">
              ${rows.map((r) => html`<${Row} r=${r} sub=${gname[r.group] || ''} />`)}
            </ul>
            ${rows.length < work.unvisited.length
              ? html`<button class="link" onClick=${() => setAll(true)}>显示全部 ${work.unvisited.length} 户</button>`
              : null}`
          : null}`
      : null}
  </section>`;
}
