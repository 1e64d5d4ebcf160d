// A screen kept in a chunk of its own, behind a door in the main bundle that loads it on first
// use: the county console (online only: its chunk is not precached), the supervisor's screens
// and the map editor (precached with the shell, so they open offline). A user the door does
// not allow is told 无权访问 at once and nothing is loaded; the server checks every request.
import { useEffect, useState } from 'preact/hooks';
import { html, Header } from './common.js';
import { useApp } from '../state.js';

export function NoAccess() {
  return html`<p class="empty no-access" data-testid="no-access">无权访问</p>`;
}

// load: () => import(…); pick(module) → its screen; head(props) → {title, back} shown while
// it loads; allowed(user) → may open; failed: what to say when the chunk cannot be fetched.
export function lazyScreen({ load, pick, head, allowed = () => true, failed }) {
  let loaded = null; // the module, once imported
  return function LazyScreen(props) {
    const s = useApp();
    const ok = allowed(s.user);
    const [mod, setMod] = useState(loaded);
    const [broken, setBroken] = useState(false);
    useEffect(() => {
      if (!ok || mod) return;
      load().then(
        (m) => setMod((loaded = m)),
        () => setBroken(true),
      );
    }, [ok]);
    if (mod && ok) return html`<${pick(mod)} ...${props} />`;
    const { title, back = '/' } = head(props);
    const top = html`<${Header} title=${title} back=${back} />`;
    if (!ok) return html`${top}<${NoAccess} />`;
    if (broken) return html`${top}<p class="empty">${failed}</p>`;
    return html`${top}<p class="empty">正在打开…</p>`;
  };
}
