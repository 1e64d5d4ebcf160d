// 督查 · 电话抽查: the supervisor's phone screens (role supervisor or admin).
//
//   #/sv                         start a round, the rounds
//   #/sv/r/<round>               the round's cadres: call, evidence, outcome, checked or not
//   #/sv/r/<round>/c/<cadre>     record the outcome of a call (a new spot_check record)
//   #/sv/r/<round>/c/<cadre>/e/<check>   correct one's own record
//   #/sv/reports                 the charts and the recall list
//
// Rounds are drawn online; a round read online opens offline (supervision/data.js), and an
// outcome is saved like any record: one transaction with its outbox op, synced later.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html, Header, Field, Area, useLoad, go, blankToNull } from './common.js';
import { NetworkError } from '../api.js';
import { isoLocal, makeUuid } from '../db.js';
import { getRecord, saveRecord } from '../store.js';
import { refreshCounts } from '../sync.js';
import { bump, toast, useApp } from '../state.js';
import { check, shortTime, show } from '../schema.js';
import {
  cachedRound,
  cachedRounds,
  checkedCount,
  checksOf,
  outcomeOf,
  fetchRound,
  fetchRounds,
  localChecks,
  startRound,
  stateOf,
  why,
} from '../supervision/data.js';
import { Reports } from './supervisor-reports.js';
import { ServerThumb } from './photos.js';
import '../supervision/supervisor.css';

export function Supervision({ path }) {
  const p = path.split('/');
  if (p[0] === '') return html`<${SvHome} />`;
  if (p[0] === 'reports') return html`<${Reports} />`;
  if (p[0] === 'r' && p[1] && !p[2]) return html`<${RoundView} id=${p[1]} />`;
  if (p[0] === 'r' && p[1] && p[2] === 'c' && p[3]) {
    return html`<${CheckForm} roundId=${p[1]} cadreId=${Number(p[3])} checkId=${p[4] === 'e' ? p[5] : null} />`;
  }
  return html`<${Header} title="督查" back="/sv" /><p class="empty">页面不存在。<a href="#/sv">回督查首页</a></p>`;
}

// How long ago, in words.
export function ago(iso) {
  if (!iso) return '';
  const ms = Date.now() - new Date(iso).getTime();
  if (isNaN(ms)) return '';
  const min = Math.round(ms / 60000);
  if (min < 1) return '刚刚';
  if (min < 60) return `${min} 分钟前`;
  if (min < 60 * 24) return `${Math.round(min / 60)} 小时前`;
  return `${Math.floor(min / 1440)} 天前`;
}

