// The console's reads: one hook for a request and its failure, short-lived caches for the
// lookups every screen needs (names of people, devices), labels of records.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, LoginNeeded, NetworkError, api } from '../api.js';
import { getRecord } from '../store.js';
import { getState, setState } from '../state.js';
import { shortTime } from '../schema.js';
import { html } from '../ui/common.js';
import { NoAccess } from './entry.js';

export const get = (path, params) => api('GET', params ? `${path}?${query(params)}` : path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  return q.toString();
}

// A dead login on the desk is what it is on the phone: back to the login screen.
function loginLost(e) {
  if (e instanceof LoginNeeded) setState({ auth: 'login', loginReason: e.message, revoked: e.code === 'device_revoked' });
}

// {data, error, loading, reload}; runs again when a dependency moves or on reload().
export function useApi(fn, deps = []) {
  const [st, set] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    set((x) => ({ ...x, loading: true }));
    fn().then(
      (data) => live && set({ data, loading: false }),
      (error) => {
        if (!live) return;
        loginLost(error);
        set({ error, loading: false });
      },
    );
    return () => (live = false);
  }, [...deps, tick]);
  return { ...st, reload: () => setTick((t) => t + 1) };
}

export const denied = (e) => e instanceof ApiError && (e.status === 403 || e.status === 404);

export function Failure({ error }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) return html`<${NoAccess} />`;
  if (error instanceof ApiError && error.status === 404)
    return html`<p class="empty no-access" data-testid="no-access">无权访问（记录不存在或不在您的范围内）</p>`;
  if (error instanceof NetworkError) return html`<p class="empty err">无法连接服务器，管理台需要联网。</p>`;
  if (error instanceof LoginNeeded) return html`<p class="empty">请重新登录。</p>`;
  return html`<p class="empty err">${error.message || String(error)}</p>`;
}

// Requests whose answers every screen reads, kept for a minute (or until dropped); per
// account, so another login on this device never reads the last one's answers.
const cache = new Map();
const mine = (key) => `${getState().user?.id}:${key}`;
export function cached(key, fn, ms = 60_000) {
  key = mine(key);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < ms) return hit.p;
  const p = fn().catch((e) => {
    cache.delete(key);
    throw e;
  });
  cache.set(key, { p, at: Date.now() });
  return p;
}
export function forget(prefix = '') {
  for (const k of [...cache.keys()]) if (k.startsWith(mine(prefix))) cache.delete(k);
}

// Who is who. An admin reads the accounts and devices; a supervisor, who may not, learns
// the names of the cadres in scope from the sync health list, and sees ids for the rest.
export function names(role) {
  return cached('names', async () => {
    const users = new Map();
    const devices = new Map();
    if (role === 'admin') {
      const [us, ds] = await Promise.all([get('/api/v1/users'), get('/api/v1/devices')]);
      for (const u of us) users.set(u.id, u);
      for (const d of ds) devices.set(`${d.user_id}/${d.device_id}`, d);
    } else {
      try {
        for (const c of await get('/api/v1/sync-health')) users.set(c.user_id, { ...c, role: 'cadre' });
      } catch (e) {
        if (!denied(e)) throw e;
      }
    }
    const me = getState().user; // the reviewer's own name, on what they resolved
    if (me && !users.has(me.id)) users.set(me.id, me);
    return { users, devices };
  });
}

export function useNames(role) {
  return useApi(() => names(role), [role]).data || { users: new Map(), devices: new Map() };
}

export const ROLE = { cadre: '驻村干部', supervisor: '督查人员', admin: '县管理员' };

export function personName(nm, id) {
  const u = nm.users.get(id);
  return u ? u.display_name || u.username : `用户 #${id}`;
}

export function Person({ nm, id }) {
  const u = nm.users.get(id);
  return html`<span class="person" title=${u ? `${u.username} #${id}` : `#${id}`}>${personName(nm, id)}</span>`;
}

export function Device({ nm, user, device }) {
  if (!device) return html`<span class="sub">—</span>`;
  const d = nm.devices.get(`${user}/${device}`);
  const ua = d?.user_agent ? agent(d.user_agent) : '';
  return html`<span class="device mono" title=${device + (d?.user_agent ? '\n' + d.user_agent : '')}>
    ${ua ? `${ua} · ` : ''}${device.slice(0, 8)}</span>`;
}

// A phone's user agent, read the way a person names a phone.
export function agent(ua) {
  const android = ua.match(/Android [\d.]+; ([^;)]+)/);
  if (android) return android[1].replace(/ Build.*/, '').trim();
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/Windows/.test(ua)) return 'Windows 电脑';
  if (/Mac OS X/.test(ua)) return 'Mac';
  if (/Linux/.test(ua)) return 'Linux';
  return ua.slice(0, 20);
}

// Townships of the caller's villages, in order, each with its villages.
export function townships(villages) {
  const out = new Map();
  for (const v of villages) {
    if (!out.has(v.township_code)) out.set(v.township_code, { code: v.township_code, name: v.township_name, villages: [] });
    out.get(v.township_code).villages.push(v);
  }
  return [...out.values()];
}

export function villageName(villages, code) {
  const v = villages.find((x) => x.code === code);
  return v ? v.name : code;
}

// A record's name as a person reads it: from this device's own copy when it has one (a
// reviewer's app pulls the scope), else from the server for a household.
export async function recordLabel(type, id) {
  const local = await getRecord(type, id).catch(() => null);
  if (type === 'household') {
    if (local?.data?.head_name) return { text: `${local.data.head_name} 户`, household: id };
    try {
      const f = await cached(`hh/${id}`, () => get(`/api/v1/households/${id}`));
      return { text: `${f.household.data.head_name} 户`, household: id };
    } catch (e) {
      return { text: '户', household: id };
    }
  }
  if (type === 'member' || type === 'visit') {
    const hh = local?.data?.household_id;
    const head = hh ? (await getRecord('household', hh).catch(() => null))?.data?.head_name : '';
    const what = type === 'member' ? `成员 ${local?.data?.name || ''}` : '走访';
    return { text: head ? `${head} 户 · ${what}` : what, household: hh || null };
  }
  return { text: '', household: null };
}

// Server times without an offset are UTC (SQLite hands them back naive).
export const utc = (iso) => (iso && iso.includes('T') && !/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso + 'Z' : iso);
export const when = (iso) => shortTime(utc(iso));

export function daysAgo(iso, now = Date.now()) {
  if (!iso) return null;
  return Math.floor((now - new Date(utc(iso)).getTime()) / 86_400_000);
}

export function age(iso) {
  const d = daysAgo(iso);
  if (d === null) return '—';
  if (d <= 0) {
    const h = Math.floor((Date.now() - new Date(utc(iso)).getTime()) / 3_600_000);
    return h <= 0 ? '刚刚' : `${h} 小时前`;
  }
  return `${d} 天前`;
}

export const skewText = (s) => (s == null ? '—' : Math.abs(s) < 60 ? `${s} 秒` : `${Math.round(s / 60)} 分钟`);
