import { Component, createRef } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html, Header, useLoad } from './common.js';
import { groupCounts, notices, recordIdsWithOps, villageHouseholds } from '../store.js';
import { maskId, show } from '../schema.js';
import { useApp } from '../state.js';
import { canSupervise } from '../supervision/entry.js';
import { Notices } from './notices.js';
import { Worklist, worklist } from './worklist.js';

const collator = new Intl.Collator('zh-CN');
const FIRST = 30;
const BLOCK = 100;

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

// A village's households as the list draws them: live ones, by group then name, each with
// its second line made once (not on every draw). A 2,000-household village on a slow phone
// (4x CPU) spent ~100 ms reading the records and ~400 ms drawing them; the reading is done
// while the cadre still looks at the village's groups (villageRows), the drawing below.
function prepare(rows, groups) {
  const gname = Object.fromEntries((groups || []).map((g) => [g.code, g.name]));
  const out = [];
  for (const r of rows) {
    if (r.deleted) continue;
    const d = r.data;
    out.push({
      id: r.id,
      d,
      g: d.group_code || '',
      name: d.head_name || '',
      conflict: !!r.has_conflict,
      sub: `${gname[d.group_code] || ''} ${maskId(d.id_number)} · ${show('household', 'poverty_status', d.poverty_status)}`,
    });
  }
  return out.sort((a, b) => (a.g < b.g ? -1 : a.g > b.g ? 1 : collator.compare(a.name, b.name)));
}

// A village's rows prepared once, with the ids of records with ops waiting, for every list
// of that village (all of it or a group, or a search), as long as its read stands (store.js
// villageHouseholds: until the next write; the home's worklist shares it). Made ahead while
// the cadre still looks at the village's groups. Resolves to [rows, pending ids].
let prepared = {};

function villageRows(village, group, groups) {
  const source = villageHouseholds(village);
  if (prepared.source !== source || prepared.groups !== groups) {
    const read = Promise.all([source.then((rows) => prepare(rows, groups)), recordIdsWithOps()]);
    read.catch(() => prepared.read === read && (prepared = {}));
    prepared = { source, groups, read };
  }
  if (!group) return prepared.read;
  return prepared.read.then(([rows, pending]) => [rows.filter((r) => r.g === group), pending]);
}

export function Village({ village }) {
  const v = useVillage(village);
  const { rev } = useApp();
  const [q, setQ] = useState('');
  // the records are read only once a search starts or ahead of a tap; the counts come from the index
  const all = useLoad(
    () => (q ? villageRows(village, null, v?.groups) : Promise.resolve(undefined)),
    [village, !!q],
  );
  const byGroup = useLoad(() => groupCounts(village, (v?.groups || []).map((g) => g.code)), [village, v]) || {};
  useEffect(() => {
    // read ahead of the tap; a failed read is the next screen's to report
    if (v) villageRows(village, null, v.groups).catch(() => {});
  }, [village, v, rev]);
  return html`<${Header} title=${v ? v.name : '村'} back="/" />
    <${Search} value=${q} onInput=${setQ} />
    <div class="actions"><a class="button" href=${`#/v/${village}/base`} data-testid="village-base-link">小康信息库</a></div>
    ${q
      ? html`<${HouseholdRows} rows=${all} q=${q} />`
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

// Rows in blocks of their own list each, laid out only near the screen (content-visibility
// on the block, in style.css): a block skipped so costs the browser no style or layout of
// its rows (per row, style alone took ~180 ms for 2,000 rows at 4x CPU). Its height until
// drawn is its rows' (a row is 57 px). A block's rows are clones of one row made once, their
// words set as text: Preact's virtual rows cost ~90 ms more for 2,000 at 4x CPU. A block
// is made again only when its rows or the pending set change, so adding the next block
// does not touch the ones already drawn.
const ROW = document.createElement('template');
ROW.innerHTML = '<li><a class="row"><span class="main"></span><span class="sub"></span></a></li>';
const TAG = document.createElement('i');

function rowNode(r, pending) {
  const li = ROW.content.firstChild.cloneNode(true);
  const a = li.firstChild;
  a.setAttribute('href', '#/h/' + r.id);
  const main = a.firstChild;
  main.textContent = r.name;
  const tag = (cls, text) => {
    const i = TAG.cloneNode();
    i.className = cls;
    i.textContent = text;
    main.append(i);
  };
  if (pending && pending.has(r.id)) tag('tag wait', '待同步');
  if (r.conflict) tag('tag bad', '冲突');
  a.lastChild.textContent = r.sub;
  return li;
}

class Block extends Component {
  ul = createRef();
  componentDidMount() {
    this.fill(this.props);
  }
  shouldComponentUpdate(next) {
    if (next.rows !== this.props.rows || next.pending !== this.props.pending) this.fill(next);
    return false;
  }
  fill({ rows, pending }) {
    const ul = this.ul.current;
    ul.style.containIntrinsicSize = `auto ${rows.length * 57}px`;
    ul.replaceChildren(...rows.map((r) => rowNode(r, pending)));
  }
  render() {
    return html`<ul class="list" ref=${this.ul}></ul>`;
  }
}

// rows: [prepared rows, the ids of records with ops waiting], or undefined while read
function HouseholdRows({ rows, q }) {
  const [all, pending] = rows || [];
  const blocks = useMemo(() => {
    const f = matches(q || '');
    const shown = q ? (all || []).filter((r) => f(r.d)) : all || [];
    const out = [];
    for (let i = 0; i < shown.length; i += i ? BLOCK : FIRST) out.push(shown.slice(i, i + (i ? BLOCK : FIRST)));
    return out;
  }, [all, q]);
  // The first screenful at once, the rest (laid out lazily, see Block) right after it has
  // been painted: a 2,000-household village is readable at once on a slow phone, and
  // complete a moment later.
  const [drawn, setDrawn] = useState(1);
  useEffect(() => setDrawn(1), [blocks]);
  useEffect(() => {
    if (drawn < blocks.length) {
      const t = setTimeout(() => setDrawn(blocks.length), 0);
      return () => clearTimeout(t);
    }
    if (blocks.length) performance.mark('mq-list');
  }, [drawn, blocks]);
  if (rows === undefined) return null;
  if (!blocks.length) return html`<p class="empty">${q ? '没有找到' : '这里还没有户'}</p>`;
  return html`<div class="households" data-testid="households">
    ${blocks.slice(0, drawn).map((b, i) => html`<${Block} key=${i} rows=${b} pending=${pending} />`)}
  </div>`;
}

export function Households({ village, group }) {
  const v = useVillage(village);
  const rows = useLoad(
    () => villageRows(village, group === 'all' ? null : group, v?.groups),
    [village, group],
  );
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
    <${HouseholdRows} rows=${rows} q=${q} />`;
}
