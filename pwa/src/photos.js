// Visit photos on the phone: made small here, kept in IndexedDB with their visit, sent by tus.
// A measure's result photo is the same with another record type and parent (photoKind).
//
//   photos   id → {id, visit, type, blob, thumb, sha256, bytes, begun, uploaded, error, failed}
//            visit: the parent's id (a visit's, or a measure's); type: the record's, 'photo'
//                   when absent (photos kept before measure photos existed)
//            blob:  the JPEG to send (longest side 1600 px), dropped once the server has it
//            thumb: a small JPEG shown on the phone, kept (offline, after the upload too)
//
// A photo is a record (`photo`, its visit as parent) and its bytes: both are written in the
// transaction that saves the visit (store.js saveRecord's `more`), so the screen's 已保存
// covers the photo too and no photo is ever saved without its visit. The bytes go up after
// the records of the sync are acknowledged (sync.js), by a small tus 1.0 client: a cut
// upload resumes at the server's offset (HEAD), never from the start.
import { ApiError, request } from './api.js';
import { db, isoLocal, makeUuid } from './db.js';
import { entry } from './schema.js';

// The record types that carry photo bytes (backend/photos/records.py).
export const VISIT_PHOTO = 'photo';
export const MEASURE_PHOTO = 'measure_photo';
// A photo type as the server declares it: its parent, the field holding the parent's id, and
// how many a parent may have (3 a visit, 1 a measure) — read, never copied here.
export function photoKind(type) {
  const e = entry(type);
  return { type, parent: e?.scope?.parent?.type, field: e?.scope?.parent?.field, max: e?.max_per_parent ?? 0 };
}
// Under this much free space the camera is not offered: a photo that cannot be stored
// would be lost after the cadre took it.
export const LOW_SPACE = 20 * 1024 * 1024;
const SIDE = 1600;
const THUMB_SIDE = 240;
// A cut link loses at most one chunk (its checksum cannot be checked); each chunk costs a
// round trip. 128 KB: ~2.6 s at 400 kbit/s (bench/photo_bench.py).
const CHUNK = 128 * 1024;
const TUS = { 'Tus-Resumable': '1.0.0' };

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));

async function jpeg(bitmap, side, quality) {
  const k = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * k));
  canvas.height = Math.max(1, Math.round(bitmap.height * k));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', quality));
  if (!blob) throw new Error('无法处理这张照片');
  return { blob, width: canvas.width, height: canvas.height };
}

// A picked file → the photo to keep: downscaled, EXIF orientation applied (drawn upright,
// so the JPEG needs no orientation tag), its SHA-256 taken before it ever leaves the phone.
export async function preparePhoto(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    throw new Error('无法读取这张照片，请换一张');
  }
  try {
    const full = await jpeg(bitmap, SIDE, 0.75);
    const thumb = await jpeg(bitmap, THUMB_SIDE, 0.7);
    const sha256 = hex(await crypto.subtle.digest('SHA-256', await full.blob.arrayBuffer()));
    return {
      id: makeUuid(),
      blob: full.blob,
      thumb: thumb.blob,
      data: {
        sha256,
        mime: 'image/jpeg',
        bytes: full.blob.size,
        width: full.width,
        height: full.height,
        // a camera's file is made as the picture is taken; a gallery's keeps its own time
        taken_at: isoLocal(file.lastModified ? new Date(file.lastModified) : new Date()),
      },
    };
  } finally {
    bitmap.close();
  }
}

// For store.js saveRecord: the photos' records, their create ops and their bytes, written in
// the parent's own transaction (`tx` spans records, outbox and photos).
export function photosWith(parentId, photos, gps, type = VISIT_PHOTO) {
  const kind = photoKind(type);
  return {
    stores: ['photos'],
    async run(tx) {
      const rs = tx.objectStore('records');
      const village = (await rs.get([kind.parent, parentId]))?.village || '';
      for (const p of photos) {
        const data = { [kind.field]: parentId, ...p.data, gps: gps || null };
        const op = { op_id: makeUuid(), type: kind.type, id: p.id, base_version: null, set: data, unset: [], delete: false };
        await tx.objectStore('outbox').put({ ...op, recorded_at: isoLocal(), state: 'pending', error: null });
        await rs.put({ type: kind.type, id: p.id, version: 0, server: null, has_conflict: false, deleted: false, village, grp: '', hh: parentId, data });
        await tx.objectStore('photos').put({ id: p.id, visit: parentId, type: kind.type, blob: p.blob, thumb: p.thumb, sha256: data.sha256, bytes: data.bytes, uploaded: false, error: null });
      }
    },
  };
}

