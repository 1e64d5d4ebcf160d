import { render } from 'preact';
import { html } from './ui/common.js';
import { App } from './app.js';
import { db } from './db.js';
import { setState } from './state.js';
import { sync } from './sync.js';
import { loadSchema } from './schema.js';
import { registerSW } from './swreg.js';
import './style.css';

const SYNC_EVERY_MS = 5 * 60 * 1000;

async function boot() {
  registerSW();
  render(html`<${App} />`, document.getElementById('app'));
  // Everything the first screen needs, in one transaction.
  const tx = (await db()).transaction(['meta', 'outbox']);
  const meta = tx.objectStore('meta');
  const [auth, user, lastSync, villages, ops] = await Promise.all([
    meta.get('auth'),
    meta.get('user'),
    meta.get('last_sync'),
    meta.get('villages'),
    tx.objectStore('outbox').getAll(),
  ]);
  const rejected = ops.filter((o) => o.state === 'rejected').length;
  await loadSchema(); // labels and checks offline, before any record screen draws
  setState({
    auth: auth && user ? 'in' : 'login',
    user: user || null,
    lastSync: lastSync || null,
    villages: villages || [],
    pending: ops.length - rejected,
    rejected,
  });
  if (auth && user) navigator.storage?.persist?.().catch(() => {});

  setTimeout(() => sync('start'), 50); // after the first screen is drawn
  addEventListener('online', () => {
    setState({ online: true });
    sync('online');
  });
  addEventListener('offline', () => setState({ online: false }));
  setInterval(() => document.visibilityState === 'visible' && sync('timer'), SYNC_EVERY_MS);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && sync('visible'));
}

boot();
