// What the sync core's Node tests run against (node --test pwa/test/): fake-indexeddb for
// the phone's store and a real HTTP server on 127.0.0.1 for the county server. Each test
// sets `server.handle(req, body) → {status, json}`; every request is kept in `server.seen`.
import 'fake-indexeddb/auto';
import http from 'node:http';
import { after, before, beforeEach } from 'node:test';
import { db, setMeta } from '../src/db.js';

export const server = { seen: [], handle: () => ({ status: 500, json: { error: 'no_handler' } }) };

const http_ = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const body = raw ? JSON.parse(raw) : undefined;
    server.seen.push({ method: req.method, url: req.url, body });
    const { status = 200, json = {} } = server.handle(req, body) || {};
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(json));
  });
});

// api.js fetches paths of its own origin ('/api/v1/…'): here they go to the test server.
const realFetch = globalThis.fetch;
before(async () => {
  await new Promise((ok) => http_.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${http_.address().port}`;
  globalThis.fetch = (path, init) => realFetch(new URL(path, base), init);
});
after(() => {
  globalThis.fetch = realFetch;
  http_.close();
});

// Every test starts from an empty store, logged in with a fresh access token.
beforeEach(async () => {
  const d = await db();
  for (const name of d.objectStoreNames) await d.clear(name);
  await setMeta('auth', { access_token: 'a', refresh_token: 'r', expires_at: Date.now() + 3600e3 });
  server.seen = [];
});

// The push requests the server saw, each as its ops' record ids.
export const pushes = () => server.seen.filter((r) => r.url === '/api/v1/sync/push').map((r) => r.body.ops);

export const applied = (body, version = 1) => ({
  json: { server_time: 'now', results: body.ops.map((o) => ({ op_id: o.op_id, status: 'applied', id: o.id, version })) },
});
