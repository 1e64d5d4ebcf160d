import { useEffect, useState } from 'preact/hooks';
import { html } from './ui/common.js';
import { useApp } from './state.js';
import { shortTime } from './schema.js';
import { sync } from './sync.js';
import { Login } from './ui/login.js';
import { Home, Village, Households } from './ui/lists.js';
import { FamilyFile, HouseholdForm, MemberForm } from './ui/household.js';
import { VisitForm } from './ui/visit.js';
import { SplitForm } from './ui/split.js';
import { RecordForm } from './ui/records.js';
import { MeasureForm } from './ui/measures.js';
// 三单制, 小康信息库, 口袋书: loaded on first use, precached for offline (ui/doors.js)
import { Orders, VillageBase, Policies } from './ui/doors.js';
import { Outbox } from './ui/outbox.js';
import { Settings } from './ui/settings.js';
import { MapScreen } from './map/entry.js';
import { applyUpdate } from './swreg.js';
import { ConsoleEntry, canReview } from './console/entry.js';
import { SupervisionEntry } from './supervision/entry.js';

function useRoute() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => {
      setHash(location.hash);
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#/, '') || '/';
}

const ROUTES = [
  [/^\/$/, () => html`<${Home} />`],
  [/^\/v\/([^/]+)$/, (v) => html`<${Village} village=${v} />`],
  [/^\/v\/([^/]+)\/g\/([^/]+)$/, (v, g) => html`<${Households} village=${v} group=${g} />`],
  [/^\/v\/([^/]+)\/g\/([^/]+)\/new$/, (v, g) => html`<${HouseholdForm} village=${v} group=${g} />`],
  [/^\/v\/([^/]+)\/base(\/[^/]+|)$/, (v, rest) => html`<${VillageBase} village=${v} rest=${rest} />`],
  [/^\/h\/([^/]+)$/, (id) => html`<${FamilyFile} id=${id} />`],
  [/^\/h\/([^/]+)\/edit$/, (id) => html`<${HouseholdForm} id=${id} />`],
  [/^\/h\/([^/]+)\/m\/([^/]+)$/, (id, m) => html`<${MemberForm} household=${id} id=${m} />`],
  [/^\/h\/([^/]+)\/split$/, (id) => html`<${SplitForm} household=${id} />`],
  [/^\/h\/([^/]+)\/measure\/([^/]+)$/, (id, m) => html`<${MeasureForm} household=${id} id=${m} />`],
  [/^\/h\/([^/]+)\/visit$/, (id) => html`<${VisitForm} household=${id} />`],
  [/^\/h\/([^/]+)\/visit\/([^/]+)$/, (id, v) => html`<${VisitForm} household=${id} visit=${v} />`],
  [/^\/v\/([^/]+)\/orders((?:\/.*)?)$/, (v, rest) => html`<${Orders} village=${v} path=${rest.slice(1)} />`],
  [/^\/v\/([^/]+)\/g\/([^/]+)\/map$/, (v, g) => html`<${MapScreen} village=${v} group=${g} />`],
  [/^\/v\/([^/]+)\/g\/([^/]+)\/map\/([^/]+)$/, (v, g, h) => html`<${MapScreen} village=${v} group=${g} household=${h} />`],
  // any declared type without a screen of its own, from its schema (ui/records.js)
  [/^\/r\/([a-z_]+)\/([^/?]+)(?:\?(.*))?$/, (t, id, q) => html`<${RecordForm} type=${t} id=${id} query=${q} />`],
  [/^\/p(\/[^/?]+|)(\?.*|)$/, (id, q) => html`<${Policies} id=${id.slice(1)} query=${q.slice(1)} />`], // 口袋书 (ui/policies.js)
  [/^\/outbox$/, () => html`<${Outbox} />`],
  [/^\/settings$/, () => html`<${Settings} />`],
  // the county console (admins, supervisors), loaded on first use
  [/^\/console((?:\/.*)?)$/, (rest) => html`<${ConsoleEntry} path=${rest.slice(1)} />`],
  // 督查 · 电话抽查 (supervisors, admins), loaded on first use and precached for offline
  [/^\/sv((?:\/.*)?)$/, (rest) => html`<${SupervisionEntry} path=${rest.slice(1)} />`],
];

// 7,407 as 7,407: a first sync's counts read at a glance
const count = new Intl.NumberFormat('en-US');

function StatusBar() {
  const s = useApp();
  const waiting = s.pending + s.rejected;
  return html`<div class="status" role="status">
    <a class="counts" href="#/outbox">
      <span class=${'pending' + (s.pending ? ' has' : '')} data-testid="pending">待同步 ${s.pending}</span>
      ${s.rejected ? html`<span class="rejected" data-testid="rejected">需处理 ${s.rejected}</span>` : null}
      <span class="last" data-testid="last-sync">${s.lastSync ? `上次同步 ${shortTime(s.lastSync)}` : '从未同步'}</span>
    </a>
    ${canReview(s.user) ? html`<a class="console-link" href="#/console" data-testid="console-link">管理台</a>` : null}
    <button class="sync" disabled=${s.syncing} onClick=${() => sync('button')} data-testid="sync" data-runs=${s.syncs}>
      ${s.syncing ? '同步中…' : '同步'}
    </button>
    ${s.syncing
      ? html`<div class="progress">
          <progress value=${s.phase === 'pull' ? s.pulled : undefined} max=${s.total || s.pulled + (s.more ? 1 : 0) || 1}></progress>
          <span data-testid="sync-progress">${s.phase === 'push'
            ? '正在上传修改…'
            : s.total
              ? `已下载 ${count.format(s.pulled)} / ${count.format(s.total)} 条`
              : `正在下载：已收到 ${count.format(s.pulled)} 条`}</span>
        </div>`
      : s.syncError
        ? html`<div class="sync-error" data-testid="sync-error">${s.syncError}${waiting ? '，修改已保存在本机' : ''}</div>`
        : null}
  </div>`;
}

export function App() {
  const s = useApp();
  const path = useRoute();
  let screen = null;
  if (s.auth === 'unknown') screen = html`<p class="empty">正在打开…</p>`;
  else if (s.auth === 'login') screen = html`<${Login} />`;
  else {
    for (const [re, make] of ROUTES) {
      const m = path.match(re);
      if (m) {
        // keyed by the path: a new screen starts with fresh state (search, form)
        screen = html`<div class="screen" key=${path}>${make(...m.slice(1).map(decodeURIComponent))}</div>`;
        break;
      }
    }
    if (!screen) screen = html`<p class="empty">页面不存在。<a href="#/">回首页</a></p>`;
  }
  return html`
    ${s.auth === 'in' ? html`<${StatusBar} />` : null}
    <main>${screen}</main>
    ${s.updateReady
      ? html`<button class="update" onClick=${applyUpdate} data-testid="update">有新版本，点此更新</button>`
      : null}
    ${s.toast ? html`<div class="toast" role="alert">${s.toast}</div>` : null}
  `;
}

