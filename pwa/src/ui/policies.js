// 口袋书 on the phone: the county's policy book, pulled with every sync and searched offline.
// A cadre answers a household on the spot: type a few characters of what they ask about
// (雨露计划, 危房, 小额信贷 …) and every policy whose title or text holds them is listed,
// grouped by chapter; a tap opens the policy's page. The policies are data (county-wide
// `policy` records), not code: the bundle does not grow with them.
//
// Speed (bench/policy_search_bench.py): the book is read from IndexedDB once per screen and
// sync, each policy's text joined into one lower-cased string then; a keystroke is a
// substring test per policy and at most SHOWN rows drawn, so 500 policies answer well
// within 100 ms on a slow phone.
import { useMemo, useState } from 'preact/hooks';
import { html, Header, useLoad } from './common.js';
import { getRecord, villageRecords } from '../store.js';
import { choices, entry, label, show } from '../schema.js';

const TYPE = 'policy';
const SHOWN = 30; // rows drawn at once (a screen shows eight); the rest are counted ("还有 N 条")
const TEXT = ['standard', 'eligible', 'how_to_apply', 'contact', 'source'];
const collator = new Intl.Collator('zh-CN');

// Every live policy, in chapter order then by title, with its searchable text.
async function book() {
  const order = Object.fromEntries(choices(TYPE, 'category').map(([k], i) => [k, i]));
  // county-wide records are filed under no village (sync.js)
  const rows = (await villageRecords(TYPE, '')).filter((r) => !r.deleted && r.data);
  return rows
    .map((r) => {
      const text = TEXT.map((f) => r.data[f]).filter(Boolean).join(' ');
      const lower = text.toLowerCase();
      return { id: r.id, d: r.data, text, lower, hay: (r.data.title || '').toLowerCase() + '\n' + lower };
    })
    .sort((a, b) => (order[a.d.category] ?? 99) - (order[b.d.category] ?? 99) || collator.compare(a.d.title, b.d.title));
}

const terms = (q) => q.toLowerCase().split(/\s+/).filter(Boolean);

// A few words around the first place the text holds a term: why the policy matched.
function snippet({ text, lower }, ts) {
  const at = ts.length ? Math.min(...ts.map((t) => lower.indexOf(t)).filter((i) => i >= 0)) : 0;
  const from = Number.isFinite(at) ? Math.max(0, at - 10) : 0;
  return (from ? '…' : '') + text.slice(from, from + 40) + (text.length > from + 40 ? '…' : '');
}

export function PolicyBook({ query }) {
  const params = new URLSearchParams(query || '');
  const [q, setQ] = useState(params.get('q') || '');
  const cat = params.get('c') || '';
  const all = useLoad(book, []);
  const found = useMemo(() => {
    if (!all) return null;
    const ts = terms(q);
    return all.filter((p) => (!cat || p.d.category === cat) && ts.every((t) => p.hay.includes(t)));
  }, [all, q, cat]);
  const back = cat ? '/p' + (q ? '?q=' + encodeURIComponent(q) : '') : '/';
  const here = '/p?' + new URLSearchParams({ ...(q ? { q } : {}), ...(cat ? { c: cat } : {}) });
  const title = cat ? show(TYPE, 'category', cat) : '政策口袋书';
  if (!entry(TYPE)) return html`<${Header} title=${title} back=${back} /><p class="empty">请先同步一次，以取得政策。</p>`;
  return html`<${Header} title=${title} back=${back} />
    <div class="search">
      <input type="search" placeholder="搜索政策名称或内容，如：雨露计划、危房" value=${q} autofocus
        onInput=${(e) => setQ(e.currentTarget.value)} aria-label="搜索政策" data-testid="policy-search" />
    </div>
    ${all === undefined
      ? null
      : !all.length
        ? html`<p class="empty">还没有政策。请在有信号时点“同步”。</p>`
        : !q.trim() && !cat
          ? html`<${Chapters} all=${all} />`
          : html`<${Results} found=${found} q=${q} ts=${terms(q)} back=${here} />`}`;
}

// The book's chapters with how many policies each holds.
function Chapters({ all }) {
  const count = {};
  for (const p of all) count[p.d.category] = (count[p.d.category] || 0) + 1;
  return html`<ul class="list" data-testid="policy-chapters">
    ${choices(TYPE, 'category').map(
      ([k, name]) => html`<li><a class="row" href=${'#/p?c=' + k}>
        <span class="main">${name}</span><span class="count">${count[k] || 0} 条</span>
      </a></li>`,
    )}
  </ul>`;
}

function Results({ found, q, ts, back }) {
  const shown = found.slice(0, SHOWN);
  const groups = [];
  for (const p of shown) {
    if (!groups.length || groups[groups.length - 1][0] !== p.d.category) groups.push([p.d.category, []]);
    groups[groups.length - 1][1].push(p);
  }
  const to = encodeURIComponent(back);
  return html`<div data-testid="policy-results" data-q=${q} data-count=${found.length}>
    <p class="sub policy-count">找到 ${found.length} 条政策</p>
    ${groups.map(
      ([cat, list]) => html`<section class="policy-group">
        <h2 class="policy-cat">${show(TYPE, 'category', cat)}</h2>
        <ul class="list">
          ${list.map(
            (p) => html`<li key=${p.id}><a class="row" href=${`#/p/${p.id}?back=${to}`} data-testid="policy-row">
              <span class="main">${p.d.title}</span>
              <span class="sub">${snippet(p, ts)}</span>
            </a></li>`,
          )}
        </ul>
      </section>`,
    )}
    ${found.length > SHOWN ? html`<p class="empty">还有 ${found.length - SHOWN} 条，请多输入几个字缩小范围。</p>` : null}
    ${found.length ? null : html`<p class="empty">没有找到相关政策。</p>`}
  </div>`;
}

// A telephone number in the contact line becomes a tap to call.
const PHONE = /(0\d{2,3}-?\d{7,8}|1\d{10}|12345)/;

function Contact({ text }) {
  const m = text.match(PHONE);
  if (!m) return text;
  const [before, after] = [text.slice(0, m.index), text.slice(m.index + m[0].length)];
  return html`${before}<a href=${'tel:' + m[0].replace(/-/g, '')}>${m[0]}</a>${after}`;
}

export function PolicyPage({ id, query }) {
  const back = new URLSearchParams(query || '').get('back') || '/p';
  const rec = useLoad(() => getRecord(TYPE, id), [id]);
  if (rec === undefined) return html`<${Header} title="政策" back=${back} />`;
  if (!rec || rec.deleted) return html`<${Header} title="政策" back=${back} /><p class="empty">这条政策已不在口袋书中。</p>`;
  const d = rec.data;
  return html`<${Header} title=${show(TYPE, 'category', d.category)} back=${back} />
    <article class="card policy" data-testid="policy-page">
      <h2>${d.title}</h2>
      ${TEXT.filter((f) => d[f]).map(
        (f) => html`<section data-field=${f}>
          <h3>${label(TYPE, f)}</h3>
          <p>${f === 'contact' ? html`<${Contact} text=${d[f]} />` : d[f]}</p>
        </section>`,
      )}
    </article>`;
}

// The one route of the book: #/p (chapters, search), #/p?c=<chapter>&q=…, #/p/<id>?back=…
export function Policies({ id, query }) {
  return id ? html`<${PolicyPage} id=${id} query=${query} />` : html`<${PolicyBook} query=${query} />`;
}
