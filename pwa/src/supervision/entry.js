// 督查 (电话抽查 of resident cadres): the door in the main bundle. The screens are their own
// chunk, loaded on first use (precached like the rest of the shell, so they open offline);
// a cadre's phone never loads them. The server checks every request and record again.
import { useEffect, useState } from 'preact/hooks';
import { html, Header } from '../ui/common.js';
import { useApp } from '../state.js';

export const canSupervise = (user) => !!user && (user.role === 'supervisor' || user.role === 'admin');

let loaded = null; // the screens' module, once imported

export function SupervisionEntry({ path }) {
  const s = useApp();
  const allowed = canSupervise(s.user);
  const [mod, setMod] = useState(loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!allowed || mod) return;
    import('../ui/supervisor.js').then(
      (m) => setMod((loaded = m)),
      () => setFailed(true),
    );
  }, [allowed]);
  if (!allowed) return html`<${Header} title="督查" back="/" /><p class="empty" data-testid="no-access">无权访问</p>`;
  if (failed) return html`<${Header} title="督查" back="/" /><p class="empty">无法打开督查页面，请联网后重试。</p>`;
  if (!mod) return html`<${Header} title="督查" back="/" /><p class="empty">正在打开…</p>`;
  return html`<${mod.Supervision} path=${path} />`;
}
