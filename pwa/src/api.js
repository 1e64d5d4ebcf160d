// Talking to the county server: bearer tokens, one refresh at a time, typed failures.
//
// Tokens rotate on every refresh and the server treats an old refresh token coming back as
// theft, so refreshes are single-flight and the newest pair is stored before it is used.
import { deviceId, getMeta, setMeta } from './db.js';

export class NetworkError extends Error {}
export class LoginNeeded extends Error {
  constructor(message, code = '') {
    super(message);
    this.code = code; // device_revoked: the phone says so, and keeps its outbox
  }
}
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || `服务器错误 ${status}`);
    this.status = status;
    this.code = code;
  }
}

const LOGIN_AGAIN = new Set(['refresh_invalid', 'refresh_reused', 'device_revoked', 'user_disabled', 'logged_out']);

async function send(method, path, body, token, extra = {}) {
  const headers = { Accept: 'application/json' };
  const raw = body instanceof ArrayBuffer; // a photo's bytes (photos.js), sent as they are
  if (body !== undefined && !raw) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  Object.assign(headers, extra);
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined || raw ? body : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new NetworkError('无法连接服务器（无信号或服务器未开）');
  }
}

async function errorOf(r) {
  let b = {};
  try {
    b = await r.json();
  } catch (e) {
    /* not JSON: a proxy's page */
  }
  let detail = b.detail;
  if (Array.isArray(detail)) detail = detail.map((d) => d.msg).join('；');
  return new ApiError(r.status, b.error || String(r.status), detail);
}

function keep(answer) {
  return {
    access_token: answer.access_token,
    refresh_token: answer.refresh_token,
    // a little early, so a slow link does not carry an expiring token
    expires_at: Date.now() + (answer.expires_in - 30) * 1000,
  };
}

export async function login(username, password) {
  const r = await send('POST', '/api/v1/auth/token', {
    username,
    password,
    device_id: await deviceId(),
    user_agent: navigator.userAgent.slice(0, 255),
  });
  if (!r.ok) throw await errorOf(r);
  const tokens = keep(await r.json());
  await setMeta('auth', tokens);
  return tokens;
}

let refreshing = null;

async function refreshNow(old) {
  const r = await send('POST', '/api/v1/auth/refresh', { refresh_token: old.refresh_token });
  if (r.ok) {
    const tokens = keep(await r.json());
    await setMeta('auth', tokens);
    return tokens;
  }
  const err = await errorOf(r);
  if (r.status === 401 || LOGIN_AGAIN.has(err.code)) {
    // The refresh token is dead: keep everything else (the outbox above all) and ask for a login.
    await setMeta('auth', null);
    throw new LoginNeeded(err.message, err.code);
  }
  throw err;
}

function refresh(old) {
  if (!refreshing) refreshing = refreshNow(old).finally(() => (refreshing = null));
  return refreshing;
}

async function tokens() {
  if (refreshing) await refreshing.catch(() => {});
  const t = await getMeta('auth');
  if (!t || !t.refresh_token) throw new LoginNeeded('请登录');
  if (t.expires_at && Date.now() > t.expires_at) return refresh(t);
  return t;
}

// The answer of a request that succeeded (an ApiError otherwise), a dead access token refreshed.
export async function request(method, path, body, extra) {
  let t = await tokens();
  let r = await send(method, path, body, t.access_token, extra);
  if (r.status === 401) {
    const err = await errorOf(r);
    if (LOGIN_AGAIN.has(err.code)) {
      await setMeta('auth', null);
      throw new LoginNeeded(err.message, err.code);
    }
    const now = await getMeta('auth');
    // Another request may have refreshed meanwhile: then use its token, else refresh.
    t = now && now.access_token !== t.access_token ? now : await refresh(t);
    r = await send(method, path, body, t.access_token, extra);
    if (r.status === 401) {
      const again = await errorOf(r);
      await setMeta('auth', null);
      throw new LoginNeeded(again.message, again.code);
    }
  }
  if (!r.ok) throw await errorOf(r);
  return r;
}

export async function api(method, path, body) {
  const r = await request(method, path, body);
  if (r.status === 204) return null;
  // the reports' charts are SVG
  return (r.headers.get('content-type') || '').includes('json') ? r.json() : r.text();
}
