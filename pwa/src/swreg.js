// The service worker asks before it updates: a new version waits until the cadre taps
// "有新版本，点此更新" (a reload in the middle of a form would lose what is typed).
import { setState } from './state.js';

let waiting = null;
let tapped = false;

function offer(worker) {
  waiting = worker;
  setState({ updateReady: true });
}

export function applyUpdate() {
  if (!waiting) return;
  tapped = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

export function registerSW() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only a tap reloads; the first install's clients.claim() must not.
    if (tapped) location.reload();
  });
  navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const w = reg.installing;
        if (!w) return;
        w.addEventListener('statechange', () => {
          if (w.state === 'installed' && navigator.serviceWorker.controller) offer(w);
        });
      });
      // Look for a new version now and then while the app stays open.
      setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
    })
    .catch(() => {});
}
