// The console's first page: what waits (open conflicts, phones gone quiet), the county's
// households at a glance, and the supervisors' charts (backend/reports, as SVG).
import { useState } from 'preact/hooks';
import { html, Select } from '../ui/common.js';
import { useApp } from '../state.js';
import { Failure, cached, get, townships, useApi } from './data.js';

async function load() {
  const [conflicts, health, counts] = await Promise.all([
    get('/api/v1/conflicts', { status: 'open', limit: 1 }),
    get('/api/v1/sync-health'),
    cached('counts', () => get('/api/v1/households/counts'), 30_000),
  ]);
  const sum = (k) => counts.rows.reduce((n, r) => n + r[k], 0);
  return {
    open: conflicts.total,
    stale: health.filter((c) => c.stale).length,
    cadres: health.length,
    households: sum('households'),
    notOut: sum('not_out'),
    monitored: sum('monitored'),
    visits: sum('visits'),
  };
}

// An SVG chart drawn by the server, shown as an image (never as markup in the page).
function Chart({ path, title, params = {} }) {
  const key = path + JSON.stringify(params);
  const res = useApi(() => cached(key, () => get(path, params)), [key]);
  return html`<figure class="card chart" data-testid="chart" data-chart=${key}>
    ${res.data
      ? html`<img alt=${title} src=${'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(res.data)} />`
      : res.error ? html`<${Failure} error=${res.error} />` : html`<p class="sub">正在读取…</p>`}
  </figure>`;
}

// The county by township (a bar each); a township's villages on demand: one bar per village
// for the whole county made the page some 15,900 px tall.
export function Overview() {
  const { villages } = useApp();
  const [town, setTown] = useState('');
  const res = useApi(load, []);
  const d = res.data;
  return html`<${Failure} error=${res.error} />
    ${d
      ? html`<div class="tiles" data-testid="overview">
          <a class=${'tile' + (d.open ? ' warn' : '')} href="#/console/conflicts"><b>${d.open}</b><span>待审核冲突</span></a>
          <a class=${'tile' + (d.stale ? ' warn' : '')} href="#/console/health"><b>${d.stale}</b><span>3 天以上未同步的干部（共 ${d.cadres}）</span></a>
          <a class="tile" href="#/console/browse"><b>${d.households}</b><span>户（未脱贫 ${d.notOut} · 监测 ${d.monitored}）</span></a>
          <a class="tile" href="#/console/browse"><b>${d.visits}</b><span>本轮走访</span></a>
        </div>`
      : res.loading ? html`<p class="empty">正在读取…</p>` : null}
    <div class="charts">
      <${Chart} path="/api/v1/reports/coverage.svg" params=${{ by: 'township' }} title="遍访覆盖率（各乡镇）" />
      <${Chart} path="/api/v1/reports/conflicts.svg" title="待审核冲突（各村）" />
    </div>
    <section class="card">
      <label>各村遍访覆盖率<${Select} name="overview_township" blank=${false} value=${town} onChange=${(v) => setTown(v || '')}
        options=${[['', '选择乡镇查看'], ...townships(villages).map((t) => [t.code, t.name])]} /></label>
    </section>
    ${town
      ? html`<div class="charts"><${Chart} path="/api/v1/reports/coverage.svg" params=${{ township_code: town }} title="遍访覆盖率（各村）" /></div>`
      : null}
    <p class="crumbs">更多：<a href="#/sv">电话抽查</a> · <a href="#/sv/reports">督查报表与召回名单</a></p>`;
}
