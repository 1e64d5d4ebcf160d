// Sync: push the outbox, then pull pages of changes. Runs from the page (start, `online`,
// a timer, the 同步 button), never from Background Sync; one run at a time per phone.
//
// Ops of one record form a line: only the first waiting op of each record goes in a batch,
// and its verdict's version becomes the base of the next one. Ops of different records go
// together, in the order they were made (a household's create before its members').
import { ApiError, LoginNeeded, NetworkError, api } from './api.js';
import { unwrap } from 'idb';
import { db, deviceId, getMeta, isoLocal, makeUuid, setMeta, writing } from './db.js';
import { parentType, placeOf, refreshSchema } from './schema.js';
import { counts, fold } from './store.js';
import { uploadPhotos } from './photos.js';
import { bump, getState, setState } from './state.js';

const MAX_BATCH = 500;
// The server's largest page (config max_pull_limit): a first sync of ~7,500 records is 8
// round trips, not 15.
const PULL_LIMIT = 1000;
const DONE = new Set(['applied', 'merged', 'conflict', 'duplicate']);

export async function refreshCounts() {
  setState(await counts());
}

function wire(op) {
  return {
    op_id: op.op_id,
    type: op.type,
    id: op.id,
    base_version: op.base_version,
    set: op.set,
    unset: op.unset || [],
    delete: !!op.delete,
    recorded_at: op.recorded_at,
  };
}

async function nextBatch(limit) {
  const d = await db();
  const all = await d.getAll('outbox'); // in seq order
  const seen = new Set();
  const batch = [];
  for (const op of all) {
    const key = `${op.type}/${op.id}`;
    if (seen.has(key)) continue;
    seen.add(key); // later ops of this record wait for this one's verdict
    if (op.state !== 'pending') continue; // a rejected op holds its line until dealt with
    batch.push(op);
    if (batch.length >= limit) break;
  }
  return batch;
}

// Apply a batch's verdicts in one transaction.
async function settle(batch, results) {
  const byOp = new Map(results.map((r) => [r.op_id, r]));
  const d = await db();
  const tx = writing(d, ['records', 'outbox', 'conflicts']);
  const rs = tx.objectStore('records');
  const ob = tx.objectStore('outbox');
  const cs = tx.objectStore('conflicts');
  let done = 0;
  for (const op of batch) {
    const r = byOp.get(op.op_id);
    if (!r) continue; // no verdict: it stays pending and goes again
    // a duplicate (the answer to an earlier try was lost) carries its first verdict
    const status = r.status === 'duplicate' ? r.first_status || 'duplicate' : r.status;
    if (DONE.has(status) && !r.error && r.version) {
      done++;
      await ob.delete(op.seq);
      const rec = await rs.get([op.type, op.id]);
      const later = (await ob.index('record').getAll([op.type, op.id])).sort((a, b) => a.seq - b.seq);
      if (rec) {
        // the pull that follows brings the server's own copy; until then, ours plus the op
        const server = later.length ? { ...(rec.server || {}), ...op.set } : null;
        await rs.put({ ...rec, version: Math.max(rec.version || 0, r.version), server });
      }
      if (later.length && later[0].chained) {
        await ob.put({ ...later[0], chained: false, base_version: r.version });
      }
      if (status === 'conflict' && r.conflict_id) {
        // A placeholder with what this phone sent, until the open conflicts are fetched.
        await cs.put({ id: r.conflict_id, type: op.type, record_id: op.id, status: 'open', fields: null, mine: op.set });
      }
    } else {
      // rejected (or a duplicate of an op first rejected): kept, with the server's words
      const err = r.error || { code: r.status, message: '服务器未接受此修改' };
      await ob.put({ ...op, state: 'rejected', error: err, rejected_at: isoLocal() });
    }
  }
  await tx.done;
  return done;
}

async function pushBatch(batch) {
  const body = {
    device_id: await deviceId(),
    batch_id: makeUuid(),
    device_time: isoLocal(),
    ops: batch.map(wire),
  };
  return api('POST', '/api/v1/sync/push', body);
}

