// The county console's door, the only part of it in the cadre's bundle. A cadre is told
// 无权访问 at once and nothing is fetched; a reviewer (admin, supervisor) loads the console's
// own chunk on first use. The server checks every request again (403/404 → 无权访问).
import { useEffect, useState } from 'preact/hooks';
import { html, Header } from '../ui/common.js';
import { useApp } from '../state.js';

export const canReview = (user) => !!user && (user.role === 'admin' || user.role === 'supervisor');

let loaded = null; // the console module, once imported

export function NoAccess() {
  return html`<p class="empty no-access" data-testid="no-access">无权访问</p>`;
}

export function ConsoleEntry({ path }) {
  const s = useApp();
  const allowed = canReview(s.user);
  const [mod, setMod] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!allowed || mod) return;
    import('./console.js').then(
      (m) => setMod((loaded = m)),
      () => setFailed(true),
    );
  }, [allowed]);
  if (!allowed) return html`<${Header} title="县级管理台" back="/" /><${NoAccess} />`;
  if (failed) return html`<${Header} title="县级管理台" back="/" /><p class="empty">管理台需要联网打开，请联网后重试。</p>`;
  if (!mod) return html`<${Header} title="县级管理台" back="/" /><p class="empty">正在打开…</p>`;
  return html`<${mod.Console} path=${path} />`;
}
