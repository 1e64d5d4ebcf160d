// 统计报表 on the supervisor's phone: the server's SVG charts (fetched with the bearer token,
// shown as images through blob URLs, never put into the page as markup) and the recall
// list. The last copy read is kept on the phone and shown, with its time, when offline.
import { useEffect, useState } from 'preact/hooks';
import { html, Header } from './common.js';
import { useApp } from '../state.js';
import { shortTime } from '../schema.js';
import { cachedReport, fetchReport, why } from '../supervision/data.js';
import { VillageBaseReports } from './villagebase-reports.js';
import { ORDERS_REPORT, OrdersReport } from './orders-report.js';
import { MeasureReport } from './measures-report.js';
import { LoanReport } from './loan-report.js';

const CHARTS = [
  ['/api/v1/reports/spot-checks.svg', '电话抽查结果（各乡镇 · 按月）'],
  ['/api/v1/reports/coverage.svg?by=cadre', '遍访覆盖率（各驻村干部）'],
  ['/api/v1/reports/coverage.svg?by=village', '遍访覆盖率（各村）'],
  ['/api/v1/reports/conflicts.svg', '待审核冲突（各村）'],
];
const RECALL = '/api/v1/reports/recall';

// A report as last read, then as the server has it now.
export function useReport(owner, path) {
  const { syncs } = useApp();
  const [st, set] = useState({ body: undefined, at: null, error: '' });
  useEffect(() => {
    let live = true;
    (async () => {
      const c = await cachedReport(owner, path);
      if (!live) return;
      if (c) set({ body: c.body, at: c.at, error: '' });
      try {
        const v = await fetchReport(owner, path);
        if (live) set({ body: v.body, at: null, error: '' });
      } catch (e) {
        if (live) set((x) => ({ ...x, body: x.body !== undefined ? x.body : c ? c.body : null, error: why(e) }));
      }
    })();
    return () => (live = false);
  }, [owner, path, syncs]);
  return st;
}

export function When({ st }) {
  if (!st.error) return null;
  return html`<p class="sv-note">${st.error}${st.at ? `（${shortTime(st.at)} 读取）` : ''}</p>`;
}

export function Chart({ owner, path, title }) {
  const st = useReport(owner, path);
  const [url, setUrl] = useState(null);
  useEffect(() => {
    if (typeof st.body !== 'string') return setUrl(null);
    const u = URL.createObjectURL(new Blob([st.body], { type: 'image/svg+xml' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [st.body]);
  return html`<figure class="card sv-chart" data-testid="sv-chart">
    <figcaption>${title}</figcaption>
    <${When} st=${st} />
    ${url
      ? html`<img alt=${title} src=${url} />`
      : st.body === undefined
        ? html`<p class="sub">正在读取…</p>`
        : html`<p class="sub">没有数据，请联网后再看。</p>`}
  </figure>`;
}

function Recall({ owner }) {
  const st = useReport(owner, RECALL);
  const list = st.body && st.body.cadres;
  return html`<section class="card" data-testid="sv-recall">
    <h2>多次缺岗的驻村干部（召回名单）</h2>
    <p class="sub">近一年抽查中 ${st.body?.min_absences ?? 2} 次以上未接通或不在岗。</p>
    <${When} st=${st} />
    ${list === undefined
      ? html`<p class="sub">${st.body === undefined ? '正在读取…' : '没有数据，请联网后再看。'}</p>`
      : list.length
        ? html`<ul class="list">
            ${list.map(
              (c) => html`<li class="sv-recall-row">
                <div>
                  <b>${c.name}</b> <span class="sub">${c.township?.name || ''} · ${c.villages.map((v) => v.name).join('、')}</span>
                  <p class="sv-line">抽查 ${c.checks} 轮，缺岗 ${c.absences} 轮（未接通 ${c.not_reached}，不在岗 ${c.not_on_post}）· 最近 ${shortTime(c.last_absent_at)}</p>
                </div>
                ${c.tel ? html`<a class="button sv-call" href=${c.tel}>拨打</a>` : null}
              </li>`,
            )}
          </ul>`
        : html`<p class="empty">没有多次缺岗的干部。</p>`}
  </section>`;
}

export function Reports() {
  const owner = useApp().user.username;
  return html`<${Header} title="统计报表" back="/sv" />
    <${Recall} owner=${owner} />
    <${VillageBaseReports} owner=${owner} />
    <${OrdersReport} st=${useReport(owner, ORDERS_REPORT)} />
    <${MeasureReport} owner=${owner} />
    <${LoanReport} owner=${owner} />
    ${CHARTS.map(([path, title]) => html`<${Chart} key=${path} owner=${owner} path=${path} title=${title} />`)}`;
}
