import { useMemo, useState } from 'preact/hooks';
import { html, Header, useLoad } from './common.js';
import { getMeta } from '../db.js';
import { households, recordIdsWithOps } from '../store.js';
import { CHOICES, maskId } from '../labels.js';
import { useApp } from '../state.js';

const collator = new Intl.Collator('zh-CN');

async function villages() {
  return (await getMeta('villages')) || [];
}

export function Home() {
  const s = useApp();
  const list = useLoad(villages);
  return html`<${Header} title="我的村" />
    ${s.rejected
      ? html`<a class="banner warn" href="#/outbox">有 ${s.rejected} 条修改未被服务器接受，点此处理</a>`
      : null}
    ${list === undefined
      ? null
      : list.length
        ? html`<ul class="list">
            ${list.map(
              (v) => html`<li><a class="row" href=${`#/v/${v.code}`}>
                <span class="main">${v.name}</span>
                <span class="sub">${v.township_name} · ${v.groups.length} 个村民组</span>
              </a></li>`,
            )}
          </ul>`
        : html`<p class="empty">还没有村的数据。请在有信号时点“同步”。</p>`}`;
}

function useVillage(code) {
  const list = useLoad(villages);
  return list && list.find((v) => v.code === code);
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
  const all = useLoad(() => households(village), [village]);
  const [q, setQ] = useState('');
  const byGroup = useMemo(() => {
    const n = {};
    for (const r of all || []) n[r.data.group_code || ''] = (n[r.data.group_code || ''] || 0) + 1;
    return n;
  }, [all]);
  return html`<${Header} title=${v ? v.name : '村'} back="/" />
    <${Search} value=${q} onInput=${setQ} />
    ${q
      ? html`<${HouseholdRows} rows=${all} q=${q} groups=${v?.groups} />`
      : html`<ul class="list">
          <li><a class="row" href=${`#/v/${village}/g/all`}>
            <span class="main">全村所有户</span><span class="count">${all ? all.length : ''}</span>
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
  const shown = useMemo(() => {
    const f = matches(q || '');
    return sorted.filter((r) => f(r.data));
  }, [sorted, q]);
  if (rows === undefined) return null;
  if (!shown.length) return html`<p class="empty">${q ? '没有找到' : '这里还没有户'}</p>`;
  return html`<ul class="list households" data-testid="households">
    ${shown.map((r) => {
      const d = r.data;
      return html`<li key=${r.id}><a class="row" href=${`#/h/${r.id}`}>
        <span class="main">${d.head_name}
          ${pending && pending.has(r.id) ? html`<i class="tag wait">待同步</i>` : null}
          ${r.has_conflict ? html`<i class="tag bad">冲突</i>` : null}
        </span>
        <span class="sub">${gname[d.group_code] || ''} ${maskId(d.id_number)} · ${CHOICES.poverty_status[d.poverty_status] || ''}</span>
      </a></li>`;
    })}
  </ul>`;
}

export function Households({ village, group }) {
  const v = useVillage(village);
  const all = useLoad(() => households(village), [village]);
  const [q, setQ] = useState('');
  const rows = useMemo(() => (group === 'all' ? all : all && all.filter((r) => r.data.group_code === group)), [all, group]);
  const g = v?.groups.find((x) => x.code === group);
  const title = (v ? v.name : '') + ' ' + (group === 'all' ? '全村' : g ? g.name : '');
  return html`<${Header} title=${title} back=${`/v/${village}`} />
    <${Search} value=${q} onInput=${setQ} />
    ${group !== 'all'
      ? html`<a class="button add" href=${`#/v/${village}/g/${group}/new`}>＋ 新增一户</a>`
      : null}
    <${HouseholdRows} rows=${rows} q=${q} groups=${v?.groups} />`;
}
