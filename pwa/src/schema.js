// The record types as the server declares them (GET /api/v1/schema): every label, choice,
// limit and rule the phone shows or checks comes from here, kept in IndexedDB so it is there
// offline. Fetched at login and on each sync; a phone holding an older one still syncs (the
// server stays the judge).
import { api } from './api.js';
import { getMeta, setMeta } from './db.js';
import { maskId as mask, validate, warnings } from './validate.js';

let current = null;

export async function loadSchema() {
  current = (await getMeta('schema')) || current;
  return current;
}

export async function refreshSchema() {
  const fresh = await api('GET', '/api/v1/schema');
  if (!current || current.version !== fresh.version) {
    await setMeta('schema', fresh);
    current = fresh;
  }
  return current;
}

export const schema = () => current;
export const entry = (type) => current?.types?.[type];
export const typeLabel = (type) => entry(type)?.label || type;
export const field = (type, f) => entry(type)?.schema?.properties?.[f];
export const label = (type, f) => field(type, f)?.title || f;

// A new record's values before anything is typed: the defaults the server declares.
export function defaults(type) {
  const props = entry(type)?.schema?.properties || {};
  return Object.fromEntries(Object.entries(props).filter(([, s]) => s.default != null).map(([f, s]) => [f, s.default]));
}

// [code, name] pairs of a choice field (or of a list of choices), in the declared order.
export function choices(type, f) {
  const s = field(type, f);
  const c = s?.enum ? s : s?.items;
  return (c?.enum || []).filter((k) => k !== null).map((k) => [k, c['x-labels']?.[k] || k]);
}

export function maskId(id) {
  return mask(id, current?.mask);
}

// The phone's local date, as a birth date "no later than today" means it.
export function today(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// The data of a record checked before it reaches the outbox: [{field, message}]. Fields the
// server derives (corrected times) are not the phone's to send.
export function check(type, data) {
  const e = entry(type);
  if (!e) return [];
  const own = { ...data };
  for (const f of e.derived || []) delete own[f];
  return validate(e, own, current.messages, today());
}

export function confirmations(type, before, after) {
  const e = entry(type);
  return e ? warnings(e, before, after) : [];
}

// Where a record is filed locally (indexes of the records store): its village and group
// when it carries them, and its parent record (a member's household, an element's map) as
// `hh`; a child takes its parent's village (see store.js and sync.js).
export function placeOf(type, data) {
  if (!data) return { village: '', grp: '', hh: '' };
  const scope = entry(type)?.scope || {};
  const vf = scope.village_field;
  return {
    village: (vf && data[vf]) || '',
    grp: (vf && data.group_code) || '',
    hh: scope.parent ? data[scope.parent.field] || '' : '',
  };
}

export const parentType = (type) => entry(type)?.scope?.parent?.type || '';

// The words that name a record to a person: 「龙再华」, 「回访 11-20 10:00」.
export function titleOf(type, data) {
  const e = entry(type);
  if (!e || !data) return '';
  return (e.title || []).map((f) => show(type, f, data[f])).filter((x) => x && x !== '—').join(' ');
}

// A value as a person reads it.
export function show(type, f, v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  const s = field(type, f);
  const names = s?.['x-labels'] || s?.items?.['x-labels'];
  if (Array.isArray(v)) return v.length ? v.map((x) => (names && names[x]) || x).join('、') : '—';
  if (names) return names[v] || v;
  if (s?.format === 'date-time') return shortTime(v);
  if (typeof v === 'object' && 'lat' in v && 'lon' in v) {
    return `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}` + (v.accuracy_m != null ? ` ±${Math.round(v.accuracy_m)}米` : '');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// A time as a person reads it: the year only when it is not this one.
export function shortTime(iso, never = '从未') {
  if (!iso) return never;
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const p = (n) => String(n).padStart(2, '0');
  const year = d.getFullYear() === new Date().getFullYear() ? '' : `${d.getFullYear()}-`;
  return `${year}${d.getMonth() + 1}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
