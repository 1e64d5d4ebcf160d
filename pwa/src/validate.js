// The phone's check of a record before it reaches the outbox: the subset of JSON Schema the
// server's declarations publish (GET /api/v1/schema, backend/records/schema.py), plus the
// engine's own keywords and rules (backend/records/checks.py), worded with the server's
// message templates. tests/records/test_validator_agrees.py runs one set of cases through
// this and through the server and requires the same verdicts and messages.
//
// validate(entry, data, messages, today) → [{field, message}] ([] when valid)
//   entry: one type of the published schema; today: 'YYYY-MM-DD' (the phone's date)

const CONTROL = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|z|[+-]\d{2}:?\d{2})?$/;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

const fmt = (tpl, ctx = {}) => tpl.replace(/\{(\w+)\}/g, (_, k) => (k in ctx ? String(ctx[k]) : ''));

function realDate(y, m, d) {
  const t = new Date(Date.UTC(+y, +m - 1, +d));
  return t.getUTCFullYear() === +y && t.getUTCMonth() === +m - 1 && t.getUTCDate() === +d;
}

export function idValid(n) {
  if (typeof n !== 'string' || n.length !== 18 || !/^\d{17}/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += +n[i] * WEIGHTS[i];
  return CHECK[sum % 11] === n[17].toUpperCase();
}

// What a valid ID number says of its holder: {birth: 'YYYY-MM-DD' | null, sex}.
export function idFacts(n) {
  const y = n.slice(6, 10), m = n.slice(10, 12), d = n.slice(12, 14);
  return { birth: realDate(y, m, d) ? `${y}-${m}-${d}` : null, sex: +n[16] % 2 ? 'male' : 'female' };
}

export function maskId(id, mask = { keep_start: 6, keep_end: 2 }) {
  if (!id) return id;
  const { keep_start: a, keep_end: b } = mask;
  return id.slice(0, a) + '*'.repeat(Math.max(0, id.length - a - b)) + id.slice(-b);
}

function typesOf(s) {
  return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
}

function yearsBack(today, years) {
  const [y, m, d] = today.split('-');
  const day = m === '02' && d === '29' ? '28' : d;
  return `${String(+y - years).padStart(4, '0')}-${m}-${day}`;
}

// One value against its schema: the error {type, ctx} of the first rule it breaks, with
// the location inside it (a list item, a nested field), or null.
function check(s, v, today, path = [], item = false) {
  const types = typesOf(s);
  if (v === null || v === undefined) {
    return types.includes('null') ? null : { type: 'required', path };
  }
  const t = types.filter((x) => x !== 'null')[0];
  if (s.enum) return s.enum.includes(v) ? null : { type: 'literal_error', path };
  if (t === 'string') {
    if (typeof v !== 'string') return { type: s['x-iso'] ? 'iso_type' : 'string_type', path };
    if (s.format === 'date') {
      const m = DATE.exec(v);
      if (!m || !realDate(m[1], m[2], m[3])) return { type: 'date_parsing', path };
    } else if (s.format === 'date-time') {
      const m = DATETIME.exec(v);
      if (!m || !realDate(m[1], m[2], m[3]) || +m[4] > 23 || +m[5] > 59 || (m[7] && +m[7] > 59)) {
        return { type: 'datetime_parsing', path };
      }
    } else {
      const len = [...v].length;
      if (s.minLength !== undefined && len < s.minLength) return { type: 'string_too_short', ctx: { min_length: s.minLength }, path };
      if (s.maxLength !== undefined && len > s.maxLength) return { type: 'string_too_long', ctx: { max_length: s.maxLength }, path };
      if (s.pattern && !new RegExp(s.pattern).test(v)) return { type: 'string_pattern_mismatch', path };
    }
    return item ? null : keywords(s, v, today, path);
  }
  if (t === 'integer' || t === 'number') {
    if (typeof v !== 'number' || !isFinite(v)) return { type: t === 'integer' ? 'int_type' : 'float_type', path };
    if (t === 'integer' && !Number.isInteger(v)) return { type: 'int_from_float', path };
    if (s.minimum !== undefined && v < s.minimum) return { type: 'greater_than_equal', ctx: { ge: s.minimum }, path };
    if (s.maximum !== undefined && v > s.maximum) return { type: 'less_than_equal', ctx: { le: s.maximum }, path };
    return null;
  }
  if (t === 'boolean') return typeof v === 'boolean' ? null : { type: 'bool_type', path };
  if (t === 'array') {
    if (!Array.isArray(v)) return { type: 'list_type', path };
    if (s.maxItems !== undefined && v.length > s.maxItems) return { type: 'too_long', ctx: { max_length: s.maxItems }, path };
    for (let i = 0; i < v.length; i++) {
      const e = check(s.items || {}, v[i], today, [...path, i], true);
      if (e) return e;
    }
    return keywords(s, v, today, path);
  }
  if (t === 'object') {
    if (typeof v !== 'object' || Array.isArray(v)) return { type: 'dict_type', path };
    for (const [k, sub] of Object.entries(s.properties || {})) {
      const missing = !(k in v);
      if (missing && (s.required || []).includes(k)) return { type: 'missing', path: [...path, k] };
      const e = check(sub, missing ? sub.default : v[k], today, [...path, k]);
      if (e) return e;
    }
    for (const k of Object.keys(v)) if (!(k in (s.properties || {}))) return { type: 'extra_forbidden', path: [...path, k] };
    return null;
  }
  return null;
}

// The engine's keywords on a value that passed its JSON Schema checks.
function keywords(s, v, today, path) {
  const texts = Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [v];
  if (texts.some((x) => typeof x === 'string' && (s['x-lines'] ? CONTROL_BUT_LINES : CONTROL).test(x))) {
    return { type: 'control_character', path };
  }
  if (s.format === 'cn-id-number' && !idValid(v)) return { type: 'id_check', path };
  if (s['x-notAfterToday'] && v > today) return { type: 'not_after_today', path };
  if (s['x-yearsBack'] !== undefined && v < yearsBack(today, s['x-yearsBack'])) {
    return { type: 'years_back', ctx: { years: s['x-yearsBack'] }, path };
  }
  if (s['x-yearRange']) {
    const y = +v.slice(0, 4);
    if (y < s['x-yearRange'][0] || y > s['x-yearRange'][1]) return { type: 'year_range', path };
  }
  return null;
}

function labelOf(props, path) {
  const names = [];
  const items = [];
  let cur = { properties: props };
  for (const p of path) {
    if (typeof p === 'number') {
      items.push(`第 ${p + 1} 项`);
      cur = cur.items || {};
    } else {
      const sub = cur.properties?.[p];
      names.push(sub?.title || p);
      cur = sub || {};
    }
  }
  return names.join('·') + (items.length ? `（${items.join('、')}）` : '');
}

function rules(entry, data) {
  const props = entry.schema.properties;
  const out = [];
  for (const r of entry.rules || []) {
    if (r.rule === 'not_before') {
      const mine = typeof data[r.field] === 'string' ? data[r.field].slice(0, 10) : null;
      const theirs = typeof data[r.other] === 'string' ? data[r.other].slice(0, 10) : null;
      if (mine && theirs && mine < theirs) out.push([r.field, 'not_before', { other: props[r.other].title }]);
    } else if (r.rule === 'required_unless' || r.rule === 'required_when') {
      const v = data[r.field];
      // as the server sees it: a value left out is the field's default
      const other = r.other in data ? data[r.other] : props[r.other].default;
      if ((other === r.value) === (r.rule === 'required_when') && (v === null || v === undefined || v === '')) {
        out.push([r.field, r.rule, { other: props[r.other].title, value: r.value_label }]);
      }
    } else if (r.rule === 'id_matches') {
      const n = data[r.field];
      if (!idValid(n)) continue;
      const facts = idFacts(n);
      if (facts.birth && data[r.birth] && data[r.birth] !== facts.birth) out.push([r.birth, 'id_birth_mismatch', { expected: facts.birth }]);
      if (data[r.sex] && data[r.sex] !== facts.sex) out.push([r.sex, 'id_sex_mismatch', { expected: props[r.sex]?.['x-labels']?.[facts.sex] || facts.sex }]);
    }
  }
  return out;
}

export function validate(entry, data, messages, today) {
  const props = entry.schema.properties;
  const errors = [];
  const say = (path, type, ctx) => {
    const label = labelOf(props, path);
    const rule = fmt(messages[type] || '取值无效', ctx);
    errors.push({ field: String(path[0] ?? ''), message: label ? `${label}：${rule}` : rule });
  };
  for (const k of Object.keys(data)) if (!(k in props)) say([k], 'extra_forbidden');
  for (const [k, s] of Object.entries(props)) {
    const e = check(s, k in data ? data[k] : s.default, today, [k]);
    if (e) say(e.path, e.type, e.ctx);
  }
  if (errors.length) return errors;
  for (const [field, type, ctx] of rules(entry, data)) say([field], type, ctx);
  return errors;
}

// Odd but possible changes to confirm before saving: [{field, message}].
export function warnings(entry, before, after) {
  const out = [];
  for (const w of entry.warnings || []) {
    if (w.rule === 'drop_more_than') {
      const was = before?.[w.field];
      const now = after?.[w.field];
      if (typeof was === 'number' && typeof now === 'number' && was > 0 && now < was * (1 - w.ratio)) {
        const title = entry.schema.properties[w.field].title;
        out.push({ field: w.field, message: `${title}从 ${was} 降到 ${now}，减少了一半以上。确定没有填错吗？` });
      }
    }
  }
  return out;
}
