// The phone's store: one IndexedDB database, one DB_VERSION, one upgrade function.
//
//   meta       key → value: device id, tokens, user, villages, pull cursor, last sync;
//                notices: resolutions that did not keep this phone's value, until dismissed
//                (resolved_after: the server's time of the last resolution seen)
//   records    [type, id] → {type, id, version, server, data, deleted, has_conflict, village, grp, hh}
//                version: the server's version (0 while the record exists only here)
//                data:    what the cadre sees = the server's data + the ops waiting in the outbox
//                server:  the server's data while ops wait (a discard returns to it), else null
//                village, grp, hh: where it is filed (indexes, schema.js placeOf): its
//                village (a child's is its parent's), its group, and its parent record
//                (a member's or a visit's household, a map element's map)
//   outbox     seq (auto) → an op of the sync contract, plus {state, error, chained}
//                state: "pending" | "rejected"; ops leave the store only on a verdict or
//                an explicit discard
//   conflicts  id → the server's conflict (both values of each field), by record_id
//   photos     id → a visit photo's bytes and thumbnail, by visit (photos.js)
import { openDB } from 'idb';

export const DB_NAME = 'minqing';
export const DB_VERSION = 3;

let dbPromise = null;

export async function upgrade(db, oldVersion, _newVersion, tx) {
  // Each step brings a database of version n to n + 1; a fresh one runs them all.
  if (oldVersion < 1) {
    db.createObjectStore('meta');
    const records = db.createObjectStore('records', { keyPath: ['type', 'id'] });
    records.createIndex('village', ['type', 'village']);
    records.createIndex('group', ['type', 'village', 'grp']);
    records.createIndex('hh', ['type', 'hh']);
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('record', ['type', 'id']);
    const conflicts = db.createObjectStore('conflicts', { keyPath: 'id' });
    conflicts.createIndex('record', 'record_id');
  }
  if (oldVersion < 2) {
    // Map elements were filed under their map as a group (grp) with no village; they are
    // filed under their parent (hh) and their map's village now, like every child record.
    const rs = tx.objectStore('records');
    let cur = await rs.openCursor(IDBKeyRange.bound(['map_element', ''], ['map_element', '\uffff']));
    while (cur) {
      const e = cur.value;
      if (!e.hh && e.grp) {
        const map = await rs.get(['condition_map', e.grp]);
        await cur.update({ ...e, hh: e.grp, grp: '', village: map?.village || '' });
      }
      cur = await cur.continue();
    }
  }
  if (oldVersion < 3) {
    db.createObjectStore('photos', { keyPath: 'id' }).createIndex('visit', 'visit');
  }
}

export function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, DB_VERSION, {
      upgrade,
      blocked() {},
      blocking() {
        // A newer version of the app wants to upgrade: let it.
        dbPromise?.then((d) => d.close());
        dbPromise = null;
      },
    });
  }
  return dbPromise;
}

// What the screens keep read in memory (store.js villageHouseholds) stands until the next
// write of records or the outbox, in this tab or another: each such transaction is made by
// `writing`, which moves `generation` here and in the other tabs of the app.
let generation = 0;
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('minqing-writes');
if (tabs) {
  tabs.onmessage = () => generation++;
  tabs.unref?.(); // under Node (pwa/test) an open channel would keep the process alive
}

export const readGeneration = () => generation;

export function writing(d, stores, options) {
  generation++;
  tabs?.postMessage(0);
  return d.transaction(stores, 'readwrite', options);
}

export async function getMeta(key) {
  return (await db()).get('meta', key);
}

export async function setMeta(key, value) {
  const d = await db();
  await d.put('meta', value, key);
}

export async function delMeta(key) {
  const d = await db();
  await d.delete('meta', key);
}

// UUIDv7 (RFC 9562): the first 48 bits are the time in ms, the rest random. Records and
// ops made one after another get ids that sort together, so the server's B-trees append
// them instead of scattering each batch over the whole county's index pages
// (bench/peer_bench.py: half the pages a push writes). Any UUID is still accepted.
export function makeUuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let t = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The phone's local time as ISO 8601 with its offset, e.g. 2026-11-20T18:02:11+08:00.
export function isoLocal(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    `${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`
  );
}

export async function deviceId() {
  const d = await db();
  const tx = d.transaction('meta', 'readwrite');
  let id = await tx.store.get('device_id');
  if (!id) {
    id = makeUuid();
    await tx.store.put(id, 'device_id');
  }
  await tx.done;
  return id;
}
