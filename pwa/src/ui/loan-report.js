// 精扶贷 on the supervisor's reports screen (GET /api/v1/loans/report): the county's (or the
// township's) loans per enterprise or cooperative, the dividends overdue and the loans
// maturing in the next 90 days. The last copy read is shown, with its time, when offline
// (supervisor-reports.js useReport).
import { html } from './common.js';
import { useReport, When } from './supervisor-reports.js';
import { show } from '../schema.js';

const PATH = '/api/v1/loans/report';
const LIST = 30; // rows shown of each list; the rest are counted
const yuan = (n) => (n >= 10000 ? `${(n / 10000).toFixed(n % 10000 ? 1 : 0)} 万元` : `${n} 元`);

function Rows({ list, more, render, none }) {
  if (!list.length) return html`<p class="empty">${none}</p>`;
  const rest = list.length - LIST + more;
  return html`<ul class="list">${list.slice(0, LIST).map(render)}</ul>
    ${rest > 0 ? html`<p class="sub">另有 ${rest} 条未列出</p>` : null}`;
}

export function LoanReport({ owner }) {
  const st = useReport(owner, PATH);
  const r = st.body && typeof st.body === 'object' ? st.body : null;
  const t = r?.totals;
  return html`<section class="card" data-testid="sv-loans">
    <h2>精扶贷台账</h2>
    <${When} st=${st} />
    ${!r
      ? html`<p class="sub">${st.body === undefined ? '正在读取…' : '没有数据，请联网后再看。'}</p>`
      : html`<p class="sv-line" data-testid="loan-totals">
            ${t.households} 户贷款 ${t.loans} 笔，金额 ${yuan(t.amount)}${t.amount_unknown ? `（另 ${t.amount_unknown} 笔金额待补录）` : ''}，
            未还 ${yuan(t.outstanding)}；已付农户分红 ${yuan(t.dividends_paid_household)}，村集体分红
            ${yuan(t.dividends_paid_collective)}；逾期未付分红 <b>${t.dividends_overdue}</b> 笔，
            到期未还贷款 <b>${t.past_maturity}</b> 笔。
          </p>
          <h3>各入股企业（合作社）</h3>
          <${Rows} list=${r.enterprises} more=${0} none="还没有贷款。" render=${(e) => html`<li class="sv-recall-row" data-testid="loan-enterprise">
            <div><b>${e.name}</b>
              <p class="sv-line">${e.households} 户 ${e.loans} 笔 · ${yuan(e.amount)} · 未还 ${yuan(e.outstanding)} · 已付分红 ${yuan(e.dividends_paid_household + e.dividends_paid_collective)}${e.dividends_overdue ? ` · 逾期 ${e.dividends_overdue} 笔 ${yuan(e.overdue_amount)}` : ''}</p>
            </div></li>`} />
          <h3>逾期未付的分红</h3>
          <${Rows} list=${r.overdue_dividends} more=${r.overdue_dividends_more} none="没有逾期未付的分红。" render=${(d) => html`<li class="sv-recall-row" data-testid="loan-overdue">
            <div><b>${d.head_name}</b> <span class="sub">${d.village_name} · ${d.pooled_into || '—'}</span>
              <p class="sv-line">${show('loan_dividend', 'payee', d.payee)}${d.year ? ` 第 ${d.year} 年` : ''} ${d.amount ?? '—'} 元 · 应付 ${d.due_on} · 逾期 ${d.days_overdue} 天</p>
            </div></li>`} />
          <h3>${r.days} 天内到期的贷款</h3>
          <${Rows} list=${r.maturing} more=${r.maturing_more} none="近期没有到期的贷款。" render=${(m) => html`<li class="sv-recall-row" data-testid="loan-maturing">
            <div><b>${m.head_name}</b> <span class="sub">${m.village_name} · ${m.pooled_into || '—'}</span>
              <p class="sv-line">${m.amount ?? '金额待补录'}${m.amount ? ' 元' : ''} · ${m.matures_on} 到期（还有 ${m.days_left} 天）</p>
            </div></li>`} />`}
  </section>`;
}
