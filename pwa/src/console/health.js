// Sync health: per cadre the last sync, open conflicts in their villages and rejected ops;
// the phones of a township that have not synced for N days (each phone for an admin, who
// may read devices; each cadre for a supervisor, who may not).
import { useState } from 'preact/hooks';
import { html, Select } from '../ui/common.js';
import { useApp } from '../state.js';
import { agent, daysAgo, Failure, get, skewText, townships, useApi, villageName, when } from './data.js';

async function load(role, township, days) {
  const cadres = await get('/api/v1/sync-health', { township_code: township, stale_days: days });
  let phones = null;
  if (role === 'admin') {
    const ids = new Set(cadres.map((c) => c.user_id));
    const names = new Map(cadres.map((c) => [c.user_id, c]));
    phones = (await get('/api/v1/devices'))
      .filter((d) => ids.has(d.user_id) && !d.revoked_at)
      // never synced counts from the phone's registration: one registered minutes ago is not late
      .map((d) => ({ ...d, cadre: names.get(d.user_id), days: daysAgo(d.last_sync_at), idle: daysAgo(d.last_sync_at || d.created_at) }))
      .filter((d) => d.idle === null || d.idle >= days)
      .sort((a, b) => (b.days ?? 1e9) - (a.days ?? 1e9));
  }
  return { cadres, phones };
}

// The phone's model where its browser names one, and its id (short ids whole).
function deviceText(d) {
  const id = d.device_id.length > 12 ? `${d.device_id.slice(0, 8)}…` : d.device_id;
  const model = agent(d.user_agent || '');
  return model ? `${model} · ${id}` : id;
}

export function Health({ user }) {
  const { villages } = useApp();
  const [township, setTownship] = useState('');
  const [days, setDays] = useState(3);
  const n = Math.min(365, Math.max(1, Number(days) || 1));
  const res = useApi(() => load(user.role, township, n), [township, n]);
  const cadres = res.data?.cadres || [];
  const stale = cadres.filter((c) => c.stale);
  const vnames = (codes) => codes.map((c) => villageName(villages, c)).join('、');
  return html`<section class="card">
      <h2>同步状况</h2>
      <div class="filters">
        <label>乡镇<${Select} name="township" blank=${false} value=${township} onChange=${(v) => setTownship(v || '')}
          options=${[['', '全部乡镇'], ...townships(villages).map((t) => [t.code, t.name])]} /></label>
        <label>未同步天数 N<input type="number" name="stale_days" min="1" max="365" value=${days} onInput=${(e) => setDays(e.currentTarget.value)} /></label>
      </div>
      <${Failure} error=${res.error} />
    </section>
    ${res.data
      ? html`<section class="card" data-testid="stale">
          <h2>超过 ${n} 天未同步的${res.data.phones ? '手机' : '干部'}（${res.data.phones ? res.data.phones.length : stale.length}）</h2>
          ${res.data.phones
            ? res.data.phones.length
              ? html`<div class="scroll"><table class="grid" data-testid="stale-phones">
                  <thead><tr><th>干部</th><th>电话</th><th>村</th><th>设备</th><th>上次同步</th><th>未同步</th></tr></thead>
                  <tbody>${res.data.phones.map(
                    (d) => html`<tr data-testid="stale-phone" data-device=${d.device_id}>
                      <td><a href=${`#/console/people/${d.user_id}`}>${d.cadre?.display_name || d.username}</a></td>
                      <td>${d.cadre?.phone ? html`<a href=${`tel:${d.cadre.phone}`}>${d.cadre.phone}</a>` : '—'}</td>
                      <td>${vnames(d.cadre?.village_codes || [])}</td>
                      <td class="mono" title=${d.device_id}>${deviceText(d)}</td>
                      <td>${d.last_sync_at ? when(d.last_sync_at) : '从未同步'}</td><td>${d.days === null ? `登记 ${d.idle} 天` : `${d.days} 天`}</td>
                    </tr>`,
                  )}</tbody></table></div>`
              : html`<p class="sub">没有。</p>`
            : stale.length
              ? html`<ul class="list">${stale.map(
                  (c) => html`<li class="row static"><span class="main">${c.display_name || c.username}
                    ${c.phone ? html` · <a href=${`tel:${c.phone}`}>${c.phone}</a>` : null}</span>
                    <span class="sub">${vnames(c.village_codes)} · ${c.days_since_sync === null ? '从未同步' : `${c.days_since_sync} 天未同步`}</span></li>`,
                )}</ul>`
              : html`<p class="sub">没有。</p>`}
        </section>
        <div class="scroll"><table class="grid" data-testid="health">
          <thead><tr><th>干部</th><th>村</th><th>设备</th><th>上次同步</th><th>时钟偏差</th><th>待审冲突</th><th>30 天内被拒修改</th></tr></thead>
          <tbody>${cadres.map(
            (c) => html`<tr data-testid="health-row" data-username=${c.username} class=${c.stale ? 'stale' : ''}>
              <td>${user.role === 'admin' ? html`<a href=${`#/console/people/${c.user_id}`}>${c.display_name || c.username}</a>` : c.display_name || c.username}</td>
              <td class="wrap">${vnames(c.village_codes)}</td><td class="num">${c.devices}</td>
              <td>${c.last_sync_at ? when(c.last_sync_at) : c.stale ? null : '从未同步'}${c.stale ? html` <i class="tag bad">${c.days_since_sync === null ? '从未同步' : `${c.days_since_sync} 天`}</i>` : null}</td>
              <td class=${c.max_clock_skew_s != null && Math.abs(c.max_clock_skew_s) > 300 ? 'err' : ''}>${skewText(c.max_clock_skew_s)}</td>
              <td class="num">${c.open_conflicts ? html`<a href="#/console/conflicts">${c.open_conflicts}</a>` : 0}</td>
              <td class="num">${c.rejected_ops_30d}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : res.loading ? html`<p class="empty">正在读取…</p>` : null}`;
}
