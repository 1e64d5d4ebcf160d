import { useState } from 'preact/hooks';
import { html, Field, Text } from './common.js';
import { useApp, setState } from '../state.js';
import { login, NetworkError } from '../api.js';
import { db, getMeta, writing } from '../db.js';
import { sync, refreshProfile } from '../sync.js';

// A different cadre on this phone: the old one's records go, but never a waiting change.
async function switchUser(username) {
  const prev = await getMeta('user');
  if (!prev || prev.username === username) return '';
  const d = await db();
  if ((await d.count('outbox')) > 0) {
    return `本机还有 ${prev.username} 未同步的修改，请先用该账号登录并同步`;
  }
  const tx = writing(d, ['records', 'conflicts', 'meta']);
  await tx.objectStore('records').clear();
  await tx.objectStore('conflicts').clear();
  for (const k of ['cursor', 'user', 'villages', 'last_sync']) await tx.objectStore('meta').delete(k);
  await tx.objectStore('meta').delete(IDBKeyRange.bound('sv:', 'sv:\uffff')); // a supervisor's rounds and reports
  await tx.done;
  setState({ lastSync: null, user: null, villages: [] });
  return '';
}

export function Login() {
  const s = useApp();
  const [username, setUsername] = useState(s.user?.username || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e) {
    e.preventDefault();
    if (!username || !password) return setError('请输入用户名和密码');
    setBusy(true);
    setError('');
    try {
      const refuse = await switchUser(username.trim());
      if (refuse) return setError(refuse);
      await login(username.trim(), password);
      await refreshProfile();
      setState({ auth: 'in', loginReason: '', revoked: false });
      navigator.storage?.persist?.().catch(() => {});
      sync('login');
    } catch (err) {
      if (err.code === 'device_revoked') return setState({ revoked: true, loginReason: err.message });
      setError(err instanceof NetworkError ? '无法连接服务器：首次登录需要有网络' : err.message);
    } finally {
      setBusy(false);
    }
  }

  const waiting = s.pending + s.rejected;
  return html`<form class="login" onSubmit=${submit}>
    <h1>民情</h1>
    <p class="sub">驻村干部走访与家庭档案</p>
    ${s.revoked
      ? html`<div class="alert" role="alert" data-testid="device-revoked">
          <b>${s.loginReason || '此设备已被管理员停用，请联系县管理员'}</b>
          ${waiting ? html`<p>本机 ${waiting} 条未同步的修改仍保存在本机，没有删除。请联系县管理员：管理员恢复此设备后，在这里重新登录即可上传。</p>` : null}
        </div>`
      : s.loginReason ? html`<p class="notice" data-testid="login-reason">${s.loginReason}</p>` : null}
    ${waiting && !s.revoked
      ? html`<p class="notice">本机有 ${waiting} 条修改尚未同步，已安全保存；登录后会自动上传。</p>`
      : null}
    <${Field} label="用户名"><${Text} name="username" value=${username} onInput=${setUsername} autocomplete="username" autocapitalize="off" /><//>
    <${Field} label="密码"><${Text} name="password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password" /><//>
    ${error ? html`<p class="err" data-testid="login-error">${error}</p>` : null}
    <button class="primary" type="submit" disabled=${busy}>${busy ? '正在登录…' : '登录'}</button>
  </form>`;
}
