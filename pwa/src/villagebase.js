// The village information base's rules on the phone, with no screen in them (tested in
// node: pwa/test/villagebase.test.js, on the cases backend/villagebase is tested on).
//
// A value's id is a UUIDv5 of village/year/indicator, made here exactly as the server's
// backend/villagebase/records.py value_id: two phones filling the same indicator offline
// make the same record (the server merges them), different indicators never touch.
const NAMESPACE = '6f1c5a2e4d0b5e7a9c1d2b8e3f4a5d6c';
export const VALUE_FIELD = { number: 'value_number', yes_no: 'value_yes', choice: 'value_text', text: 'value_text' };
export const RULE_WORDS = { ge: '不低于', le: '不高于', eq: '等于' };

export async function valueId(village, year, indicatorId) {
  const ns = NAMESPACE.match(/../g).map((x) => parseInt(x, 16));
  const name = new TextEncoder().encode(`${village}/${year}/${indicatorId}`);
  const bytes = new Uint8Array(16 + name.length);
  bytes.set(ns);
  bytes.set(name, 16);
  const h = new Uint8Array(await crypto.subtle.digest('SHA-1', bytes)).slice(0, 16);
  h[6] = (h[6] & 0x0f) | 0x50; // version 5
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const x = [...h].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const valueOf = (ind, v) => {
  const x = v?.[VALUE_FIELD[ind.kind]];
  return x === undefined || x === '' ? null : x;
};

// The same rule as backend/villagebase/rules.py status().
export function status(ind, v) {
  const x = valueOf(ind, v);
  if (x === null) return 'empty';
  const { rule, threshold: t } = ind;
  if (!rule || (RULE_WORDS[rule] && t == null)) return 'filled';
  let ok;
  if (rule === 'ge') ok = x >= t;
  else if (rule === 'le') ok = x <= t;
  else if (rule === 'eq') ok = x === t;
  else if (rule === 'yes') ok = x === true;
  else if (rule === 'no') ok = x === false;
  else ok = (ind.met_options || []).includes(x);
  return ok ? 'met' : 'not_met';
}

