// Local records and the outbox. A save is one IndexedDB transaction over both stores: the
// screen says 已保存 only after it completes, so a change is either on disk and queued, or
// not made at all. Writes of the outbox ask for strict durability (flushed to the disk, not
// only handed to the OS): a phone that loses power right after 已保存 keeps the change.

import { db, getMeta, isoLocal, makeUuid, readGeneration, writing } from './db.js';
import { parentType, placeOf } from './schema.js';

const STRICT = { durability: 'strict' };

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// A record's data with ops applied in order (set, then unset). A delete op (a map element
// erased) sets nothing: the record is marked deleted beside its data.
export function fold(data, ops) {
  let out = data ? { ...data } : null;
  for (const op of ops) {
    out = { ...(out || {}), ...op.set };
    for (const k of op.unset || []) delete out[k];
  }
  return out;
}

async function opsOf(ob, type, id) {
  const ops = await ob.index('record').getAll([type, id]);
  return ops.sort((a, b) => a.seq - b.seq);
}

// Save a new record or the changed fields of one; answers the op queued (null: nothing changed).
// `more` ({stores, run(tx)}) writes what belongs with it in the same transaction, after it
// (a visit's photos: photos.js photosWith).
export async function saveRecord(type, id, values, more = null) {
  const d = await db();
  const tx = writing(d, ['records', 'outbox', ...(more?.stores || [])], STRICT);
  const rs = tx.objectStore('records');
  const ob = tx.objectStore('outbox');
  const rec = await rs.get([type, id]);
  const earlier = await opsOf(ob, type, id);
  const now = isoLocal();
  let op;
  if (!rec || (!rec.version && !earlier.length)) {
    // A create carries the whole data; its base is null.
    op = { op_id: makeUuid(), type, id, base_version: null, set: { ...values }, unset: [], delete: false };
  } else {
    const set = {};
    for (const [k, v] of Object.entries(values)) if (!same(rec.data?.[k], v)) set[k] = v;
    if (!Object.keys(set).length) {
      if (more) await more.run(tx);
      await tx.done;
      return null;
    }
    const last = earlier[earlier.length - 1];
    if (last && last.state === 'rejected') {
      // Retry after edit: the rejected change and this one go again as one new op (a new
      // op_id: the server answers a known op_id with its first verdict).
      op = { ...last, op_id: makeUuid(), set: { ...last.set, ...set }, state: 'pending', error: null };
    } else {
      // After an earlier op still in the outbox, the base is that op's result (filled in
      // when its verdict arrives); otherwise the version this phone has.
      op = {
        op_id: makeUuid(),
        type,
        id,
        base_version: earlier.length ? null : rec.version,
        chained: earlier.length > 0,
        set,
        unset: [],
        delete: false,
      };
    }
  }
  op.recorded_at = now;
  op.state = 'pending';
  op.error = op.error || null;
  await ob.put(op);
  const data = { ...(rec?.data || {}), ...values };
  const place = placeOf(type, data);
  if (place.hh) place.village = (await rs.get([parentType(type), place.hh]))?.village || '';
  await rs.put({
    type,
    id,
    version: rec?.version || 0,
    // the server's data, kept only while ops wait (a discard goes back to it)
    server: rec?.server ?? (rec?.version ? rec.data : null),
    has_conflict: rec?.has_conflict || false,
    deleted: false,
    ...place,
    data,
  });
  if (more) await more.run(tx);
  await tx.done;
  return op;
}

// Delete a record (a map element erased or undone): a delete op after any waiting ops, the
// record kept here marked deleted until the server's tombstone arrives. A record made here
// and not yet sent is still created and then deleted: the server keeps the tombstone.
export async function deleteRecord(type, id) {
  const d = await db();
  const tx = writing(d, ['records', 'outbox'], STRICT);
  const rs = tx.objectStore('records');
  const ob = tx.objectStore('outbox');
  const rec = await rs.get([type, id]);
  if (!rec || rec.deleted) {
    await tx.done;
    return null;
  }
  const earlier = await opsOf(ob, type, id);
  const op = {
    op_id: makeUuid(),
    type,
    id,
    base_version: earlier.length ? null : rec.version,
    chained: earlier.length > 0,
    set: {},
    unset: [],
    delete: true,
    recorded_at: isoLocal(),
    state: 'pending',
    error: null,
  };
  await ob.put(op);
  await rs.put({ ...rec, server: rec.server ?? (rec.version ? rec.data : null), deleted: true });
  await tx.done;
  return op;
}

export async function getRecord(type, id) {
  return (await db()).get('records', [type, id]);
}

