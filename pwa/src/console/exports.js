// 数据导出: the records of the reviewer's scope as an Excel workbook or CSV, streamed from the
// server (backend/exports) with the bytes received shown; the admin also reads who exported
// what (the export log). ID numbers come whole only in an admin's export.
import { useState } from 'preact/hooks';
import { html, Field, Select } from '../ui/common.js';
import { useApp, toast } from '../state.js';
import { request } from '../api.js';
import { Failure, get, query, townships, useApi, villageName, when } from './data.js';

const KINDS = [
  ['all', '全部（农户、成员、走访、抽查，一个 Excel 文件）'],
  ['households', '农户'],
  ['members', '家庭成员'],
  ['visits', '走访记录'],
  ['spot-checks', '电话抽查'],
];
const KIND = { ...Object.fromEntries(KINDS), all: '全部' };
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;

// The file's name from Content-Disposition (RFC 6266: filename* carries the Chinese one).
function fileName(r, fallback) {
  const cd = r.headers.get('content-disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="([^"]+)"/i.exec(cd);
  return plain ? plain[1] : fallback;
}

// Read the body chunk by chunk so the bytes received can be shown, then hand it to the browser.
async function download(path, onBytes) {
  const r = await request('GET', path);
  const reader = r.body.getReader();
  const chunks = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.length;
    onBytes(bytes);
  }
  const url = URL.createObjectURL(new Blob(chunks, { type: r.headers.get('content-type') || '' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName(r, path.split('/').pop()) });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return bytes;
}

function ExportLog({ villages, rev }) {
  const res = useApi(() => get('/api/v1/exports/log', { limit: 50 }), [rev]);
  return html`<section class="card">
    <h2>导出记录</h2>
    <p class="sub">谁、何时导出了哪些数据，是否含完整身份证号。最近 50 次。</p>
    <${Failure} error=${res.error} />
    ${res.data?.length
      ? html`<div class="scroll"><table class="grid" data-testid="export-log">
          <thead><tr><th>时间</th><th>导出人</th><th>内容</th><th>格式</th><th>范围</th><th>身份证号</th></tr></thead>
          <tbody>${res.data.map(
            (e) => html`<tr data-testid="export-row">
              <td>${when(e.at)}</td><td>${e.display_name || e.username}（${e.username}）</td><td>${KIND[e.kind] || e.kind}</td>
              <td>${e.format.toUpperCase()}</td>
              <td>${e.village_code ? villageName(villages, e.village_code) : e.township_code ? townships(villages).find((t) => t.code === e.township_code)?.name || e.township_code : '全部'}</td>
              <td>${e.id_numbers_whole ? html`<i class="tag bad">完整</i>` : '部分隐藏'}</td>
            </tr>`,
          )}</tbody></table></div>`
      : res.data
        ? html`<p class="sub">还没有导出过</p>`
        : null}
  </section>`;
}

export function Exports({ user }) {
  const { villages } = useApp();
  const [kind, setKind] = useState('all');
  const [format, setFormat] = useState('xlsx');
  const [township, setTownship] = useState('');
  const [village, setVillage] = useState('');
  const [bytes, setBytes] = useState(null); // null: idle; a number: receiving
  const [error, setError] = useState(null);
  const [rev, setRev] = useState(0);
  const towns = townships(villages);
  const inTown = township ? towns.find((t) => t.code === township)?.villages || [] : villages;
  const fmt = kind === 'all' ? 'xlsx' : format;

  async function start() {
    setError(null);
    setBytes(0);
    try {
      const params = query({ township_code: village ? '' : township, village_code: village });
      const got = await download(`/api/v1/exports/${kind}.${fmt}${params ? '?' + params : ''}`, setBytes);
      toast(`已导出 ${mb(got)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBytes(null);
      setRev((n) => n + 1);
    }
  }

  return html`<section class="card" data-testid="exports">
      <h2>数据导出</h2>
      <p class="sub">导出您负责范围内的数据。${user.role === 'admin' ? '县管理员导出的身份证号是完整的，请妥善保管。' : '身份证号只显示前 6 位和后 2 位。'}每次导出都会留档。</p>
      <div class="cols">
        <${Field} label="内容"><${Select} name="kind" blank=${false} value=${kind} onChange=${(v) => setKind(v)} options=${KINDS} /><//>
        <${Field} label="格式">${kind === 'all'
          ? html`<p class="sub">Excel</p>`
          : html`<${Select} name="format" blank=${false} value=${format} onChange=${(v) => setFormat(v)} options=${[['xlsx', 'Excel（.xlsx）'], ['csv', 'CSV']]} />`}<//>
        <${Field} label="乡镇"><${Select} name="township" blank=${false} value=${township}
          onChange=${(v) => { setTownship(v || ''); setVillage(''); }} options=${[['', '全部'], ...towns.map((t) => [t.code, t.name])]} /><//>
        <${Field} label="村"><${Select} name="village" blank=${false} value=${village}
          onChange=${(v) => setVillage(v || '')} options=${[['', '全部'], ...inTown.map((v) => [v.code, v.name])]} /><//>
      </div>
      ${fmt === 'csv' && user.role === 'admin'
        ? html`<p class="sub">提示：CSV 用 Excel 打开时，18 位身份证号会显示成科学计数法；需要完整号码请选 Excel 格式。</p>`
        : null}
      <${Failure} error=${error} />
      <div class="actions">
        <button class="primary" data-testid="export-start" disabled=${bytes !== null} onClick=${start}>
          ${bytes === null ? '导出' : `正在导出… 已接收 ${mb(bytes)}`}
        </button>
      </div>
    </section>
    ${user.role === 'admin' ? html`<${ExportLog} villages=${villages} rev=${rev} />` : null}`;
}
