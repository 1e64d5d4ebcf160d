// 全县资料: the admin's editor for every county-wide record type the server declares
// (`scope.county`: the policy book 口袋书, the village indicators' definitions, the assistance
// menu …) — one screen for all of them, built from the schema alone: the list of a type's
// records, and a form whose labels, choices and limits are the declaration's, checked before
// sending with the phone's own validator (schema.js check: the server's words).
//
// A save is one op pushed through POST /api/v1/sync/push as this device (the one the admin
// logged in with), under the sync contract like any phone's: an edit carries the version it
// was made on and only the fields it changed, so the server merges it with changes made
// since, or keeps both sides of a clash for review; its verdict is shown in Chinese. An op
// whose answer was lost is sent again with the same op_id (the server answers it once).
// Supervisors read the same screens without the means to change anything.
import { useState } from 'preact/hooks';
import { html, Text, Toggle, RecordField } from '../ui/common.js';
import { FieldInput, inputOf, typedValues } from '../ui/records.js';
import { check, defaults, entry, label, schema, show, titleOf } from '../schema.js';
import { api, NetworkError } from '../api.js';
import { deviceId, isoLocal, makeUuid } from '../db.js';
import { Failure, get, useApi, when } from './data.js';

export const countyTypes = () =>
  Object.entries(schema()?.types || {})
    .filter(([, e]) => e.scope?.county === true)
    .map(([t, e]) => [t, e.label]);
const canWrite = (type, user) => (entry(type)?.writers || []).includes(user.role);
const base = '#/console/county';

// What the server said about an op, as the admin reads it.
function verdict(r) {
  const v = r.version ? `（第 ${r.version} 版）` : '';
  switch (r.status) {
    case 'applied':
      return ['ok', `已保存${v}，各驻村干部下次同步时收到。`];
    case 'merged':
      return ['ok', `已保存${v}：他人在此期间改过其他内容，已一并保留。`];
    case 'conflict':
      return ['warn', `已保存${v}，但与他人同时改了同一内容：暂以较晚的修改为准，两种写法都已留存，请到“冲突审核”处理。`, r.conflict_id];
    case 'duplicate':
      return ['ok', `这次修改服务器已收到过${v}，没有重复保存。`];
    default:
      return ['bad', `未保存：${r.error?.message || r.error?.code || '服务器拒绝了这次修改'}`];
  }
}

// The verdict of the last save, shown again on the record's page after a create moves there.
let last = null;

export function CountyRecords({ user, type, id }) {
  const types = countyTypes();
  if (!types.length) return html`<p class="empty">没有全县统一维护的资料类型。</p>`;
  const current = types.some(([t]) => t === type) ? type : types[0][0];
  return html`<nav class="chips cw-types" data-testid="cw-types">
      ${types.map(([t, name]) => html`<a href=${`${base}/${t}`} class=${'chip' + (t === current ? ' on' : '')}>${name}</a>`)}
    </nav>
    ${id
      ? html`<${CountyForm} key=${current + id} user=${user} type=${current} id=${id} />`
      : html`<${CountyList} key=${current} user=${user} type=${current} />`}`;
}

function CountyList({ user, type }) {
  const e = entry(type);
  const [q, setQ] = useState('');
  const list = useApi(() => get(`/api/v1/county-records/${type}`), [type]);
  const rows = (list.data?.records || []).filter((r) => !q || JSON.stringify(r.data).includes(q.trim()));
  const choice = Object.keys(e.schema.properties).find((f) => inputOf(e, f) === 'choice');
  return html`<section class="card" data-testid="cw-list">
    <h2>${e.label} <span class="sub">${list.data ? `共 ${list.data.records.length} 条${list.data.more ? '以上' : ''}` : ''}</span></h2>
    <div class="filters">
      <label>搜索<${Text} value=${q} onInput=${setQ} placeholder=${'按名称或内容查找'} /></label>
      ${canWrite(type, user)
        ? html`<a class="button primary" href=${`${base}/${type}/new`} data-testid="cw-new">＋ 新增${e.label}</a>`
        : html`<span class="sub">只读：${e.label}由县管理员维护。</span>`}
    </div>
    <${Failure} error=${list.error} />
    ${list.loading && !list.data ? html`<p class="sub">正在读取…</p>` : null}
    <ul class="list">
      ${rows.map(
        (r) => html`<li><a class="row" href=${`${base}/${type}/${r.id}`} data-testid="cw-row">
          <span class="main">${titleOf(type, r.data) || e.label}${r.has_conflict ? html`<i class="tag bad">冲突</i>` : null}</span>
          <span class="sub">${choice ? show(type, choice, r.data[choice]) + ' · ' : ''}第 ${r.version} 版 · ${r.updated_by} ${when(r.updated_at)}</span>
        </a></li>`,
      )}
    </ul>
    ${list.data && !rows.length ? html`<p class="empty">${q ? '没有找到' : `还没有${e.label}`}</p>` : null}
  </section>`;
}

