// 一户一策 on the supervisor's 统计报表 screen: measures by kind, the done rate, and where
// measures are overdue — per village and per helping unit (the server's report, in scope;
// the last copy read is shown offline like the other reports).
import { html } from './common.js';
import { useReport, When } from './supervisor-reports.js';

const PATH = '/api/v1/measures/report';
const pct = (r) => (r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);
const SHOWN = 10;

const Rows = ({ rows, name }) => html`<div class="scroll"><table class="grid">
  <thead><tr><th></th><th>措施</th><th>已完成</th><th>完成率</th><th>逾期</th></tr></thead>
  <tbody>${rows.map((r) => html`<tr><td>${name(r)}</td><td>${r.total}</td><td>${r.done}</td><td>${pct(r.rate)}</td><td class=${r.overdue ? 'bad' : ''}>${r.overdue}</td></tr>`)}</tbody>
</table></div>`;

export function MeasureReport({ owner }) {
  const st = useReport(owner, PATH);
  const b = st.body;
  const late = (rows) => rows.filter((r) => r.overdue).sort((x, y) => y.overdue - x.overdue).slice(0, SHOWN);
  return html`<section class="card" data-testid="measure-report">
    <h2>一户一策帮扶措施</h2>
    <${When} st=${st} />
    ${b && b.total
      ? html`<p class="sv-line" data-testid="measure-totals">共 ${b.total.total} 项，已完成 <b data-testid="measure-done">${b.total.done}</b> 项（完成率 ${pct(b.rate)}），
          逾期 <b data-testid="measure-overdue">${b.total.overdue}</b> 项；已完成措施年增收 ${b.total.income_per_year} 元。</p>
          <h3>按类别</h3>
          <${Rows} rows=${b.by_kind} name=${(r) => r.label} />
          <h3>逾期最多的村</h3>
          ${late(b.by_village).length ? html`<${Rows} rows=${late(b.by_village)} name=${(r) => `${r.township_name} ${r.village_name}`} />` : html`<p class="sub">没有逾期。</p>`}
          <h3>逾期最多的帮扶单位</h3>
          ${late(b.by_unit).length ? html`<${Rows} rows=${late(b.by_unit)} name=${(r) => r.helping_unit} />` : html`<p class="sub">没有逾期。</p>`}`
      : html`<p class="sub">${b === undefined ? '正在读取…' : '没有数据，请联网后再看。'}</p>`}
  </section>`;
}
