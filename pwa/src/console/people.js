// People and devices (admin): create and disable accounts, assign villages or townships,
// reset a password; each user's devices with last sync and clock skew; revoke a device —
// its tokens die at once and its next sync is refused with a message the phone shows — or
// restore one stopped by mistake, so its user logs in on it again and its outbox goes up.
import { useState } from 'preact/hooks';
import { html, Field, Text, Select } from '../ui/common.js';
import { useApp, toast } from '../state.js';
import { agent, Failure, forget, get, patch, post, ROLE, skewText, townships, useApi, villageName, when } from './data.js';

const USERNAME_RE = /^[A-Za-z0-9_.-]{2,64}$/;

function duty(u, villages) {
  if (u.role === 'admin') return '全县';
  if (u.role === 'supervisor') {
    if (u.county_wide || !u.township_codes.length) return '全县';
    return u.township_codes.map((t) => villages.find((v) => v.township_code === t)?.township_name || t).join('、');
  }
  return u.village_codes.map((c) => villageName(villages, c)).join('、') || '—';
}

// Villages (a cadre) or townships (a supervisor; none ticked = the whole county).
function Assign({ role, villages, value, onChange }) {
  const cur = value || [];
  const toggle = (k) => onChange(cur.includes(k) ? cur.filter((x) => x !== k) : [...cur, k]);
  const chip = (k, label) => html`<label class=${'chip' + (cur.includes(k) ? ' on' : '')}>
    <input type="checkbox" name="assign" value=${k} checked=${cur.includes(k)} onChange=${() => toggle(k)} />${label}</label>`;
  if (role === 'cadre') {
    return html`<div class="assign">${townships(villages).map(
      (t) => html`<div><span class="lab">${t.name}</span><div class="checks">${t.villages.map((v) => chip(v.code, v.name))}</div></div>`,
    )}</div>`;
  }
  if (role === 'supervisor') {
    return html`<div class="checks">${townships(villages).map((t) => chip(t.code, t.name))}</div>
      <span class="sub">不选乡镇 = 负责全县</span>`;
  }
  return html`<span class="sub">县管理员负责全县</span>`;
}

function NewUser({ onDone }) {
  const { villages } = useApp();
  const [f, setF] = useState({ username: '', password: '', role: 'cadre', display_name: '', phone: '', codes: [] });
  const [error, setError] = useState('');
  const set = (k) => (v) => setF({ ...f, [k]: v, ...(k === 'role' ? { codes: [] } : {}) });
  async function submit(e) {
    e.preventDefault();
    if (!USERNAME_RE.test(f.username)) return setError('用户名为 2–64 位字母、数字、点、下划线或短横线');
    if (f.password.length < 8) return setError('密码至少 8 位');
    if (f.role === 'cadre' && !f.codes.length) return setError('驻村干部至少分配一个村');
    setError('');
    try {
      const u = await post('/api/v1/users', {
        username: f.username,
        password: f.password,
        role: f.role,
        display_name: f.display_name,
        phone: f.phone,
        villages: f.role === 'cadre' ? f.codes : [],
        townships: f.role === 'supervisor' ? f.codes : [],
      });
      forget('names');
      toast(`已创建账号 ${u.username}`);
      onDone(u);
    } catch (err) {
      setError(err.message);
    }
  }
  return html`<form class="card form" onSubmit=${submit} data-testid="new-user">
    <h2>新建账号</h2>
    <div class="cols">
      <${Field} label="用户名"><${Text} name="username" value=${f.username} onInput=${set('username')} autocomplete="off" /><//>
      <${Field} label="初始密码（至少 8 位）"><${Text} name="password" type="password" value=${f.password} onInput=${set('password')} autocomplete="new-password" /><//>
      <${Field} label="角色"><${Select} name="role" blank=${false} value=${f.role} onChange=${set('role')} options=${Object.entries(ROLE)} /><//>
      <${Field} label="姓名"><${Text} name="display_name" value=${f.display_name} onInput=${set('display_name')} /><//>
      <${Field} label="电话"><${Text} name="phone" type="tel" value=${f.phone} onInput=${set('phone')} /><//>
    </div>
    <${Field} label=${f.role === 'cadre' ? '负责的村' : f.role === 'supervisor' ? '负责的乡镇' : '范围'}>
      <${Assign} role=${f.role} villages=${villages} value=${f.codes} onChange=${set('codes')} />
    <//>
    ${error ? html`<p class="err" data-testid="form-error">${error}</p>` : null}
    <div class="actions"><button type="button" onClick=${() => onDone(null)}>取消</button><button class="primary" type="submit">创建</button></div>
  </form>`;
}