export async function photosOf(visitId) {
  return (await db()).getAllFromIndex('photos', 'visit', visitId);
}

// A visit's (a measure's) photos made on other phones: pulled records whose bytes this phone
// never had.
export async function othersOf(visitId, type = VISIT_PHOTO) {
  const d = await db();
  const mine = new Set((await photosOf(visitId)).map((p) => p.id));
  const recs = await d.getAllFromIndex('records', 'hh', [type, visitId]);
  return recs.filter((r) => !r.deleted && !mine.has(r.id)).map((r) => r.id);
}

// Keep a thumbnail fetched from the server, so it shows offline from then on.
export async function keepThumb(id, visit, thumb) {
  const tx = (await db()).transaction('photos', 'readwrite');
  if (!(await tx.store.get(id))) await tx.store.put({ id, visit, blob: null, thumb, uploaded: true, error: null });
  await tx.done;
}

// What the photos hold on this phone (settings: the storage estimate counts them).
export async function photoUsage() {
  const all = await (await db()).getAll('photos');
  const size = (b) => (b ? b.size : 0);
  return {
    count: all.length,
    waiting: all.filter((p) => !p.uploaded).length,
    bytes: all.reduce((n, p) => n + size(p.blob) + size(p.thumb), 0),
  };
}

// Free space, when the browser says (null when it does not).
export async function freeSpace() {
  if (!navigator.storage?.estimate) return null;
  const est = await navigator.storage.estimate();
  return est.quota - est.usage;
}

// ── the tus client ─────────────────────────────────────────────────────────────────────

const tus = (method, path, headers = {}, body) => request(method, path, body, { ...TUS, ...headers });
const offsetOf = (r) => Number(r.headers.get('Upload-Offset') || 0);

async function uploadOne(p) {
  const url = `/api/v1/photos/uploads/${p.id}`;
  let offset = null;
  if (p.begun) {
    // where an earlier, cut upload stopped (404: the server lost it; begin again)
    offset = await tus('HEAD', url).then(offsetOf, (e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
  }
  if (offset === null) {
    const meta = `photo_id ${btoa(p.id)}`;
    offset = offsetOf(await tus('POST', '/api/v1/photos/uploads', { 'Upload-Length': String(p.bytes), 'Upload-Metadata': meta }));
    await mark(p.id, { begun: true });
  }
  while (offset < p.bytes) {
    const chunk = await p.blob.slice(offset, offset + CHUNK).arrayBuffer();
    const sum = b64(await crypto.subtle.digest('SHA-256', chunk));
    const headers = { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Upload-Checksum': `sha256 ${sum}` };
    offset = offsetOf(await tus('PATCH', url, headers, chunk));
  }
  await mark(p.id, { blob: null, uploaded: true, error: null }); // the thumbnail stays
}

async function mark(id, change) {
  const tx = (await db()).transaction('photos', 'readwrite');
  const p = await tx.store.get(id);
  if (p) await tx.store.put({ ...p, ...change });
  await tx.done;
}

let uploading = null;

// Send the bytes of every photo whose record the server has acknowledged; one run at a time.
// A photo the server refuses keeps its words (shown under it); the others go on. A dropped
// link or a lost login ends the run: the next sync resumes from the server's offsets.
export function uploadPhotos() {
  if (!uploading) uploading = uploadAll().finally(() => (uploading = null));
  return uploading;
}

async function uploadAll() {
  const d = await db();
  let sent = 0;
  for (const p of await d.getAll('photos')) {
    if (p.uploaded || !p.blob || p.failed) continue;
    const rec = await d.get('records', [p.type || VISIT_PHOTO, p.id]);
    if (!rec) {
      // its record was discarded from the outbox (a create the server refused): the bytes
      // would never be accepted, and only take the phone's space
      await d.delete('photos', p.id);
      continue;
    }
    if (!rec.version) continue; // the record first: the server checks the bytes against it
    try {
      await uploadOne(p);
      sent++;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 409) throw e;
      // Refused for what the photo is (not an image, too big, not the record's): sending
      // it again would be refused again. A bad chunk (460) or a lost upload is tried again.
      await mark(p.id, { error: e.message, failed: [413, 415, 422].includes(e.status) });
    }
  }
  return sent;
}