const dateOnly = (iso) => {
  const d = new Date(iso);
  return isNaN(d) ? '' : `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
};

const PREFETCH = 3;

function townships(villages) {
  const out = new Map();
  for (const v of villages || []) out.set(v.township_code, v.township_name);
  return out;
}

function roundPlace(r, towns) {
  if (r.county_wide) return '全县';
  return (r.township_codes || []).map((c) => towns.get(c) || c).join('、');
}

// ── rounds ───────────────────────────────────────────────────────────────────────────────

function SvHome() {
  const s = useApp();
  const owner = s.user.username;
  const towns = townships(s.villages);
  const [town, setTown] = useState('');
  const [per, setPer] = useState(1);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const [list, setList] = useState({ items: undefined, at: null, error: '' });
  const local = useLoad(localChecks) || [];

  useEffect(() => {
    let live = true;
    (async () => {
      const c = await cachedRounds(owner);
      if (!live) return;
      if (c) setList({ items: c.items, at: c.at, error: '' });
      try {
        const v = await fetchRounds(owner);
        if (!live) return;
        setList({ items: v.items, at: null, error: '' });
        // the newest rounds not yet finished, kept on the phone for calls made out of signal
        for (const r of v.items.filter((x) => x.checked < x.size).slice(0, PREFETCH)) {
          if (!live) break;
          await fetchRound(owner, r.id).catch(() => {});
        }
      } catch (e) {
        if (live) setList({ items: c ? c.items : [], at: c?.at || null, error: why(e) });
      }
    })();
    return () => (live = false);
  }, [owner, s.syncs]);

  async function start(e) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErr('');
    try {
      const r = await startRound(owner, { township_code: town || null, per_township: per });
      go(`/sv/r/${r.id}`);
    } catch (x) {
      setErr(x instanceof NetworkError ? '抽取名单需要联网，请在有信号时再点“开始抽查”' : why(x));
    } finally {
      setBusy(false);
    }
  }

  return html`<${Header} title="督查 · 电话抽查" back="/" />
    <form class="card sv-start" onSubmit=${start} data-testid="sv-start-form">
      <h2>新一轮抽查</h2>
      <p class="sub">按县里规定抽取：每个乡镇 1 至 2 名驻村干部，全县不少于 10 名；近期已被抽查的干部被抽中的机会较小。抽取结果和随机种子都留档可复核。</p>
      ${towns.size > 1
        ? html`<${Field} label="范围">
            <select name="township" value=${town} onChange=${(e) => setTown(e.currentTarget.value)}>
              <option value="">全部乡镇</option>
              ${[...towns].map(([code, name]) => html`<option value=${code}>${name}</option>`)}
            </select>
          <//>`
        : null}
      <${Field} label="每个乡镇抽取">
        <select name="per_township" value=${String(per)} onChange=${(e) => setPer(Number(e.currentTarget.value))}>
          <option value="1">1 名</option>
          <option value="2">2 名</option>
        </select>
      <//>
      ${err ? html`<p class="err" data-testid="sv-start-error">${err}</p>` : null}
      <button class="primary" type="submit" disabled=${busy} data-testid="sv-start">${busy ? '正在抽取…' : '开始抽查'}</button>
    </form>
    <div class="actions"><a class="button" href="#/sv/reports" data-testid="sv-reports-link">统计报表</a></div>
    <h2 class="sv-title">抽查轮次</h2>
    ${list.error ? html`<p class="sv-note">${list.error}${list.at ? `（${shortTime(list.at)} 读取）` : ''}</p>` : null}
    ${list.items === undefined
      ? html`<p class="empty">正在读取…</p>`
      : list.items.length
        ? html`<ul class="list" data-testid="sv-rounds">
            ${list.items.map((r) => {
              const n = checkedCount(r, local);
              return html`<li><a class="row" href=${`#/sv/r/${r.id}`} data-testid="sv-round" data-round=${r.id}>
                <span class="main">${shortTime(r.drawn_at)} · ${roundPlace(r, towns)}</span>
                <span class="sub">抽取 ${r.size} 人 · 已抽查 ${n} 人${n >= r.size ? ' ✓' : ''} · ${r.drawn_by_name || ''}</span>
              </a></li>`;
            })}
          </ul>`
        : html`<p class="empty">还没有抽查轮次。</p>`}`;
}

// A round as last read: the cached copy at once, then the server's when there is a signal;
// read again after every sync (the server's checks and evidence move with it).
function useRound(owner, id) {
  const { syncs } = useApp();
  const [st, set] = useState({ round: undefined, at: null, error: '' });
  useEffect(() => {
    let live = true;
    (async () => {
      const c = await cachedRound(owner, id);
      if (!live) return;
      if (c) set((x) => (x.round && !x.at ? x : { round: c.round, at: c.at, error: '' }));
      try {
        const v = await fetchRound(owner, id);
        if (live) set({ round: v.round, at: null, error: '', offline: false });
      } catch (e) {
        if (live) {
          const offline = e instanceof NetworkError;
          set((x) => ({ ...x, round: x.round !== undefined ? x.round : c ? c.round : null, error: why(e), offline }));
        }
      }
    })();
    return () => (live = false);
  }, [owner, id, syncs]);
  return st;
}

function Stale({ st }) {
  if (!st.error) return null;
  return html`<p class="sv-note" data-testid="sv-offline">${st.error}${st.at ? `（名单于 ${shortTime(st.at)} 下载）` : ''}</p>`;
}

const STATE = {
  todo: ['未抽查', ''],
  done: ['已抽查', 'ok'],
  pending: ['已记录 · 待同步', 'wait'],
  rejected: ['未被接受 · 需处理', 'bad'],
};

function StateTag({ st }) {
  const [text, cls] = STATE[st];
  return html`<i class=${'tag ' + cls} data-testid="sv-state">${text}</i>`;
}

function RoundView({ id }) {
  const s = useApp();
  const owner = s.user.username;
  const st = useRound(owner, id);
  const local = useLoad(localChecks);
  const r = st.round;
  const towns = townships(s.villages);
  if (r === undefined || local === undefined) return html`<${Header} title="抽查名单" back="/sv" /><p class="empty">正在读取…</p>`;
  if (r === null) {
    return html`<${Header} title="抽查名单" back="/sv" />
      <p class="empty" data-testid="sv-missing">${st.offline ? '这一轮的名单还没有下载到本机，请联网后打开。' : st.error}</p>`;
  }
  const n = checkedCount(r, local);
  return html`<${Header} title=${'抽查名单 ' + shortTime(r.drawn_at)} back="/sv" />
    <${Stale} st=${st} />
    <div class="sv-summary" data-testid="sv-summary">
      <b data-testid="sv-progress">已抽查 ${n} / ${r.size} 人</b>
      <span class="sub">${roundPlace(r, towns)} · 每乡镇 ${r.rule?.per_township ?? ''} 名 · 从 ${r.pool_size} 名中抽取 · 随机种子 ${r.seed}${r.replayed ? ' · 可复核' : ''}</span>
      <progress value=${n} max=${r.size || 1}></progress>
    </div>
    ${r.cadres.map((c) => html`<${CadreCard} key=${c.cadre_id} round=${r} cadre=${c} local=${local} me=${s.user} />`)}`;
}

function Call({ cadre }) {
  return cadre.tel
    ? html`<a class="button sv-call" href=${cadre.tel} data-testid="sv-call">拨打 ${cadre.phone}</a>`
    : html`<span class="sv-nophone">没有登记电话</span>`;
}

function CadreCard({ round, cadre, local, me }) {
  const checks = checksOf(round, cadre, local);
  const st = stateOf(checks);
  return html`<section class=${'card sv-cadre ' + st} data-testid="sv-cadre" data-cadre=${cadre.cadre_id} data-state=${st}>
    <div class="sv-head">
      <b class="sv-name">${cadre.name}</b>
      <${StateTag} st=${st} />
    </div>
    <p class="sub">${cadre.township?.name} · ${cadre.villages.map((v) => v.name).join('、')}${cadre.active ? '' : ' · 账号已停用'}</p>
    <${Evidence} ev=${cadre.evidence} />
    ${checks.length ? html`<${RoundResult} checks=${checks} />` : null}
    ${checks.map((c) => html`<${Outcome} check=${c} round=${round} cadre=${cadre} me=${me} />`)}
    <div class="actions">
      <${Call} cadre=${cadre} />
      <a class="button primary" href=${`#/sv/r/${round.id}/c/${cadre.cadre_id}`} data-testid="sv-record">${checks.length ? '再记录一次' : '记录结果'}</a>
    </div>
  </section>`;
}

// ── the evidence beside a cadre ─────────────────────────────────────────────────────────

function LastVisit({ v }) {
  if (!v) return html`<span>没有走访记录</span>`;
  const when = v.occurred_at_corrected || v.occurred_at;
  const place = [v.village_name || v.village_code, v.head_name ? `${v.head_name}家` : '', show('visit', 'kind', v.kind)]
    .filter(Boolean)
    .join(' · ');
  const gps = v.gps ? `定位 ${Number(v.gps.lat).toFixed(4)}, ${Number(v.gps.lon).toFixed(4)}` : '没有定位';
  return html`<span>${shortTime(when)}（${ago(when)}）</span>
    <span class="sv-line">${place}</span>
    <span class="sv-line">${gps}${v.distance_km != null ? ` · 距村中心 ${v.distance_km.toFixed(1)} 公里` : ''}
      ${v.far ? html`<i class="tag bad" data-testid="sv-far">离村较远</i>` : null}</span>
    ${v.photos?.length ? html`<span class="sv-line thumbs" data-testid="sv-photo"><${ServerThumb} id=${v.photos[0]} /></span>` : null}
    ${v.clock_skew_flag
      ? html`<span class="sv-line sv-skew" data-testid="sv-skew">
          <i class="tag bad">时钟不准</i> 手机记的是 ${shortTime(v.occurred_at)}，手机时钟${v.clock_skew_s > 0 ? '快' : '慢'}约 ${Math.round(Math.abs(v.clock_skew_s) / 60)} 分钟，上面是校正后的时间
        </span>`
      : null}`;
}

export function Evidence({ ev }) {
  if (!ev) return null;
  const latest = ev.latest_check;
  return html`<dl class="facts sv-ev" data-testid="sv-evidence">
      <dt>上次同步</dt>
      <dd data-ev="last-sync">${ev.last_sync_at ? `${shortTime(ev.last_sync_at)}（${ago(ev.last_sync_at)}）` : '从未同步'}</dd>
      <dt>走访次数</dt>
      <dd data-ev="visits">近 7 天 <b>${ev.visits_7d}</b> 次 · 近 30 天 <b>${ev.visits_30d}</b> 次</dd>
      <dt>最近走访</dt>
      <dd data-ev="last-visit"><${LastVisit} v=${ev.last_visit} /></dd>
      <dt>未走访户</dt>
      <dd data-ev="unvisited"><b>${ev.households_unvisited}</b> / ${ev.households} 户（${dateOnly(ev.round_since)} 起本轮遍访）</dd>
      ${latest
        ? html`<dt>上次抽查</dt><dd data-ev="latest-check">${shortTime(latest.checked_at)} · ${latest.reached ? (latest.on_post === false ? '不在岗' : latest.on_post ? '在岗' : '已接通') : '未接通'}</dd>`
        : null}
    </dl>
    ${ev.flags.length
      ? html`<ul class="sv-flags" data-testid="sv-flags">
          ${ev.flags.map((f) => html`<li data-flag=${f.code}>${f.message}</li>`)}
        </ul>`
      : null}`;
}

// ── outcomes ─────────────────────────────────────────────────────────────────────────────

const yn = (v, yes, no) => (v === true ? yes : v === false ? no : null);

export function outcomeText(c) {
  if (!c.reached) return '未接通';
  return [
    '已接通',
    yn(c.on_post, '在岗', '不在岗'),
    yn(c.back_on_post, '已返岗', '未返岗'),
    yn(c.studied_documents, '已传达学习上级文件', '未传达学习上级文件'),
    c.talks_held != null ? `谈心谈话 ${c.talks_held} 次` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

// The round's one result for the cadre; the calls below it are its attempts and outcome.
function RoundResult({ checks }) {
  const { outcome, attempts } = outcomeOf(checks);
  const tries = attempts ? `（未接通 ${attempts} 次）` : '';
  return html`<p class=${'sv-result' + (outcome && outcome.on_post !== false ? '' : ' warn')} data-testid="sv-result">
    本轮结果：<b>${outcome ? outcomeText(outcome) : '未接通'}</b>${tries}
  </p>`;
}

function Outcome({ check, round, cadre, me }) {
  const editable = check.state || (me && check.checked_by === me.id);
  return html`<div class=${'sv-outcome' + (check.reached && check.on_post !== false ? '' : ' warn')} data-testid="sv-outcome">
    <p>${check.reached ? '通话' : '拨打'}：<b>${outcomeText(check)}</b> <span class="sub">${shortTime(check.checked_at)}</span></p>
    ${check.recent_work ? html`<p class="sv-line">近期工作：${check.recent_work}</p>` : null}
    ${check.remark ? html`<p class="sv-line">备注：${check.remark}</p>` : null}
    ${check.state === 'rejected' ? html`<p class="err">服务器未接受，<a href="#/outbox">到待同步页处理</a></p>` : null}
    ${editable ? html`<a class="sv-edit" href=${`#/sv/r/${round.id}/c/${cadre.cadre_id}/e/${check.id}`}>修改</a>` : null}
  </div>`;
}

// ── recording a call ────────────────────────────────────────────────────────────────────

function Choice({ name, label, value, onChange, options }) {
  return html`<fieldset class="sv-choice" data-testid=${'sv-' + name}>
    <legend class="lab">${label}</legend>
    <div class="checks">
      ${options.map(
        ([v, text]) => html`<label class=${'chip' + (value === v ? ' on' : '')}>
          <input type="radio" name=${name} value=${String(v)} checked=${value === v} onChange=${() => onChange(v)} />${text}
        </label>`,
      )}
    </div>
  </fieldset>`;
}

const ASKED = (yes, no, none = '未问') => [
  [true, yes],
  [false, no],
  [null, none],
];

function CheckForm({ roundId, cadreId, checkId }) {
  const s = useApp();
  const st = useRound(s.user.username, roundId);
  const existing = useLoad(() => (checkId ? getRecord('spot_check', checkId) : Promise.resolve(null)), [checkId]);
  const [reached, setReached] = useState(undefined);
  const [onPost, setOnPost] = useState(null);
  const [back, setBack] = useState(null);
  const [studied, setStudied] = useState(null);
  const [talks, setTalks] = useState('');
  const [work, setWork] = useState('');
  const [remark, setRemark] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useRef(checkId || makeUuid());
  const filled = useRef(false);

  useEffect(() => {
    if (!existing || filled.current) return;
    filled.current = true;
    const d = existing.data;
    setReached(!!d.reached);
    setOnPost(d.on_post ?? null);
    setBack(d.back_on_post ?? null);
    setStudied(d.studied_documents ?? null);
    setTalks(d.talks_held == null ? '' : String(d.talks_held));
    setWork(d.recent_work || '');
    setRemark(d.remark || '');
  }, [existing]);

  const r = st.round;
  const cadre = r?.cadres.find((c) => c.cadre_id === cadreId);
  const back_ = `/sv/r/${roundId}`;
  if (r === undefined || (checkId && existing === undefined)) {
    return html`<${Header} title="记录抽查结果" back=${back_} /><p class="empty">正在读取…</p>`;
  }
  if (!r || !cadre) {
    return html`<${Header} title="记录抽查结果" back=${back_} /><p class="empty">${st.error || '这名干部不在这一轮名单里'}</p>`;
  }

  async function submit(e) {
    e.preventDefault();
    if (busy) return;
    if (reached === undefined) return setError('请先选择是否接通');
    let n = null;
    if (reached && talks.trim() !== '') {
      n = Number(talks);
      if (!Number.isInteger(n) || n < 0 || n > 1000) return setError('谈心谈话次数应为 0 至 1000 的整数');
    }
    setError('');
    setBusy(true);
    const values = {
      village_code: cadre.village_code,
      cadre_id: cadre.cadre_id,
      round_id: r.id,
      // the phone's own time with its offset; a correction keeps the time of the call
      checked_at: existing?.data?.checked_at || isoLocal(),
      reached,
      on_post: reached ? onPost : null,
      back_on_post: reached ? back : null,
      studied_documents: reached ? studied : null,
      talks_held: reached ? n : null,
      recent_work: reached ? blankToNull(work) : null,
      remark: blankToNull(remark),
    };
    const errors = check('spot_check', values);
    if (errors.length) {
      setError(errors.map((x) => x.message).join('；'));
      return setBusy(false);
    }
    try {
      const op = await saveRecord('spot_check', id.current, values);
      await refreshCounts();
      bump();
      toast(op ? '已保存，待同步' : '没有修改');
      go(back_);
    } catch (x) {
      setError('保存失败：' + (x.message || x));
      setBusy(false);
    }
  }

  return html`<${Header} title=${(checkId ? '修改抽查结果 ' : '抽查 ') + cadre.name} back=${back_} />
    <${Stale} st=${st} />
    <section class="card sv-cadre">
      <p class="sub">${cadre.township?.name} · ${cadre.villages.map((v) => v.name).join('、')}</p>
      <div class="actions"><${Call} cadre=${cadre} /></div>
      <${Evidence} ev=${cadre.evidence} />
    </section>
    <form class="form sv-form" onSubmit=${submit} data-testid="sv-form">
      <${Choice} name="reached" label="电话是否接通" value=${reached} onChange=${setReached} options=${[[true, '接通'], [false, '未接通']]} />
      ${reached
        ? html`
            <${Choice} name="on_post" label="是否在岗" value=${onPost} onChange=${setOnPost} options=${ASKED('在岗', '不在岗')} />
            <${Choice} name="back_on_post" label="请假后是否返岗" value=${back} onChange=${setBack} options=${ASKED('已返岗', '未返岗', '未请假/未问')} />
            <${Choice} name="studied_documents" label="是否传达学习上级最新文件" value=${studied} onChange=${setStudied} options=${ASKED('已学习', '未学习')} />
            <${Field} label="开展谈心谈话（次）">
              <input name="talks_held" type="number" inputmode="numeric" min="0" max="1000" step="1" value=${talks}
                onInput=${(e) => setTalks(e.currentTarget.value)} />
            <//>
            <${Field} label="近期工作"><${Area} name="recent_work" value=${work} onInput=${setWork} rows="4" maxlength="1000" placeholder="干部自述近期开展的工作" /><//>`
        : null}
      <${Field} label="督查备注"><${Area} name="remark" value=${remark} onInput=${setRemark} rows="3" maxlength="1000" placeholder="通话情况、需核实的问题" /><//>
      ${error ? html`<p class="err" data-testid="sv-form-error">${error}</p>` : null}
      <p class="sub">抽查时间以本机时间记录；没有信号也能保存，有信号时同步。</p>
      <button class="primary" type="submit" disabled=${busy} data-testid="sv-save">保存抽查结果</button>
    </form>`;
}