// A whole batch refused (413, or 422 for an op the schema cannot read) is split in halves
// until the one op at fault is found: it alone is marked rejected, the others go through.
async function pushSplitting(batch) {
  try {
    const answer = await pushBatch(batch);
    if (answer.clock_skew_s !== undefined) await setMeta('clock_skew_s', answer.clock_skew_s);
    return settle(batch, answer.results || []);
  } catch (e) {
    if (!(e instanceof ApiError) || ![413, 422].includes(e.status)) throw e;
    if (batch.length === 1) {
      return settle(batch, [
        { op_id: batch[0].op_id, status: 'rejected', error: { code: e.code, message: e.message } },
      ]);
    }
    const half = Math.ceil(batch.length / 2);
    return (await pushSplitting(batch.slice(0, half))) + (await pushSplitting(batch.slice(half)));
  }
}

export async function push() {
  let total = 0;
  for (let round = 0; round < 50; round++) {
    const batch = await nextBatch(MAX_BATCH);
    if (!batch.length) break;
    setState({ phase: 'push' });
    const before = (await counts()).pending;
    total += await pushSplitting(batch);
    await refreshCounts();
    if ((await counts()).pending >= before) break; // no progress: do not spin
  }
  return total;
}

// One page in one transaction, its cursor with it: a link cut mid-pull resumes after the
// last page stored, and a page stored twice changes nothing.
//
// A first sync of three villages is ~7,500 records on a slow phone, so the page is written
// without one awaited IndexedDB request per record (each a round trip to the database
// process: 13.6 s at 4x CPU for 7,400 records when each record awaited its ops, its old
// copy and its parent): the outbox is read once, the old copies and missing parents are
// asked for all at once, and the puts go out unawaited on the raw store (the transaction's
// end is awaited). `known` carries what earlier pages of this pull wrote (version, and the
// village of every record filed under one, for its children); when the store was empty as
// the pull began, nothing else can be there and no old copy is read at all.
const request = (r) =>
  new Promise((ok, no) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => no(r.error);
  });

async function applyPage(records, cursor, known) {
  const d = await db();
  const tx = writing(d, ['records', 'outbox', 'meta']);
  const rs = unwrap(tx.objectStore('records'));
  const meta = tx.objectStore('meta');
  const [flaggedList, waiting] = await Promise.all([meta.get('flagged'), tx.objectStore('outbox').getAll()]);
  const flagged = new Set(flaggedList || []);
  const opsOf = new Map(); // type/id → its waiting ops, in seq order (getAll answers so)
  for (const o of waiting) {
    const k = `${o.type}/${o.id}`;
    opsOf.has(k) ? opsOf.get(k).push(o) : opsOf.set(k, [o]);
  }
  // an old copy is read where one may be (and always where ops wait: a delete keeps it)
  const olds = await Promise.all(
    records.map((p) =>
      known.empty && !opsOf.has(`${p.type}/${p.id}`)
        ? known.version.get(`${p.type}/${p.id}`)
        : request(rs.get([p.type, p.id])),
    ),
  );
  const rows = [];
  const orphans = []; // rows whose parent was filed by no page of this pull
  records.forEach((p, i) => {
    if (p.has_conflict && !p.deleted) flagged.add(p.id);
    else flagged.delete(p.id);
    const k = `${p.type}/${p.id}`;
    const ops = opsOf.get(k) || [];
    const old = olds[i];
    const oldVersion = typeof old === 'number' ? old : old?.version;
    if (oldVersion > p.version) return; // we already know newer
    known.version.set(k, p.version);
    if (p.deleted) {
      if (!ops.length) rs.delete([p.type, p.id]);
      else if (old && typeof old === 'object') rs.put({ ...old, version: p.version, deleted: true, server: null });
      return;
    }
    // What the cadre sees: the server's record with this phone's waiting ops on top.
    const data = fold(p.data, ops);
    const place = placeOf(p.type, data);
    const row = {
      type: p.type,
      id: p.id,
      version: p.version,
      server: ops.length ? p.data : null, // kept only while ops wait
      data,
      deleted: ops.some((o) => o.delete), // a delete waiting here still hides it
      has_conflict: !!p.has_conflict,
      ...place,
    };
    if (place.village) known.village.set(k, place.village);
    else if (place.hh) {
      const v = known.village.get(`${parentType(p.type)}/${place.hh}`);
      if (v) row.village = v;
      else orphans.push(row);
    }
    rows.push(row);
  });
  if (orphans.length) {
    const parents = await Promise.all(orphans.map((r) => request(rs.get([parentType(r.type), r.hh]))));
    orphans.forEach((r, i) => (r.village = parents[i]?.village || ''));
  }
  for (const row of rows) rs.put(row);
  await Promise.all([meta.put([...flagged], 'flagged'), meta.put(cursor, 'cursor'), tx.done]);
}

