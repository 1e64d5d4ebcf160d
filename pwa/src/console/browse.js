// The county browser: township → village → group → household, with counts at every level
// (one request: GET /households/counts, added up here), a search by name or the last digits
// of an ID number, and a household's whole file with its version history (the audit trail).
import { useMemo, useState } from 'preact/hooks';
import { html, Select } from '../ui/common.js';
import { useApp } from '../state.js';
import { choices, label, show } from '../schema.js';
import { cached, Device, Failure, get, Person, townships, useApi, useNames, villageName, when } from './data.js';
import { PdfLink } from '../ui/measures.js';
import { ServerThumb } from '../ui/photos.js';

const ZERO = { households: 0, not_out: 0, out: 0, monitored: 0, members: 0, visits: 0 };
const KEYS = Object.keys(ZERO);
const add = (a, b) => Object.fromEntries(KEYS.map((k) => [k, (a?.[k] || 0) + (b?.[k] || 0)]));
const NO_GROUP = '-'; // households filed in no group

function sums(answer, villages) {
  const town = new Map(villages.map((v) => [v.code, v.township_code]));
  const out = { all: { ...ZERO }, t: new Map(), v: new Map(), g: new Map() };
  for (const r of answer.rows) {
    const t = town.get(r.village_code);
    out.all = add(out.all, r);
    out.t.set(t, add(out.t.get(t), r));
    out.v.set(r.village_code, add(out.v.get(r.village_code), r));
    out.g.set(`${r.village_code}/${r.group_code || NO_GROUP}`, add(null, r));
  }
  return out;
}

function CountTable({ rows, total, since }) {
  return html`<div class="scroll"><table class="grid counts" data-testid="counts">
    <thead><tr><th>名称</th><th>户数</th>${['not_out', 'out', 'monitored'].map((k) => html`<th>${show('household', 'poverty_status', k)}</th>`)}<th>人口</th>
      <th title=${since ? `自 ${when(since)} 起` : ''}>本轮走访</th></tr></thead>
    <tbody>
      ${rows.map(
        (r) => html`<tr data-testid="count-row" data-code=${r.code}>
          <td>${r.href ? html`<a href=${r.href}>${r.name}</a>` : r.name}</td>
          ${KEYS.map((k) => html`<td class="num" data-k=${k}>${r.counts?.[k] || 0}</td>`)}
        </tr>`,
      )}
    </tbody>
    ${total ? html`<tfoot><tr data-testid="count-total"><th>${total.name}</th>${KEYS.map((k) => html`<th class="num" data-k=${k}>${total.counts[k]}</th>`)}</tr></tfoot>` : null}
  </table></div>`;
}

function Crumbs({ villages, township, village, group }) {
  const v = villages.find((x) => x.code === village);
  const t = township || v?.township_code;
  const tName = villages.find((x) => x.township_code === t)?.township_name;
  const g = v?.groups.find((x) => x.code === group);
  return html`<p class="crumbs">
    <a href="#/console/browse">全部</a>
    ${t ? html` › <a href=${`#/console/browse/t/${t}`}>${tName || t}</a>` : null}
    ${v ? html` › <a href=${`#/console/browse/v/${v.code}`}>${v.name}</a>` : null}
    ${group ? html` › ${group === 'all' ? '全村所有户' : group === NO_GROUP ? '未分组' : g?.name || group}` : null}
  </p>`;
}

export function Browse({ township, village, group }) {
  const { villages } = useApp();
  const [q, setQ] = useState('');
  const counts = useApi(() => cached('counts', () => get('/api/v1/households/counts'), 30_000), []);
  const s = useMemo(() => (counts.data ? sums(counts.data, villages) : null), [counts.data, villages]);
  let table = null;
  if (s && !group) {
    if (village) {
      const v = villages.find((x) => x.code === village);
      const rows = (v?.groups || []).map((g) => ({
        code: g.code,
        name: g.name,
        href: `#/console/browse/v/${village}/g/${g.code}`,
        counts: s.g.get(`${village}/${g.code}`),
      }));
      if (s.g.has(`${village}/${NO_GROUP}`)) {
        rows.push({ code: NO_GROUP, name: '未分组', href: `#/console/browse/v/${village}/g/${NO_GROUP}`, counts: s.g.get(`${village}/${NO_GROUP}`) });
      }
      table = html`<${CountTable} rows=${rows} since=${counts.data.since}
        total=${{ name: `${v?.name || village} 合计`, counts: s.v.get(village) || ZERO }} />
        <div class="actions"><a class="button" href=${`#/console/browse/v/${village}/g/all`}>全村所有户</a>
          <${PdfLink} path=${`/api/v1/villages/${village}/households.pdf`} label="打印全村家庭档案（PDF）" /></div>`;
    } else if (township) {
      const rows = villages
        .filter((v) => v.township_code === township)
        .map((v) => ({ code: v.code, name: v.name + (v.is_poor ? '（贫困村）' : ''), href: `#/console/browse/v/${v.code}`, counts: s.v.get(v.code) }));
      const name = villages.find((v) => v.township_code === township)?.township_name || township;
      table = html`<${CountTable} rows=${rows} since=${counts.data.since} total=${{ name: `${name} 合计`, counts: s.t.get(township) || ZERO }} />`;
    } else {
      const rows = townships(villages).map((t) => ({ code: t.code, name: t.name, href: `#/console/browse/t/${t.code}`, counts: s.t.get(t.code) }));
      table = html`<${CountTable} rows=${rows} since=${counts.data.since} total=${{ name: '合计', counts: s.all }} />`;
    }
  }
  const listing = q.trim() || group;
  return html`<section class="card">
      <h2>全县浏览</h2>
      <${Crumbs} villages=${villages} township=${township} village=${village} group=${group} />
      <div class="search"><input type="search" name="q" placeholder="搜索户主或成员姓名，或身份证号后几位" value=${q}
        onInput=${(e) => setQ(e.currentTarget.value)} aria-label="搜索" /></div>
      ${counts.data ? html`<p class="sub">本轮走访：自 ${when(counts.data.since)} 起的走访次数。</p>` : null}
    </section>
    ${listing
      ? html`<${HouseholdList} q=${q.trim()} village=${village} group=${group} />`
      : counts.error
        ? html`<${Failure} error=${counts.error} />`
        : table || html`<p class="empty">正在读取…</p>`}`;
}

