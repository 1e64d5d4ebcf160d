import { useState } from 'preact/hooks';
import { html, Header, useLoad } from './common.js';
import { deviceId, delMeta, getMeta } from '../db.js';
import { useApp, setState, toast } from '../state.js';
import { api } from '../api.js';
import { shortTime } from '../schema.js';
import { photoUsage } from '../photos.js';

const mb = (n) => (n / 1024 / 1024).toFixed(1) + ' MB';

async function load() {
  const est = navigator.storage?.estimate ? await navigator.storage.estimate() : null;
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  return { est, persisted, device: await deviceId(), skew: await getMeta('clock_skew_s'), photos: await photoUsage() };
}

export function Settings() {
  const s = useApp();
  const [tick, setTick] = useState(0);
  const info = useLoad(load, [tick]);
  async function persist() {
    const ok = navigator.storage?.persist ? await navigator.storage.persist() : false;
    toast(ok ? '已设为持久存储' : '浏览器未同意持久存储；安装到桌面后再试');
    setTick(tick + 1);
  }
  async function logout() {
    if (s.pending + s.rejected) return toast('还有未同步的修改，不能退出');
    if (!confirm('退出登录？本机数据保留，下次需联网登录。')) return;
    try {
      await api('POST', '/api/v1/auth/logout');
    } catch (e) {
      /* offline: the token is dropped here all the same */
    }
    await delMeta('auth');
    setState({ auth: 'login', loginReason: '' });
  }
  return html`<${Header} title="设置" back="/" />
    <section class="card">
      <h2>账号</h2>
      <dl class="facts">
        <dt>用户</dt><dd>${s.user ? `${s.user.display_name || ''} ${s.user.username}` : ''}</dd>
        <dt>设备编号</dt><dd class="mono">${info?.device}</dd>
        <dt>上次同步</dt><dd>${shortTime(s.lastSync, '从未同步')}</dd>
        ${info?.skew != null && Math.abs(info.skew) > 300
          ? html`<dt>本机时间</dt><dd class="err">与服务器相差 ${Math.round(info.skew / 60)} 分钟，请校准手机时间</dd>`
          : null}
      </dl>
      <button onClick=${logout}>退出登录</button>
    </section>
    <section class="card">
      <h2>本机存储</h2>
      <dl class="facts" data-testid="storage">
        <dt>持久存储</dt><dd data-testid="persisted">${info ? (info.persisted ? '已开启（系统不会自动清除）' : '未开启') : ''}</dd>
        <dt>已用 / 可用</dt><dd data-testid="estimate">${info?.est ? `${mb(info.est.usage)} / ${mb(info.est.quota)}` : '无法获取'}</dd>
        <dt>其中照片</dt><dd data-testid="photo-usage">${info ? `${info.photos.count} 张，${mb(info.photos.bytes)}（待上传 ${info.photos.waiting} 张）` : ''}</dd>
      </dl>
      ${info && !info.persisted ? html`<button onClick=${persist}>申请持久存储</button>` : null}
    </section>
    <p class="sub center">民情 ${__APP_VERSION__}</p>`;
}