// Records of villages no longer in the cadre's scope are dropped, unless ops still wait
// (every record is filed under its village, a child under its parent's: schema.js placeOf).
async function keepScope(scope) {
  const keep = new Set(scope);
  const d = await db();
  const tx = writing(d, ['records', 'outbox']);
  const rs = tx.objectStore('records');
  const waiting = new Set((await tx.objectStore('outbox').getAll()).map((o) => o.id));
  let cur = await rs.openCursor();
  while (cur) {
    const r = cur.value;
    if (r.village && !keep.has(r.village) && !waiting.has(r.id)) await cur.delete();
    cur = await cur.continue();
  }
  await tx.done;
}

// onPage gets {pulled, total, pages, more} after each page stored: total is the count the
// server gives with a first page (its `remaining` after that page), 0 when not known.
export async function pull(onPage) {
  let cursor = (await getMeta('cursor')) || '';
  let pulled = 0;
  let total = 0;
  let pages = 0;
  let rescoped = false;
  const d = await db();
  const known = {
    // nothing stored and nothing waiting: no page needs to read an old copy of a record
    empty: !(await d.count('records')) && !(await d.count('outbox')),
    version: new Map(), // type/id → the version this pull stored
    village: new Map(), // type/id → the village of a record this pull stored (for its children)
  };
  const ask = (c) => {
    const q = `/api/v1/sync/pull?limit=${PULL_LIMIT}` + (c ? `&cursor=${encodeURIComponent(c)}` : '');
    const answer = api('GET', q);
    answer.catch(() => {}); // awaited below, or dropped when a page before it failed
    return answer;
  };
  // The next page is asked for while this one is stored: the server's time and the
  // transfer hide behind the phone's writing. Only a stored page moves the cursor.
  let next = ask(cursor);
  for (let i = 0; i < 10000; i++) {
    let page;
    try {
      page = await next;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'bad_cursor' && cursor) {
        cursor = ''; // the server no longer reads it: pull the whole scope again
        next = ask(cursor);
        continue;
      }
      throw e;
    }
    next = page.more ? ask(page.cursor) : null;
    const records = page.records || [];
    await applyPage(records, page.cursor, known);
    if (page.scope) {
      await keepScope(page.scope);
      rescoped = rescoped || page.reset;
    }
    cursor = page.cursor;
    pulled += records.length;
    if (typeof page.remaining === 'number') total = pulled + page.remaining;
    pages++;
    onPage && onPage({ pulled, total: Math.max(total, pulled), pages, more: !!page.more });
    if (!page.more) break;
  }
  return { pulled, rescoped };
}

// Resolutions since this phone last looked, in the order they were made: asked on every
// sync, not only for conflicts seen open here (a phone offline while a conflict with its
// value was made and resolved learns of it only so). The mark is the server's time of the
// last resolution seen; before the first, the last 30 days by this phone's clock, corrected
// by its skew once a push has measured it.
async function fetchResolved() {
  let after = await getMeta('resolved_after');
  if (!after) after = new Date(Date.now() - ((await getMeta('clock_skew_s')) || 0) * 1000 - 30 * 864e5).toISOString();
  const items = [];
  for (let i = 0; i < 100; i++) {
    const page = await api('GET', `/api/v1/conflicts?status=resolved&limit=200&resolved_after=${encodeURIComponent(after)}`);
    if (!page.items.length) break;
    items.push(...page.items);
    after = page.items[page.items.length - 1].resolved_at;
    if (page.items.length >= page.total) break;
  }
  return { items, after: items.length ? after : null };
}

// The fields of a resolved conflict where the value this device sent did not stand: the
// device sent the incoming value, or the stored one it was weighed against.
export function lostFields(c, me) {
  const out = [];
  for (const [f, pick] of Object.entries(c.resolution?.fields || {})) {
    const v = c.fields?.[f];
    const side = !v ? null : c.incoming?.device_id === me ? 'incoming' : v.stored_by?.device_id === me ? 'stored' : null;
    if (!side || pick.choice === side) continue;
    if (pick.choice === 'value' && JSON.stringify(pick.value) === JSON.stringify(v[side])) continue;
    out.push({ field: f, mine: v[side], final: pick.value });
  }
  return out;
}

