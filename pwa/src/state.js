// The app's small shared state (auth, sync, counts); screens re-read IndexedDB when `rev` moves.
import { useEffect, useState } from 'preact/hooks';

let state = {
  auth: 'unknown', // unknown | in | login
  user: null, // {username, display_name, role, village_codes}
  villages: [], // the cadre's villages with their groups (GET /geo/villages)
  loginReason: '',
  revoked: false, // the server said this device is revoked (api.js LoginNeeded code)
  syncing: false,
  syncs: 0, // sync runs finished since the page opened
  phase: '', // push | pull
  pulled: 0,
  total: 0, // the records of this pull, when the server says (a first sync)
  pages: 0,
  more: false,
  pending: 0,
  rejected: 0,
  lastSync: null,
  syncError: '',
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  rev: 0,
  updateReady: false,
  toast: '',
};
const subs = new Set();

export function getState() {
  return state;
}

export function setState(patch) {
  state = { ...state, ...patch };
  subs.forEach((f) => f(state));
}

export function bump() {
  setState({ rev: state.rev + 1 });
}

let toastTimer = 0;
export function toast(msg) {
  setState({ toast: msg });
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => setState({ toast: '' }), 2500);
}

export function useApp() {
  const [s, set] = useState(state);
  useEffect(() => {
    subs.add(set);
    set(state);
    return () => subs.delete(set);
  }, []);
  return s;
}
