// Unit tests of the phone's sync (pwa/src/sync.js) under Node's test runner: a refused batch
// halved until the op at fault is found, and the lost-value notices of resolved conflicts.
// `node --test pwa/test/*.test.js` (run by `make test`); fake.js supplies IndexedDB and the server.
import { applied, pushes, server } from './fake.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceId, getMeta, setMeta } from '../src/db.js';
import { dismissNotice, notices, outboxAll, saveRecord } from '../src/store.js';
import { fetchConflicts, lostFields, push } from '../src/sync.js';

const household = (i) => ({ village_code: '4200', group_code: '01', head_name: `户${i}` });

async function fiveCreates() {
  for (let i = 0; i < 5; i++) await saveRecord('household', `h${i}`, household(i));
}

test('a batch refused with 422 is halved until the one op at fault stands alone, rejected', async () => {
  await fiveCreates();
  server.handle = (req, body) =>
    body.ops.some((o) => o.set.head_name === '户3')
      ? { status: 422, json: { error: 'validation_error', detail: [{ msg: '户主姓名不合格' }] } }
      : applied(body);
  assert.equal(await push(), 4);
  assert.deepEqual(pushes().map((ops) => ops.length), [5, 3, 2, 1, 1]);
  const left = await outboxAll();
  assert.deepEqual(
    left.map((o) => [o.id, o.state, o.error.code, o.error.message]),
    [['h3', 'rejected', 'validation_error', '户主姓名不合格']],
  );
});

test('a batch refused with 413 is halved until each part goes through', async () => {
  await fiveCreates();
  server.handle = (req, body) => (body.ops.length > 2 ? { status: 413, json: { error: 'too_large', detail: '请求过大' } } : applied(body));
  assert.equal(await push(), 5);
  assert.deepEqual(pushes().map((ops) => ops.length), [5, 3, 2, 1, 2]);
  assert.deepEqual(await outboxAll(), []);
});

test('any other refusal is not split: the ops wait as they were', async () => {
  await fiveCreates();
  server.handle = () => ({ status: 500, json: { error: 'internal', detail: '服务器错误' } });
  await assert.rejects(push(), { status: 500 });
  assert.deepEqual(pushes().map((ops) => ops.length), [5]);
  assert.deepEqual((await outboxAll()).map((o) => o.state), Array(5).fill('pending'));
});

const ME = 'phone-me';

// A resolved conflict on one field: `mine` is the side this phone sent, `choice` the reviewer's.
function resolved(id, { mine = 'incoming', choice = 'stored', value, stored = 1000, incoming = 2000 } = {}) {
  const final = value !== undefined ? value : choice === 'stored' ? stored : incoming;
  return {
    id,
    type: 'household',
    record_id: 'h1',
    status: 'resolved',
    incoming: { device_id: mine === 'incoming' ? ME : 'other' },
    fields: { income: { stored, incoming, stored_by: { device_id: mine === 'stored' ? ME : 'other' } } },
    resolution: { fields: { income: { choice, value: final } } },
    resolved_at: `2026-11-2${id.slice(-1)}T08:00:00Z`,
    resolved_by_name: '王书记',
  };
}

test('lostFields: only the fields where the value this phone sent did not stand', () => {
  assert.deepEqual(lostFields(resolved('c1'), ME), [{ field: 'income', mine: 2000, final: 1000 }]);
  assert.deepEqual(lostFields(resolved('c1', { choice: 'incoming' }), ME), []);
  assert.deepEqual(lostFields(resolved('c1', { mine: 'stored', choice: 'incoming' }), ME), [
    { field: 'income', mine: 1000, final: 2000 },
  ]);
  // a typed value equal to ours keeps it; another does not
  assert.deepEqual(lostFields(resolved('c1', { choice: 'value', value: 2000 }), ME), []);
  assert.deepEqual(lostFields(resolved('c1', { choice: 'value', value: 1500 }), ME), [
    { field: 'income', mine: 2000, final: 1500 },
  ]);
  // a conflict between two other phones is none of this one's business
  assert.deepEqual(lostFields(resolved('c1'), 'someone-else'), []);
});

test('a resolution that did not keep this phone\'s value becomes one notice, kept until dismissed', async () => {
  const d = await import('../src/db.js').then((m) => m.db());
  await d.put('meta', ME, 'device_id');
  assert.equal(await deviceId(), ME);
  await d.put('records', { type: 'household', id: 'h1', version: 2, data: { head_name: '张三' }, village: '4200', grp: '01', hh: '' });
  await setMeta('resolved_after', '2026-11-01T00:00:00Z');
  let items = [resolved('c1'), resolved('c2', { choice: 'incoming' })];
  server.handle = (req) => {
    const url = new URL(req.url, 'http://x');
    if (url.searchParams.get('status') !== 'resolved') return { json: { items: [], total: 0 } };
    const after = url.searchParams.get('resolved_after');
    const page = items.filter((c) => c.resolved_at > after);
    return { json: { items: page, total: page.length } };
  };
  await fetchConflicts();
  const [n] = await notices();
  assert.deepEqual(
    { id: n.id, hh: n.hh, name: n.name, by: n.by, fields: n.fields },
    { id: 'c1', hh: 'h1', name: '张三', by: '王书记', fields: [{ field: 'income', mine: 2000, final: 1000 }] },
  );
  assert.equal((await notices()).length, 1); // c2 kept this phone's value: no notice
  assert.equal(await getMeta('resolved_after'), resolved('c2').resolved_at);
  // asked again from the mark: nothing new, nothing twice
  await fetchConflicts();
  assert.equal((await notices('h1')).length, 1);
  assert.deepEqual(await notices('other-household'), []);
  await dismissNotice('c1');
  assert.deepEqual(await notices(), []);
  items = [...items, resolved('c3')];
  await fetchConflicts();
  assert.deepEqual((await notices()).map((x) => x.id), ['c3']);
});
