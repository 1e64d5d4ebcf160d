// The supervisor's data on the phone. Rounds are drawn and read on the server (the draw
// needs the whole county); what was read while online is kept in IndexedDB's meta store so
// a round opens with no signal. The outcomes of the calls are `spot_check` records, saved
// and synced like every other record (store.js, sync.js): the screens put the two together.
//
//   meta 'sv:rounds'       {owner, at, items}       the list of rounds, as last read
//   meta 'sv:round:<id>'   {owner, at, round}       a round's detail (cadres, evidence, checks)
//   meta 'sv:new'          {owner, id, ...request}  a draw asked for and not yet answered
//   meta 'sv:chart:<path>' {owner, at, body}        a report as last read (SVG text or JSON)
//
// Every entry names its owner: another user on this phone never sees it (and login.js
// drops the 'sv:' keys when the user changes).
import { ApiError, LoginNeeded, NetworkError, api } from '../api.js';
import { db, getMeta, makeUuid, setMeta } from '../db.js';

const ROUNDS = 'sv:rounds';
const ROUND = 'sv:round:';
const NEW = 'sv:new';
const CHART = 'sv:chart:';
const KEEP_ROUNDS = 20; // round details kept on the phone

async function mine(key, owner) {
  const v = await getMeta(key);
  return v && v.owner === owner ? v : null;
}

export async function cachedRounds(owner) {
  return mine(ROUNDS, owner);
}

export async function fetchRounds(owner) {
  const page = await api('GET', '/api/v1/supervision/rounds?limit=50');
  const v = { owner, at: new Date().toISOString(), items: page.items };
  await setMeta(ROUNDS, v);
  return v;
}

export async function cachedRound(owner, id) {
  return mine(ROUND + id, owner);
}

async function keepRound(owner, round) {
  const v = { owner, at: new Date().toISOString(), round };
  const d = await db();
  const tx = d.transaction('meta', 'readwrite');
  await tx.store.put(v, ROUND + round.id);
  // only the newest rounds stay
  const range = IDBKeyRange.bound(ROUND, ROUND + '\uffff');
  const keys = await tx.store.getAllKeys(range);
  if (keys.length > KEEP_ROUNDS) {
    const all = await tx.store.getAll(range);
    const old = keys
      .map((k, i) => [k, all[i]?.round?.drawn_at || ''])
      .sort((a, b) => (a[1] < b[1] ? -1 : 1))
      .slice(0, keys.length - KEEP_ROUNDS);
    for (const [k] of old) await tx.store.delete(k);
  }
  await tx.done;
  return v;
}

export async function fetchRound(owner, id) {
  return keepRound(owner, await api('GET', `/api/v1/supervision/rounds/${encodeURIComponent(id)}`));
}

// Draw a round. The round's id is made here and kept until the server answers: a draw
// retried after a lost answer (or a reload) sends the same id and gets the same round.
export async function startRound(owner, { township_code, per_township }) {
  let req = await mine(NEW, owner);
  if (!req || req.township_code !== township_code || req.per_township !== per_township) {
    req = { owner, id: makeUuid(), township_code, per_township };
    await setMeta(NEW, req);
  }
  const body = { id: req.id, per_township };
  if (township_code) body.township_code = township_code;
  const round = await api('POST', '/api/v1/supervision/rounds', body);
  const kept = await keepRound(owner, round);
  const list = await mine(ROUNDS, owner);
  const items = [summaryOf(round), ...((list && list.items) || []).filter((r) => r.id !== round.id)];
  await setMeta(ROUNDS, { owner, at: list?.at || kept.at, items });
  await setMeta(NEW, null);
  return round;
}

function summaryOf(r) {
  const { rule, pool_size, replayed, cadres, ...summary } = r;
  return summary;
}

// The spot checks this phone holds (pulled, or saved here and waiting), each with its
// outbox state: 'pending', 'rejected' or '' (on the server as shown).
export async function localChecks() {
  const d = await db();
  const tx = d.transaction(['records', 'outbox']);
  const [recs, ops] = await Promise.all([
    tx.objectStore('records').getAll(IDBKeyRange.bound(['spot_check', ''], ['spot_check', '\uffff'])),
    tx.objectStore('outbox').getAll(),
  ]);
  const state = new Map();
  for (const o of ops) {
    if (o.type !== 'spot_check') continue;
    if (o.state === 'rejected') state.set(o.id, 'rejected');
    else if (!state.has(o.id)) state.set(o.id, 'pending');
  }
  return recs.filter((r) => !r.deleted).map((r) => ({ id: r.id, version: r.version, data: r.data, state: state.get(r.id) || '' }));
}

const timeOf = (c) => c.checked_at || '';

// One cadre's checks in a round: the server's as last read, overlaid by this phone's
// records (newer where an edit waits), oldest first.
export function checksOf(round, cadre, local) {
  const out = new Map();
  for (const c of cadre.checks || []) out.set(c.id, { ...c, state: '' });
  for (const r of local) {
    if (r.data.round_id !== round.id || Number(r.data.cadre_id) !== cadre.cadre_id) continue;
    const was = out.get(r.id);
    // a pulled copy older than the round's answer adds nothing
    if (was && !r.state && r.version < was.version) continue;
    out.set(r.id, { ...(was || {}), ...r.data, id: r.id, state: r.state, checked_by: was?.checked_by ?? null, mine_here: !!r.state });
  }
  return [...out.values()].sort((a, b) => (timeOf(a) < timeOf(b) ? -1 : 1));
}

// A call not got through is an attempt; the round's outcome is the latest call that got
// through (backend/supervision/outcomes.py). No outcome after attempts: 未接通.
export function outcomeOf(checks) {
  let outcome = null;
  for (const c of checks) if (c.reached) outcome = c;
  return { outcome, attempts: checks.filter((c) => !c.reached).length };
}

// A cadre's state in a round: todo | done | pending | rejected.
export function stateOf(checks) {
  if (checks.some((c) => c.state === 'rejected')) return 'rejected';
  if (checks.some((c) => c.state === 'pending')) return 'pending';
  return checks.length ? 'done' : 'todo';
}

// Cadres of a round with a check recorded anywhere (here or on the server).
export function checkedCount(round, local) {
  if (!round.cadres) {
    const here = new Set(local.filter((r) => r.data.round_id === round.id).map((r) => Number(r.data.cadre_id)));
    return Math.max(round.checked || 0, here.size);
  }
  return round.cadres.filter((c) => checksOf(round, c, local).length).length;
}

// A report: SVG text or JSON, kept for reading offline.
export async function fetchReport(owner, path) {
  const body = await api('GET', path);
  const v = { owner, at: new Date().toISOString(), body };
  await setMeta(CHART + path, v);
  return v;
}

export async function cachedReport(owner, path) {
  return mine(CHART + path, owner);
}

// A failure in words; the screens then show what the phone has.
export function why(e) {
  if (e instanceof NetworkError) return '无信号：显示本机保存的内容';
  if (e instanceof LoginNeeded) return '登录已过期，请点“同步”后重新登录';
  if (e instanceof ApiError && e.status === 404) return '不存在，或不在您的督查范围内';
  return e.message || String(e);
}