export async function households(village, group) {
  const d = await db();
  if (group) return d.getAllFromIndex('records', 'group', ['household', village, group]);
  return d.getAllFromIndex('records', 'village', ['household', village]);
}

// A village's households, read once until the next write (db.js writing) for the screens
// that ask in turn: the home's worklist, then the household list a tap later. A read of
// 2,000 households costs a slow phone (4x CPU) ~60 ms of its main thread and ~150 ms in all.
// The records are shared: callers read them and never change them.
let held = { generation: -1, reads: new Map() };

export function villageHouseholds(village) {
  const generation = readGeneration();
  if (held.generation !== generation) held = { generation, reads: new Map() };
  const reads = held.reads;
  let rows = reads.get(village);
  if (!rows) {
    rows = households(village);
    rows.catch(() => reads.get(village) === rows && reads.delete(village)); // a failed read is not kept
    reads.set(village, rows);
  }
  return rows;
}

// Every record of a type filed under a village (a child is filed under its parent's).
export async function villageRecords(type, village) {
  return (await db()).getAllFromIndex('records', 'village', [type, village]);
}

// Households per group, counted by the index (no record is read).
export async function groupCounts(village, groups) {
  const d = await db();
  const out = {};
  for (const g of groups) out[g] = await d.countFromIndex('records', 'group', ['household', village, g]);
  out.all = await d.countFromIndex('records', 'village', ['household', village]);
  return out;
}

export async function childrenOf(type, householdId) {
  const d = await db();
  return d.getAllFromIndex('records', 'hh', [type, householdId]);
}

export async function conflictsOf(recordIds) {
  const d = await db();
  const out = [];
  for (const id of recordIds) out.push(...(await d.getAllFromIndex('conflicts', 'record', id)));
  return out;
}

// Resolutions that did not keep this phone's value (sync.js makes them), optionally of one
// household and its members; each is kept until the cadre taps 知道了.
export async function notices(hh) {
  const all = (await getMeta('notices')) || [];
  return hh ? all.filter((n) => n.hh === hh) : all;
}

export async function dismissNotice(id) {
  const d = await db();
  const tx = d.transaction('meta', 'readwrite', STRICT);
  const all = (await tx.store.get('notices')) || [];
  await tx.store.put(all.filter((n) => n.id !== id), 'notices');
  await tx.done;
}

export async function outboxAll() {
  return (await db()).getAll('outbox');
}

export async function counts() {
  const ops = await outboxAll();
  return { pending: ops.filter((o) => o.state !== 'rejected').length, rejected: ops.filter((o) => o.state === 'rejected').length };
}

export async function recordIdsWithOps() {
  const ops = await outboxAll();
  return new Set(ops.map((o) => o.id));
}

// Send a rejected op again as it is (a new op_id, or the server would repeat its verdict).
export async function retryOp(seq) {
  const d = await db();
  const tx = writing(d, 'outbox', STRICT);
  const op = await tx.store.get(seq);
  if (op && op.state === 'rejected') await tx.store.put({ ...op, op_id: makeUuid(), state: 'pending', error: null });
  await tx.done;
}

// Drop an op by the cadre's explicit choice. A dropped create takes the record's later
// ops with it (they cannot apply to a record the server never had).
export async function discardOp(seq) {
  const d = await db();
  const tx = writing(d, ['records', 'outbox'], STRICT);
  const rs = tx.objectStore('records');
  const ob = tx.objectStore('outbox');
  const op = await ob.get(seq);
  if (!op) return tx.done;
  const rec = await rs.get([op.type, op.id]);
  let rest = (await opsOf(ob, op.type, op.id)).filter((o) => o.seq !== seq);
  if (!rec || !rec.version) {
    if (op.base_version === null && !op.chained) {
      await ob.delete(seq); // the create itself too, or it would still go up alone
      for (const o of rest) await ob.delete(o.seq);
      rest = [];
      await rs.delete([op.type, op.id]);
      return tx.done;
    }
  }
  // The next op of the chain now starts from what the server has.
  if (rest.length && rest[0].chained && op.seq < rest[0].seq) {
    const head = rest[0];
    const isHead = !(await opsOf(ob, op.type, op.id)).some((o) => o.seq < op.seq);
    if (isHead) await ob.put({ ...head, chained: false, base_version: rec?.version || null });
  }
  await ob.delete(seq);
  // a dropped delete brings the record back (unless another delete waits)
  const deleted = op.delete ? rest.some((o) => o.delete) : rec?.deleted;
  if (rec) await rs.put({ ...rec, deleted, data: fold(rec.server, rest) || rec.data, server: rest.length ? rec.server : null });
  return tx.done;
}

