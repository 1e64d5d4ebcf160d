// Unit tests of the phone's outbox and its sync (pwa/src/store.js, sync.js) under Node's test
// runner: `node --test pwa/test/` (run by `make test`). fake.js supplies IndexedDB and the server.
import { applied, pushes, server } from './fake.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { db } from '../src/db.js';
import { discardOp, getRecord, outboxAll, saveRecord } from '../src/store.js';
import { push } from '../src/sync.js';

const HH = { village_code: '4200', group_code: '01', head_name: '张三' };

// A household the server has at `version`, as a pull leaves it.
async function synced(id, version, data = HH) {
  const d = await db();
  await d.put('records', { type: 'household', id, version, server: null, data, deleted: false, has_conflict: false, village: data.village_code, grp: data.group_code, hh: '' });
}

// The op's key in the outbox (saveRecord answers the op as made, before the store numbers it).
const seqOf = async (op) => (await outboxAll()).find((o) => o.op_id === op.op_id).seq;

const line = async () => (await outboxAll()).map(({ base_version, chained, set }) => ({ base_version, chained, set }));

test('discarding the head of a chain: the next op starts from the version the phone has', async () => {
  await synced('h1', 3);
  const first = await saveRecord('household', 'h1', { head_name: '李四' });
  await saveRecord('household', 'h1', { head_name: '王五' });
  assert.deepEqual(await line(), [
    { base_version: 3, chained: false, set: { head_name: '李四' } },
    { base_version: null, chained: true, set: { head_name: '王五' } },
  ]);
  await discardOp(await seqOf(first));
  assert.deepEqual(await line(), [{ base_version: 3, chained: false, set: { head_name: '王五' } }]);
  const rec = await getRecord('household', 'h1');
  assert.equal(rec.data.head_name, '王五'); // the server's data with the op left on top
});

test('discarding an op in the middle keeps the later one chained to the head', async () => {
  await synced('h1', 3);
  await saveRecord('household', 'h1', { head_name: 'a' });
  const mid = await saveRecord('household', 'h1', { head_name: 'b' });
  await saveRecord('household', 'h1', { group_code: '02' });
  await discardOp(await seqOf(mid));
  assert.deepEqual(await line(), [
    { base_version: 3, chained: false, set: { head_name: 'a' } },
    { base_version: null, chained: true, set: { group_code: '02' } },
  ]);
  const rec = await getRecord('household', 'h1');
  assert.deepEqual([rec.data.head_name, rec.data.group_code], ['a', '02']);
});

test('discarding a create takes the record and its later ops with it', async () => {
  const create = await saveRecord('household', 'h2', HH);
  await saveRecord('household', 'h2', { head_name: '改' });
  await discardOp(await seqOf(create));
  assert.deepEqual(await outboxAll(), []);
  assert.equal(await getRecord('household', 'h2'), undefined);
});

test("an op's verdict rewires the next op of its record: its version becomes the base", async () => {
  await synced('h1', 3);
  await saveRecord('household', 'h1', { head_name: 'a' });
  await saveRecord('household', 'h1', { head_name: 'b' });
  let version = 3;
  server.handle = (req, body) => applied(body, ++version);
  assert.equal(await push(), 2);
  // one op of a record per batch: the second went only after the first's verdict
  assert.deepEqual(
    pushes().map((ops) => ops.map((o) => [o.base_version, o.set.head_name])),
    [[[3, 'a']], [[4, 'b']]],
  );
  assert.deepEqual(await outboxAll(), []);
  assert.equal((await getRecord('household', 'h1')).version, 5);
});

test('a rejected op holds its line: the chained op behind it waits, then follows a discard', async () => {
  await synced('h1', 3);
  const bad = await saveRecord('household', 'h1', { head_name: 'x'.repeat(60) });
  await saveRecord('household', 'h1', { head_name: 'b' });
  server.handle = (req, body) => ({
    json: { results: body.ops.map((o) => ({ op_id: o.op_id, status: 'rejected', id: o.id, error: { code: 'invalid', message: '户主姓名过长' } })) },
  });
  await push();
  assert.equal(pushes().length, 1);
  const [held, waiting] = await outboxAll();
  assert.deepEqual([held.state, held.error.message, waiting.state, waiting.chained], ['rejected', '户主姓名过长', 'pending', true]);
  await discardOp(await seqOf(bad));
  server.handle = (req, body) => applied(body, 4);
  await push();
  assert.deepEqual(pushes()[1].map((o) => [o.base_version, o.set.head_name]), [[3, 'b']]);
});