// Both values of each conflicted field. The open conflicts of the cadre's villages are
// fetched whenever a record here is flagged (by this phone's op or by another's), and
// replace what this phone knew; resolved ones drop out. A resolution that did not keep
// this phone's value becomes a notice, kept until the cadre taps 知道了 (store.js).
export async function fetchConflicts() {
  const d = await db();
  const me = await deviceId();
  const resolved = await fetchResolved();
  const flagged = (await getMeta('flagged')) || [];
  const known = await d.count('conflicts');
  let open = null;
  if (flagged.length || known) {
    open = [];
    const villages = ((await getMeta('villages')) || []).map((v) => v.code);
    for (const v of villages) {
      for (let offset = 0; offset < 10000; offset += 200) {
        const page = await api('GET', `/api/v1/conflicts?status=open&village_code=${encodeURIComponent(v)}&limit=200&offset=${offset}`);
        open.push(...page.items);
        if (offset + 200 >= page.total) break;
      }
    }
  }
  // one transaction: a notice is made once, with the mark that it was seen
  const tx = writing(d, ['conflicts', 'records', 'meta']);
  if (open) {
    await tx.objectStore('conflicts').clear();
    for (const c of open) await tx.objectStore('conflicts').put(c);
  }
  const meta = tx.objectStore('meta');
  const notices = (await meta.get('notices')) || [];
  for (const c of resolved.items) {
    const lost = lostFields(c, me);
    if (!lost.length || notices.some((n) => n.id === c.id)) continue;
    const rec = await tx.objectStore('records').get([c.type, c.record_id]);
    notices.push({
      id: c.id,
      type: c.type,
      hh: c.type === 'household' ? c.record_id : rec?.hh || '',
      name: (c.type === 'household' ? rec?.data?.head_name : rec?.data?.name) || '',
      fields: lost,
      by: c.resolved_by_name || '',
      at: c.resolved_at,
    });
  }
  if (resolved.after) {
    await meta.put(notices, 'notices');
    await meta.put(resolved.after, 'resolved_after');
  }
  await tx.done;
}

export async function refreshProfile() {
  const [me, villages] = await Promise.all([api('GET', '/api/v1/me'), api('GET', '/api/v1/geo/villages')]);
  await setMeta('user', me);
  await setMeta('villages', villages);
  setState({ user: me, villages });
  return me;
}

let running = null;

export function sync(reason = '') {
  if (getState().auth !== 'in') return Promise.resolve(false);
  if (running) return running;
  const run = async () => {
    setState({ syncing: true, syncError: '', phase: 'push', pulled: 0, total: 0, pages: 0, more: false });
    // A sync that never reached the server wrote nothing: the screens keep what they read
    // (a phone without signal tries at every start and every few minutes).
    let reached = false;
    try {
      await refreshSchema(); // the server's record types: labels, limits, rules
      reached = true;
      await push(); // push before pull: the pull then carries the merged results
      setState({ phase: 'pull' });
      const { rescoped } = await pull((p) => setState(p));
      await push(); // anything saved while pulling
      await fetchConflicts();
      // the villages (and their groups) again when the cadre's villages changed, and at
      // start (a login has just read them)
      if (rescoped || reason === 'start') await refreshProfile();
      const at = new Date().toISOString();
      await setMeta('last_sync', at);
      setState({ lastSync: at, online: true });
      // Photos' bytes only now, and not awaited: their records are acknowledged, and a slow
      // upload never holds up the records of the next sync.
      uploadPhotos().then((n) => n && bump(), () => {});
      return true;
    } catch (e) {
      if (e instanceof LoginNeeded) {
        // A revoked device: said plainly on the login screen; the outbox stays as it is.
        setState({ auth: 'login', loginReason: e.message, revoked: e.code === 'device_revoked' });
      } else if (e instanceof NetworkError) {
        setState({ syncError: e.message, online: false });
      } else {
        setState({ syncError: e.message || String(e) });
      }
      return false;
    } finally {
      await refreshCounts();
      setState({ syncing: false, phase: '', syncs: getState().syncs + 1 });
      if (reached) bump();
    }
  };
  const locked = navigator.locks
    ? () => navigator.locks.request('minqing-sync', run)
    : run;
  running = locked().finally(() => (running = null));
  return running;
}