export function People({ user }) {
  const { villages } = useApp();
  const res = useApi(() => get('/api/v1/users'), []);
  const [role, setRole] = useState('');
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  if (user.role !== 'admin' && !res.error) return html`<p class="empty">正在读取…</p>`;
  const users = (res.data || []).filter(
    (u) => (!role || u.role === role) && (!q || u.username.includes(q) || (u.display_name || '').includes(q)),
  );
  return html`<section class="card">
      <h2>人员与设备</h2>
      <div class="filters">
        <label>角色<${Select} name="role" blank=${false} value=${role} onChange=${(v) => setRole(v || '')} options=${[['', '全部角色'], ...Object.entries(ROLE)]} /></label>
        <label>查找<input type="search" name="q" value=${q} onInput=${(e) => setQ(e.currentTarget.value)} placeholder="用户名或姓名" /></label>
        ${res.data && !creating ? html`<button class="primary" onClick=${() => setCreating(true)}>＋ 新建账号</button>` : null}
      </div>
      <${Failure} error=${res.error} />
    </section>
    ${creating ? html`<${NewUser} onDone=${(u) => { setCreating(false); if (u) res.reload(); }} />` : null}
    ${res.data
      ? html`<div class="scroll"><table class="grid" data-testid="users">
          <thead><tr><th>用户名</th><th>姓名</th><th>角色</th><th>负责</th><th>电话</th><th>设备</th><th>上次同步</th><th>状态</th></tr></thead>
          <tbody>${users.map(
            (u) => html`<tr data-testid="user-row" data-username=${u.username} class=${u.is_active ? '' : 'off'}
              onClick=${() => (location.hash = `#/console/people/${u.id}`)}>
              <td><a href=${`#/console/people/${u.id}`}>${u.username}</a></td><td>${u.display_name}</td><td>${ROLE[u.role] || u.role}</td>
              <td class="wrap">${duty(u, villages)}</td><td>${u.phone || '—'}</td><td class="num">${u.devices}</td>
              <td>${when(u.last_sync_at)}</td><td>${u.is_active ? '启用' : html`<i class="tag bad">已停用</i>`}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : null}`;
}

function Devices({ userId }) {
  const res = useApi(() => get('/api/v1/devices', { user_id: userId }), [userId]);
  const [busy, setBusy] = useState(0);
  async function act(d, action, question, done) {
    if (!confirm(question)) return;
    setBusy(d.id);
    try {
      await post(`/api/v1/devices/${d.id}/${action}`);
      forget('names');
      toast(done);
      res.reload();
    } catch (e) {
      toast(e.message);
    } finally {
      setBusy(0);
    }
  }
  const short = (d) => d.device_id.slice(0, 8);
  const revoke = (d) =>
    act(d, 'revoke', `停用设备 ${short(d)}？\n此设备立即退出登录，再同步时会被拒绝；手机上未同步的修改保留在手机上。`, '已停用此设备');
  const restore = (d) =>
    act(d, 'restore', `恢复设备 ${short(d)}？\n恢复后需在此设备上重新输入密码登录，登录后手机上保留的修改会同步上来。`, '已恢复此设备');
  return html`<section class="card">
    <h2>设备</h2>
    <${Failure} error=${res.error} />
    ${res.data?.length
      ? html`<div class="scroll"><table class="grid" data-testid="devices">
          <thead><tr><th>设备编号</th><th>机型</th><th>登记</th><th>最近联网</th><th>上次同步</th><th>时钟偏差</th><th>状态</th><th></th></tr></thead>
          <tbody>${res.data.map(
            (d) => html`<tr data-testid="device-row" data-device=${d.device_id} class=${d.revoked_at ? 'off' : ''}>
              <td class="mono" title=${d.device_id}>${d.device_id.slice(0, 8)}</td><td title=${d.user_agent}>${agent(d.user_agent || '') || '—'}</td>
              <td>${when(d.created_at)}</td><td>${when(d.last_seen_at)}</td><td>${when(d.last_sync_at)}</td>
              <td class=${d.clock_skew_s != null && Math.abs(d.clock_skew_s) > 300 ? 'err' : ''}>${skewText(d.clock_skew_s)}</td>
              <td>${d.revoked_at ? html`<i class="tag bad">已停用 ${when(d.revoked_at)}</i>` : '使用中'}</td>
              <td>${d.revoked_at
                ? html`<button disabled=${busy === d.id} onClick=${() => restore(d)}>恢复此设备</button>`
                : html`<button class="danger" disabled=${busy === d.id} onClick=${() => revoke(d)}>停用此设备</button>`}</td>
            </tr>`,
          )}</tbody></table></div>`
      : res.data
        ? html`<p class="sub">还没有登录过的设备</p>`
        : null}
  </section>`;
}

// The person, then their devices (停用此设备 is what an admin comes here for, often), the
// password, and last the assignment, whose hundreds of village boxes open on demand.
export function PersonView({ id, user }) {
  const { villages } = useApp();
  const res = useApi(() => get('/api/v1/users'), [id]);
  const u = res.data?.find((x) => x.id === id);
  const [edit, setEdit] = useState(null);
  const [codes, setCodes] = useState(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  if (!u) {
    return html`<p class="crumbs"><a href="#/console/people">‹ 人员与设备</a></p>
      ${res.error ? html`<${Failure} error=${res.error} />` : res.data ? html`<p class="empty">没有这个账号</p>` : html`<p class="empty">正在读取…</p>`}`;
  }
  const form = edit || { display_name: u.display_name, phone: u.phone };
  const assigned = codes || (u.role === 'cadre' ? u.village_codes : u.township_codes);
  async function save(body, done) {
    setError('');
    try {
      await patch(`/api/v1/users/${id}`, body);
      forget('names');
      toast(done);
      setEdit(null);
      setCodes(null);
      res.reload();
    } catch (e) {
      setError(e.message);
    }
  }
  async function reset(e) {
    e.preventDefault();
    if (password.length < 8) return setError('新密码至少 8 位');
    setError('');
    try {
      await post(`/api/v1/users/${id}/password`, { password });
      setPassword('');
      toast('密码已重置；此人的手机需用新密码重新登录');
    } catch (err) {
      setError(err.message);
    }
  }
  const self = u.id === user.id;
  return html`<p class="crumbs"><a href="#/console/people">‹ 人员与设备</a></p>
    <section class="card" data-testid="person">
      <h2>${u.display_name || u.username} <span class="sub">${u.username} · ${ROLE[u.role] || u.role}</span>
        ${u.is_active ? null : html`<i class="tag bad">已停用</i>`}</h2>
      ${error ? html`<p class="err" data-testid="form-error">${error}</p>` : null}
      <div class="cols">
        <${Field} label="姓名"><${Text} name="display_name" value=${form.display_name} onInput=${(v) => setEdit({ ...form, display_name: v })} /><//>
        <${Field} label="电话"><${Text} name="phone" type="tel" value=${form.phone} onInput=${(v) => setEdit({ ...form, phone: v })} /><//>
      </div>
      <div class="actions">
        <button disabled=${!edit} onClick=${() => save(form, '已保存')}>保存资料</button>
        ${self
          ? null
          : u.is_active
            ? html`<button class="danger" onClick=${() => confirm(`停用账号 ${u.username}？此人的所有设备将不能再同步。`) && save({ is_active: false }, '账号已停用')}>停用账号</button>`
            : html`<button onClick=${() => save({ is_active: true }, '账号已启用')}>启用账号</button>`}
      </div>
    </section>
    <${Devices} userId=${id} />
    <form class="card" onSubmit=${reset}>
      <h2>重置密码</h2>
      <${Field} label="新密码（至少 8 位）"><${Text} name="new_password" type="password" value=${password} onInput=${setPassword} autocomplete="new-password" /><//>
      <div class="actions"><button type="submit">重置密码</button></div>
      <p class="sub">重置后，此人所有手机上的登录失效，需用新密码重新登录；手机上未同步的修改不受影响。</p>
    </form>
    ${u.role === 'admin'
      ? null
      : html`<section class="card" data-testid="assignment">
          <h2>${u.role === 'cadre' ? '负责的村' : '负责的乡镇'}</h2>
          <p>${duty({ ...u, village_codes: assigned, township_codes: assigned }, villages)}</p>
          <details open=${!!codes}>
            <summary class="button">修改分配</summary>
            <${Assign} role=${u.role} villages=${villages} value=${assigned} onChange=${setCodes} />
            <div class="actions">
              <button disabled=${!codes || (u.role === 'cadre' && !codes.length)}
                onClick=${() => save(u.role === 'cadre' ? { villages: codes } : { townships: codes }, '分配已保存；此人的手机下次同步时更新')}>保存分配</button>
            </div>
          </details>
        </section>`}`;
}
