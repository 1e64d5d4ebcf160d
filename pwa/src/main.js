import { render } from 'preact';
import { html } from './ui/common.js';
import { App } from './app.js';
import { getMeta } from './db.js';
import { setState } from './state.js';
import { refreshCounts, sync } from './sync.js';
import { registerSW } from './swreg.js';
import './style.css';

const SYNC_EVERY_MS = 5 * 60 * 1000;

async function boot() {
  registerSW();
  render(html`<${App} />`, document.getElementById('app'));
  const [auth, user, lastSync] = await Promise.all([getMeta('auth'), getMeta('user'), getMeta('last_sync')]);
  await refreshCounts();
  setState({ auth: auth && user ? 'in' : 'login', user: user || null, lastSync: lastSync || null });
  if (auth && user) navigator.storage?.persist?.().catch(() => {});

  sync('start');
  addEventListener('online', () => {
    setState({ online: true });
    sync('online');
  });
  addEventListener('offline', () => setState({ online: false }));
  setInterval(() => document.visibilityState === 'visible' && sync('timer'), SYNC_EVERY_MS);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && sync('visible'));
}

boot();
