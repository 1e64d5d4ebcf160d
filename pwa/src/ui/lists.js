import { Component } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html, Header, useLoad } from './common.js';
import { groupCounts, households, notices, recordIdsWithOps } from '../store.js';
import { maskId, show } from '../schema.js';
import { useApp } from '../state.js';
import { canSupervise } from '../supervision/entry.js';
import { Notices } from './notices.js';
import { Worklist, worklist } from './worklist.js';

const collator = new Intl.Collator('zh-CN');
const FIRST = 30;
const BLOCK = 250;

export function Home() {
  const s = useApp();
  const list = s.auth === 'in' ? s.villages : undefined;
  const told = useLoad(() => notices(), []);
  // a cadre's phone holds the family files and visits (supervisors read them online)
  const cadre = s.user?.role === 'cadre';
  const work = useLoad(() => (list && cadre ? worklist(list) : Promise.resolve(null)), [list, cadre]);
  return html`<${Header} title="我的村" />
    <${Notices} list=${told} links />
    ${s.rejected
      ? html`<a class="banner warn" href="#/outbox">有 ${s.rejected} 条修改未被服务器接受，点此处理</a>`
      : null}
    ${cadre ? html`<a class="banner policy-entry" href="#/p" data-testid="policy-link">政策口袋书 · 查政策 ›</a>` : null}
    ${canSupervise(s.user)
      ? html`<a class="banner sv-entry" href="#/sv" data-testid="sv-link">督查 · 电话抽查驻村干部 ›</a>`
      : null}
    ${list === undefined
      ? null
      : list.length
        ? html`<ul class="list" ref=${() => performance.mark('mq-home')}>
            ${list.map(
              (v) => html`<li><a class="row" href=${`#/v/${v.code}`}>
                <span class="main">${v.name}</span>
                <span class="sub">${v.township_name} · ${v.groups.length} 个村民组</span>
                ${work?.[v.code] ? html`<span class="sub work" data-testid=${'counts-' + v.code}>到期回访 ${work[v.code].due.length} · 本轮未走访 ${work[v.code].unvisited.length} 户</span>` : null}
              </a></li>`,
            )}
          </ul>
          ${list.map((v) => html`<${Worklist} key=${v.code} v=${v} work=${work?.[v.code]} groups=${v.groups} />`)}`
        : html`<p class="empty">还没有村的数据。请在有信号时点“同步”。</p>`}`;
}

function useVillage(code) {
  return useApp().villages.find((v) => v.code === code);
}

// Name, or the last digits of an ID number (a query of digits, maybe ending in X).
export function matches(q) {
  q = q.trim();
  if (!q) return () => true;
  if (/^[0-9]+[Xx]?$/.test(q)) {
    const tail = q.toUpperCase();
    return (d) => (d.id_number || '').toUpperCase().endsWith(tail) || (d.head_name || '').includes(q);
  }
  return (d) => (d.head_name || '').includes(q);
}

export function Village({ village }) {
  const v = useVillage(village);
  const [q, setQ] = useState('');
  // the records are read only once a search starts; the counts come from the index
  const all = useLoad(() => (q ? households(village) : Promise.resolve(null)), [village, !!q]);
  const byGroup = useLoad(() => groupCounts(village, (v?.groups || []).map((g) => g.code)), [village, v]) || {};
  return html`<${Header} title=${v ? v.name : '村'} back="/" />
    <${Search} value=${q} onInput=${setQ} />
    <div class="actions"><a class="button" href=${`#/v/${village}/base`} data-testid="village-base-link">小康信息库</a></div>
    ${q
      ? html`<${HouseholdRows} rows=${all || undefined} q=${q} groups=${v?.groups} />`
      : html`<ul class="list">
          <li><a class="row" href=${`#/v/${village}/orders`} data-testid="orders-link"><span class="main">三单制 · 群众点单与党员接单</span></a></li>
          <li><a class="row" href=${`#/v/${village}/g/all`}>
            <span class="main">全村所有户</span><span class="count">${byGroup.all ?? ''} 户</span>
          </a></li>
          ${(v?.groups || []).map(
            (g) => html`<li><a class="row" href=${`#/v/${village}/g/${g.code}`}>
              <span class="main">${g.name}</span><span class="count">${byGroup[g.code] || 0} 户</span>
            </a></li>`,
          )}
        </ul>`}`;
}

function Search({ value, onInput }) {
  return html`<div class="search">
    <input type="search" placeholder="搜索户主姓名或身份证号后几位" value=${value}
      onInput=${(e) => onInput(e.currentTarget.value)} aria-label="搜索" />
  </div>`;
}

// Rows in blocks: a block re-renders only when its rows, the pending set or the group
// names change, so adding the next block does not diff the ones already drawn.
class Block extends Component {
  shouldComponentUpdate(next) {
    return next.rows !== this.props.rows || next.pending !== this.props.pending || next.gname !== this.props.gname;
  }
  render({ rows, pending, gname }) {
    return rows.map((r) => {
      const d = r.data;
      const sub = `${gname[d.group_code] || ''} ${maskId(d.id_number)} · ${show('household', 'poverty_status', d.poverty_status)}`;
      return html`<li key=${r.id}><a class="row" href=${'#/h/' + r.id}>
        <span class="main">${d.head_name}${pending && pending.has(r.id) ? html`<i class="tag wait">待同步</i>` : null}${r.has_conflict ? html`<i class="tag bad">冲突</i>` : null}</span>
        <span class="sub">${sub}</span>
      </a></li>`;
    });
  }
}

function HouseholdRows({ rows, q, groups }) {
  const pending = useLoad(recordIdsWithOps);
  const gname = useMemo(() => Object.fromEntries((groups || []).map((g) => [g.code, g.name])), [groups]);
  const sorted = useMemo(
    () =>
      (rows || [])
        .filter((r) => !r.deleted)
        .sort(
          (a, b) =>
            (a.data.group_code || '').localeCompare(b.data.group_code || '') ||
            collator.compare(a.data.head_name || '', b.data.head_name || ''),
        ),
    [rows],
  );
  const blocks = useMemo(() => {
    const f = matches(q || '');
    const shown = sorted.filter((r) => f(r.data));
    const out = [];
    for (let i = 0; i < shown.length; i += i ? BLOCK : FIRST) out.push(shown.slice(i, i + (i ? BLOCK : FIRST)));
    return out;
  }, [sorted, q]);
  // The first screenful at once, the rest block by block: a 2,000-household village is
  // readable at once on a slow phone, and complete a moment later.
  const [drawn, setDrawn] = useState(1);
  useEffect(() => setDrawn(1), [blocks]);
  useEffect(() => {
    if (drawn < blocks.length) {
      const t = setTimeout(() => setDrawn(drawn + 1), 0);
      return () => clearTimeout(t);
    }
    if (blocks.length) performance.mark('mq-list');
  }, [drawn, blocks]);
  if (rows === undefined) return null;
  if (!blocks.length) return html`<p class="empty">${q ? '没有找到' : '这里还没有户'}</p>`;
  return html`<ul class="list households" data-testid="households">
    ${blocks.slice(0, drawn).map((b, i) => html`<${Block} key=${i} rows=${b} pending=${pending} gname=${gname} />`)}
  </ul>`;
}

export function Households({ village, group }) {
  const v = useVillage(village);
  const rows = useLoad(() => households(village, group === 'all' ? null : group), [village, group]);
  const [q, setQ] = useState('');
  const g = v?.groups.find((x) => x.code === group);
  const title = (v ? v.name : '') + ' ' + (group === 'all' ? '全村' : g ? g.name : '');
  return html`<${Header} title=${title} back=${`/v/${village}`} />
    <${Search} value=${q} onInput=${setQ} />
    ${group !== 'all'
      ? html`<div class="actions">
          <a class="button" href=${`#/v/${village}/g/${group}/new`}>＋ 新增一户</a>
          <a class="button" href=${`#/v/${village}/g/${group}/map`} data-testid="group-map">本组民情地图</a>
        </div>`
      : null}
    <${HouseholdRows} rows=${rows} q=${q} groups=${v?.groups} />`;
}
