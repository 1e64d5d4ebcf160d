// Unit tests of the pull path (pwa/src/sync.js pull): what a page writes to the phone's store,
// now that a page is written without one awaited request per record. A child is filed under
// its parent's village whether the parent came in an earlier page, the same page, or was on
// the phone before; the phone's waiting ops stay on top; a newer copy here is kept; the
// progress carries the server's count. `node --test pwa/test/*.test.js`.
import { server } from './fake.js';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { db, getMeta, setMeta } from '../src/db.js';
import { loadSchema } from '../src/schema.js';
import { deleteRecord, getRecord, saveRecord } from '../src/store.js';
import { pull } from '../src/sync.js';

const SCHEMA = {
  version: 't',
  types: {
    household: { scope: { village_field: 'village_code' } },
    member: { scope: { parent: { type: 'household', field: 'household_id' } } },
  },
};

beforeEach(async () => {
  await setMeta('schema', SCHEMA);
  await loadSchema();
});

const hh = (id, village = '4200', version = 1) => ({
  type: 'household', id, version, deleted: false, has_conflict: false,
  data: { village_code: village, group_code: `${village}01`, head_name: `户${id}` },
});
const member = (id, household, version = 1) => ({
  type: 'member', id, version, deleted: false, has_conflict: false,
  data: { household_id: household, name: `人${id}` },
});

// The server's answers, one page per call; the first with the count of what follows.
function serve(pages) {
  server.handle = (req) => {
    const url = new URL(req.url, 'http://x');
    const i = Number(url.searchParams.get('cursor') || 0);
    const records = pages[i];
    const rest = pages.slice(i + 1).reduce((n, p) => n + p.length, 0);
    return {
      json: {
        records,
        cursor: String(i + 1),
        more: i + 1 < pages.length,
        ...(i === 0 ? { scope: ['4200', '4201'], reset: false, remaining: rest } : {}),
      },
    };
  };
}

test('a first pull files children under the village of parents from earlier pages and the same page', async () => {
  serve([
    [hh('h1'), hh('h2', '4201'), member('m1', 'h1')],
    [member('m2', 'h2'), hh('h3'), member('m3', 'h3')],
  ]);
  const seen = [];
  const { pulled } = await pull((p) => seen.push(p));
  assert.equal(pulled, 6);
  assert.deepEqual(seen.map((p) => [p.pulled, p.total, p.more]), [[3, 6, true], [6, 6, false]]);
  const d = await db();
  assert.equal(await d.count('records'), 6);
  const where = async (t, id) => {
    const r = await getRecord(t, id);
    return [r.village, r.hh, r.version];
  };
  assert.deepEqual(await where('member', 'm1'), ['4200', 'h1', 1]);
  assert.deepEqual(await where('member', 'm2'), ['4201', 'h2', 1]);
  assert.deepEqual(await where('member', 'm3'), ['4200', 'h3', 1]);
  assert.equal(await getMeta('cursor'), '2');
});

test('a later pull: parents already on the phone, waiting ops on top, a newer copy here kept, deletes', async () => {
  serve([[hh('h1'), hh('h2'), member('m1', 'h1')]]);
  await pull();
  await saveRecord('household', 'h1', { head_name: '改过的' }); // an op waits for h1
  const d = await db();
  await d.put('records', { ...(await getRecord('household', 'h2')), version: 9 }); // newer here
  await deleteRecord('member', 'm1'); // a delete waits for m1
  await setMeta('cursor', '');
  serve([
    [
      hh('h1', '4200', 2),
      hh('h2', '4200', 3),
      member('m2', 'h1', 1), // its parent only in the store
      { type: 'member', id: 'm1', version: 2, deleted: true, has_conflict: false, data: null },
      { ...hh('h4'), has_conflict: true },
    ],
  ]);
  await pull();
  const h1 = await getRecord('household', 'h1');
  assert.equal(h1.version, 2);
  assert.equal(h1.data.head_name, '改过的'); // the server's copy below the waiting op
  assert.equal(h1.server.head_name, '户h1');
  assert.equal((await getRecord('household', 'h2')).version, 9);
  assert.equal((await getRecord('member', 'm2')).village, '4200');
  const m1 = await getRecord('member', 'm1'); // kept, marked deleted, while its op waits
  assert.equal(m1.deleted, true);
  assert.equal(m1.version, 2);
  assert.deepEqual(await getMeta('flagged'), ['h4']);
});

test('a tombstone with no waiting op removes the record', async () => {
  serve([[hh('h1'), member('m1', 'h1')], [{ type: 'member', id: 'm1', version: 2, deleted: true, has_conflict: false, data: null }]]);
  await pull();
  assert.equal(await getRecord('member', 'm1'), undefined);
  assert.equal((await getRecord('household', 'h1')).village, '4200');
});

test('a first pull keeps on top an op saved while it ran, and the server\'s copy below it', async () => {
  serve([[hh('h1'), hh('h2')], [hh('h1', '4200', 2), hh('h3')]]);
  const handle = server.handle;
  let saved = null;
  server.handle = (req) => {
    // the cadre edits h1 while the second page is on its way (page one is being stored)
    if (new URL(req.url, 'http://x').searchParams.get('cursor') === '1') {
      saved = saveRecord('household', 'h1', { head_name: '改过的' });
    }
    return handle(req);
  };
  await pull();
  await saved;
  const h1 = await getRecord('household', 'h1');
  assert.equal(h1.version, 2);
  assert.equal(h1.data.head_name, '改过的');
  assert.equal(h1.server.head_name, '户h1');
  assert.equal((await getRecord('household', 'h3')).village, '4200');
  assert.equal(await getMeta('cursor'), '2');
});

test('a page that fails is not followed by the next: the cursor stays at the last page stored', async () => {
  const bad = { ...hh('x'), id: {} }; // not a key IndexedDB can store
  serve([[hh('h1')], [bad], [hh('h3')]]);
  await assert.rejects(pull());
  assert.equal(await getMeta('cursor'), '1');
  assert.ok(await getRecord('household', 'h1'));
  assert.equal(await getRecord('household', 'h3'), undefined); // asked for ahead, never stored
  // the next sync pulls again from the page that failed
  serve([[hh('h1')], [hh('h2')], [hh('h3')]]);
  const seen = [];
  await pull((p) => seen.push(p.pulled));
  assert.deepEqual(seen, [1, 2]);
  assert.ok(await getRecord('household', 'h2'));
  assert.ok(await getRecord('household', 'h3'));
  assert.equal(await getMeta('cursor'), '3');
});
