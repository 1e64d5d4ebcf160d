import { html, Header, useLoad } from './common.js';
import { outboxAll, discardOp, retryOp, getRecord } from '../store.js';
import { getMeta } from '../db.js';
import { field, label, show, shortTime, typeLabel } from '../schema.js';
import { bump } from '../state.js';
import { refreshCounts } from '../sync.js';

async function load() {
  const ops = await outboxAll();
  const groups = {};
  for (const v of (await getMeta('villages')) || []) for (const g of v.groups || []) groups[g.code] = g.name;
  const out = [];
  for (const op of ops) {
    const rec = await getRecord(op.type, op.id);
    const hh = op.type === 'household' ? op.id : rec?.data?.household_id;
    const head = hh ? (await getRecord('household', hh))?.data?.head_name : '';
    out.push({ op, rec, hh, head, groups });
  }
  return out;
}

// A villager group by its name (2组), not its code; other fields as the schema shows them.
function value(op, k, v, groups) {
  if (k === 'group_code') return groups[v] || v;
  return show(op.type, k, v);
}

// Where a refused change is fixed: the form of its record.
const FORMS = { household: (op, hh) => `#/h/${hh}/edit`, member: (op, hh) => `#/h/${hh}/m/${op.id}`, visit: (op, hh) => `#/h/${hh}/visit/${op.id}` };
const fixAt = (op, hh) => (FORMS[op.type] || (() => `#/h/${hh}`))(op, hh);

function What({ op, groups }) {
  const shown = Object.entries(op.set).filter(([k]) => field(op.type, k) && !/_id$/.test(k));
  return html`<span class="sub">${op.delete ? '删除' : op.base_version === null && !op.chained ? '新建' : '修改'}${typeLabel(op.type)}：
    ${shown.slice(0, 6).map(([k, v]) => html`${label(op.type, k)}＝${value(op, k, v, groups)}；`)}
  </span>`;
}

export function Outbox() {
  const items = useLoad(load);
  async function act(fn) {
    await fn();
    await refreshCounts();
    bump();
  }
  if (!items) return html`<${Header} title="待同步" back="/" />`;
  const bad = items.filter((x) => x.op.state === 'rejected');
  const waiting = items.filter((x) => x.op.state !== 'rejected');
  return html`<${Header} title="待同步与需处理" back="/" />
    ${bad.length
      ? html`<section class="card warn" data-testid="rejected-list">
          <h2>服务器未接受（${bad.length}）</h2>
          <p class="sub">这些修改仍保存在本机。可修改后重新提交，或明确放弃。</p>
          ${bad.map(
            ({ op, hh, head, groups }) => html`<div class="op">
              <p><b>${head || ''}</b> <${What} op=${op} groups=${groups} /></p>
              <p class="err">${op.error?.message || op.error?.code}</p>
              <div class="actions">
                ${hh ? html`<a class="button" href=${fixAt(op, hh)}>去修改</a>` : null}
                <button onClick=${() => act(() => retryOp(op.seq))}>重新提交</button>
                <button class="danger" onClick=${() => {
                  if (confirm('放弃这条修改？本机上的这项修改将被撤销，不能恢复。')) act(() => discardOp(op.seq));
                }}>放弃</button>
              </div>
            </div>`,
          )}
        </section>`
      : null}
    <section class="card">
      <h2>等待上传（${waiting.length}）</h2>
      ${waiting.length
        ? html`<ul class="list">${waiting.map(
            ({ op, hh, head, groups }) => html`<li><a class="row" href=${hh ? `#/h/${hh}` : '#/'}>
              <span class="main">${head || ''} <span class="sub">${shortTime(op.recorded_at)}</span></span><${What} op=${op} groups=${groups} />
            </a></li>`,
          )}</ul>`
        : html`<p class="sub">没有等待上传的修改。</p>`}
    </section>`;
}
