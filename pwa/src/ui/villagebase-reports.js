// 小康信息库 on the supervisor's 统计报表 screen: the villages of their scope by collective
// income tier, the empty-shell villages, indicators not met, how complete the base is, and
// the CSV / XLSX files. Read like the other reports (the last copy shown when offline).
import { html } from './common.js';
import { request } from '../api.js';
import { toast } from '../state.js';
import { Chart, When, useReport } from './supervisor-reports.js';

const pct = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);

async function download(path, name) {
  try {
    const r = await request('GET', path);
    const url = URL.createObjectURL(await r.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    toast('下载失败，请联网后再试');
  }
}

export function VillageBaseReports({ owner }) {
  const year = new Date().getFullYear();
  const q = `?year=${year}`;
  const st = useReport(owner, `/api/v1/village-base/report${q}`);
  const r = st.body && typeof st.body === 'object' ? st.body : null;
  const names = r ? Object.fromEntries(r.rows.map((v) => [v.code, v.name])) : {};
  const worst = r ? [...r.rows].filter((v) => v.not_met).sort((a, b) => b.not_met - a.not_met).slice(0, 10) : [];
  return html`<section class="card" data-testid="vb-report">
      <h2>小康信息库（${year}年）</h2>
      <${When} st=${st} />
      ${r
        ? html`<p data-testid="vb-summary">${r.villages} 个村 · ${r.indicators} 项指标 · 填报完整率 ${pct(r.completeness)}</p>
            <p data-testid="vb-shells">集体经济空壳村 ${r.empty_shell.length} 个（上年 ${r.empty_shell_last_year} 个）${r.empty_shell.length ? '：' + r.empty_shell.map((c) => names[c]).join('、') : ''}</p>
            ${worst.length
              ? html`<h3>未达标指标最多的村</h3><ul class="list" data-testid="vb-worst">
                  ${worst.map((v) => html`<li><b>${v.name}</b> <span class="sub">${v.township_name} · 未达标 ${v.not_met} 项（上年达标 ${v.met_last_year}，今年 ${v.met}）：${v.not_met_list.map((n) => n.name).join('、')}</span></li>`)}
                </ul>`
              : null}
            <div class="actions">
              <button onClick=${() => download(`/api/v1/village-base/report.csv${q}`, `小康信息库-${year}.csv`)}>下载 CSV</button>
              <button onClick=${() => download(`/api/v1/village-base/report.xlsx${q}`, `小康信息库-${year}.xlsx`)}>下载 XLSX</button>
            </div>`
        : html`<p class="sub">${st.body === undefined ? '正在读取…' : '没有数据，请联网后再看。'}</p>`}
    </section>
    <${Chart} owner=${owner} path=${`/api/v1/village-base/tiers.svg${q}`} title="村集体经济收入分档" />
    <${Chart} owner=${owner} path=${`/api/v1/village-base/not-met.svg${q}`} title="各村指标达标情况" />`;
}