const LIMIT = 50;

// A search above the village level looks through the caller's whole scope.
function HouseholdList({ q, village, group }) {
  const { villages } = useApp();
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const params = {
    q,
    village_code: village || '',
    group_code: group && group !== 'all' && group !== NO_GROUP ? group : '',
    status,
    offset,
    // the list API cannot ask for "no group": those are picked from the village's first 200
    limit: group === NO_GROUP ? 200 : LIMIT,
  };
  const res = useApi(() => get('/api/v1/households', params), [q, village, group, status, offset]);
  const gname = (v, g) => villages.find((x) => x.code === v)?.groups.find((x) => x.code === g)?.name || '';
  let items = res.data?.items || [];
  if (group === NO_GROUP) items = items.filter((h) => !h.group_code);
  const total = group === NO_GROUP ? items.length : res.data?.total || 0;
  return html`<section class="card">
      <div class="filters">
        <label>脱贫状态<${Select} name="status" blank=${false} value=${status} onChange=${(v) => { setStatus(v || ''); setOffset(0); }}
          options=${[['', '全部'], ...choices('household', 'poverty_status')]} /></label>
      </div>
      <${Failure} error=${res.error} />
      ${res.data ? html`<p class="sub" data-testid="household-total">共 ${total} 户${q ? `（搜索“${q}”${village ? '' : '，您的全部范围'}）` : ''}</p>` : null}
    </section>
    ${items.length
      ? html`<div class="scroll"><table class="grid" data-testid="households">
          <thead><tr><th>户主</th><th>村 · 组</th><th>身份证号</th><th>户类别</th><th>脱贫状态</th><th>人口</th><th></th></tr></thead>
          <tbody>${items.map(
            (h) => html`<tr data-testid="household-row" onClick=${() => (location.hash = `#/console/h/${h.id}`)}>
              <td><a href=${`#/console/h/${h.id}`}>${h.head_name}</a></td>
              <td>${villageName(villages, h.village_code)} ${gname(h.village_code, h.group_code)}</td>
              <td class="mono">${h.id_number || '—'}</td>
              <td>${show('household', 'poverty_category', h.poverty_category)}</td>
              <td>${show('household', 'poverty_status', h.poverty_status)}</td>
              <td class="num">${h.members}</td>
              <td>${h.has_conflict ? html`<i class="tag bad">冲突</i>` : null}</td>
            </tr>`,
          )}</tbody>
        </table></div>`
      : res.data
        ? html`<p class="empty">没有找到</p>`
        : res.loading ? html`<p class="empty">正在读取…</p>` : null}
    ${total > LIMIT && group !== NO_GROUP
      ? html`<div class="actions pager">
          <button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - LIMIT))}>上一页</button>
          <span class="sub">${offset + 1}–${Math.min(offset + LIMIT, total)} / ${total}</span>
          <button disabled=${offset + LIMIT >= total} onClick=${() => setOffset(offset + LIMIT)}>下一页</button>
        </div>`
      : null}`;
}

// ── one household's whole file ────────────────────────────────────────────────────────────

const HH_FIELDS = ['head_name', 'address', 'id_number', 'phone', 'poverty_category', 'poverty_status', 'causes',
  'income_per_head', 'pairing_cadre', 'relocated', 'relief_loan', 'remark'];
const OP = { create: '新建', update: '修改', delete: '删除', resolve: '审核处理冲突' };

// What a version changed, old → new (from the record's trail); the field names alone while
// the trail is read or if it cannot be.
function Changes({ h, trail }) {
  const v = trail?.find((x) => x.version === h.version);
  if (!v) return (h.changed || []).map((k) => label('household', k)).join('、') || '—';
  if (!v.changes.length) return '—';
  const val = (k, x) => (x === null || x === undefined || x === '' ? '（空）' : show('household', k, x));
  return v.changes.map(
    (c) => html`<div data-testid="change" data-change=${c.field}>${label('household', c.field)}：${val(c.field, c.old)} → ${val(c.field, c.new)}</div>`,
  );
}

export function HouseholdView({ id, user }) {
  const res = useApi(() => get(`/api/v1/households/${id}`), [id]);
  const trail = useApi(() => get(`/api/v1/records/household/${id}/changes`), [id]);
  const nm = useNames(user.role);
  const { villages } = useApp();
  const f = res.data;
  if (!f) return html`<p class="crumbs"><a href="#/console/browse">‹ 全县浏览</a></p>
    ${res.loading ? html`<p class="empty">正在读取…</p>` : html`<${Failure} error=${res.error} />`}`;
  const d = f.household.data;
  const v = villages.find((x) => x.code === d.village_code);
  const g = v?.groups.find((x) => x.code === d.group_code);
  return html`<${Crumbs} villages=${villages} village=${d.village_code} group=${d.group_code || NO_GROUP} />
    <section class="card" data-testid="household-file">
      <${PdfLink} path=${`/api/v1/households/${id}.pdf`} />
      <h2>${d.head_name} 户 <span class="sub">第 ${f.household.version} 版</span>
        ${f.household.has_conflict ? html`<a class="tag bad" href="#/console/conflicts">有冲突待审核</a>` : null}</h2>
      <dl class="facts">
        <dt>村 · 组</dt><dd>${v?.township_name || ''} ${v?.name || d.village_code} ${g?.name || ''}</dd>
        ${HH_FIELDS.map((k) => html`<dt>${label('household', k)}</dt><dd data-field=${k}>${show('household', k, d[k])}</dd>`)}
      </dl>
    </section>
    <section class="card">
      <h2>家庭成员（${f.members.length}）</h2>
      ${f.members.length
        ? html`<div class="scroll"><table class="grid">
            <thead><tr><th>姓名</th><th>关系</th><th>性别</th><th>身份证号</th><th>出生日期</th><th>健康</th><th>劳动能力</th><th>文化程度</th></tr></thead>
            <tbody>${f.members.map((m) => {
              const x = m.data;
              return html`<tr><td>${x.name} ${m.has_conflict ? html`<i class="tag bad">冲突</i>` : null}</td><td>${show('member', 'relation', x.relation)}</td>
                <td>${show('member', 'sex', x.sex)}</td><td class="mono">${x.id_number || '—'}</td><td>${x.birth_date || '—'}</td>
                <td>${show('member', 'health', x.health)}</td><td>${show('member', 'labour', x.labour)}</td><td>${show('member', 'schooling', x.schooling)}</td></tr>`;
            })}</tbody></table></div>`
        : html`<p class="sub">没有成员记录</p>`}
    </section>
    <section class="card">
      <h2>走访记录（${f.visits.length}）</h2>
      ${f.visits.length
        ? html`<div class="scroll"><table class="grid">
            <thead><tr><th>时间</th><th>类型</th><th>记录</th><th>需求</th><th>定位</th><th>照片</th></tr></thead>
            <tbody>${f.visits.map((vi) => {
              const x = vi.data;
              const shots = (f.photos || []).filter((p) => p.data.visit_id === vi.id);
              const skew = x.clock_skew_s != null && Math.abs(x.clock_skew_s) > 300;
              return html`<tr><td>${when(x.occurred_at_corrected || x.occurred_at)}${skew ? html` <i class="tag bad" title="手机时间偏差">时间偏差</i>` : null}</td>
                <td>${show('visit', 'kind', x.kind)}</td><td class="wrap">${x.notes || '—'}</td><td>${show('visit', 'needs', x.needs)}</td><td>${show('visit', 'gps', x.gps)}</td>
                <td><span class="thumbs" data-testid="console-photos">${shots.map((p) => html`<${ServerThumb} key=${p.id} id=${p.id} />`)}</span></td></tr>`;
            })}</tbody></table></div>`
        : html`<p class="sub">还没有走访</p>`}
    </section>
    <section class="card">
      <h2>修改记录</h2>
      <p class="sub">每一版：谁、何时、从哪台设备、哪些项从什么改成了什么。</p>
      <div class="scroll"><table class="grid" data-testid="history">
        <thead><tr><th>版本</th><th>时间</th><th>人</th><th>设备</th><th>操作</th><th>修改的项</th></tr></thead>
        <tbody>${[...f.history].reverse().map(
          (h) => html`<tr data-testid="history-row" data-version=${h.version}>
            <td class="num">${h.version}</td><td>${when(h.at)}</td>
            <td><${Person} nm=${nm} id=${h.user_id} /></td>
            <td><${Device} nm=${nm} user=${h.user_id} device=${h.device_id} /></td>
            <td>${OP[h.op] || h.op}</td>
            <td class="wrap">${h.op === 'create' ? '建档' : html`<${Changes} h=${h} trail=${trail.data} />`}</td>
          </tr>`,
        )}</tbody>
      </table></div>
    </section>`;
}