function CountyForm({ user, type, id }) {
  const e = entry(type);
  const creating = id === 'new';
  const list = useApi(() => (creating ? Promise.resolve(null) : get(`/api/v1/county-records/${type}`)), [type, id]);
  const rec = creating ? null : list.data?.records.find((r) => r.id === id);
  const [values, setValues] = useState({});
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState(last && last.id === id ? last.said : null);
  // an op sent whose answer never came: sent again as it was (same op_id) until answered
  const [unanswered, setUnanswered] = useState(null);
  const writable = canWrite(type, user);
  if (!creating && !rec) {
    return html`<${Failure} error=${list.error} />${list.loading ? html`<p class="sub">正在读取…</p>` : list.data ? html`<p class="empty">这条记录已不存在。</p>` : null}`;
  }
  const was = rec?.data || defaults(type);
  const props = e.schema.properties;
  const value = (f) => (f in values ? values[f] : f in was ? was[f] : props[f].default ?? null);
  const set = (f) => (v) => {
    setUnanswered(null); // a changed form is a new op
    setValues((x) => ({ ...x, [f]: v }));
  };
  const fields = Object.keys(props).filter((f) => inputOf(e, f));

  async function send(op) {
    setBusy(true);
    try {
      const answer = await api('POST', '/api/v1/sync/push', {
        device_id: await deviceId(),
        batch_id: makeUuid(),
        device_time: isoLocal(),
        ops: [op],
      });
      setUnanswered(null);
      const r = answer.results[0];
      const shown = verdict(r);
      if (r.status !== 'rejected') {
        last = { id: op.id, said: shown };
        if (op.delete) location.hash = `${base}/${type}`;
        else if (creating) location.hash = `${base}/${type}/${op.id}`;
        else {
          setValues({});
          list.reload();
        }
      }
      setSaid(shown);
    } catch (err) {
      if (err instanceof NetworkError) {
        setUnanswered(op);
        setSaid(['bad', '无法连接服务器，修改未保存。联网后再点“保存”即可（不会重复保存）。']);
      } else setSaid(['bad', err.message || String(err)]);
    } finally {
      setBusy(false);
    }
  }

  async function submit(ev) {
    ev.preventDefault();
    if (busy || !writable) return;
    if (unanswered) return send(unanswered);
    const data = typedValues(e, value, was);
    const errs = check(type, data);
    if (errs.length) {
      const byField = {};
      for (const x of errs) byField[x.field] = byField[x.field] || x.message;
      setErrors(byField);
      setSaid(['bad', '有内容需要修改，见标红处。']);
      return;
    }
    setErrors({});
    // an edit sends the fields it changed, against the version it was made on
    const changed = creating ? data : Object.fromEntries(Object.entries(data).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(rec.data[k])));
    if (!Object.keys(changed).length) return setSaid(['ok', '没有修改。']);
    await send({
      op_id: makeUuid(),
      type,
      id: creating ? makeUuid() : id,
      base_version: creating ? null : rec.version,
      set: changed,
      unset: [],
      delete: false,
      recorded_at: isoLocal(),
    });
  }

  async function remove() {
    if (busy || !confirm(`删除这条${e.label}？各驻村干部同步后将不再看到它。`)) return;
    await send({ op_id: makeUuid(), type, id, base_version: rec.version, set: {}, unset: [], delete: true, recorded_at: isoLocal() });
  }

  return html`<p class="crumbs"><a href=${`${base}/${type}`}>‹ ${e.label}列表</a></p>
    <form class="form card" onSubmit=${submit} data-testid="cw-form">
      <h2>${creating ? `新增${e.label}` : titleOf(type, rec.data) || e.label}
        ${rec ? html`<span class="sub"> 第 ${rec.version} 版 · ${rec.updated_by} ${when(rec.updated_at)}</span>` : null}</h2>
      ${rec?.has_conflict ? html`<p class="banner warn">这条记录有待审核的冲突，请到“冲突审核”处理。</p>` : null}
      ${fields.map((f) =>
        inputOf(e, f) === 'toggle'
          ? html`<${Toggle} label=${label(type, f)} value=${value(f)} onChange=${writable ? set(f) : () => {}} />`
          : html`<${RecordField} type=${type} name=${f} errors=${errors}>
              <${FieldInput} type=${type} f=${f} value=${value(f)} set=${set(f)} disabled=${!writable} />
            <//>`,
      )}
      ${said
        ? html`<p class=${'cw-verdict ' + said[0]} role="status" data-testid="cw-verdict">
            ${said[1]} ${said[2] ? html`<a href=${'#/console/conflicts/' + said[2]}>去处理</a>` : null}
          </p>`
        : null}
      ${writable
        ? html`<div class="actions">
            <button class="primary" type="submit" disabled=${busy} data-testid="cw-save">${busy ? '正在保存…' : '保存'}</button>
            ${creating ? null : html`<button type="button" class="danger" onClick=${remove} disabled=${busy}>删除</button>`}
          </div>`
        : html`<p class="sub">只读：${e.label}由县管理员维护。</p>`}
    </form>`;
}
