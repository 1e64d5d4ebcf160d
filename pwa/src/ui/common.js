import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { check, choices, confirmations, label } from '../schema.js';
import { saveRecord } from '../store.js';
import { useApp } from '../state.js';

export const html = htm.bind(h);

export function go(path) {
  location.hash = '#' + path;
}

// Run an async loader, again whenever `rev` (sync, save) or a dependency moves.
export function useLoad(fn, deps = []) {
  const { rev } = useApp();
  const [value, setValue] = useState(undefined);
  useEffect(() => {
    let live = true;
    fn().then((v) => live && setValue(v));
    return () => (live = false);
  }, [rev, ...deps]);
  return value;
}

export function Header({ title, back }) {
  return html`<header class="top">
    ${back ? html`<a class="back" href=${'#' + back} aria-label="返回">‹</a>` : html`<span class="back-gap"></span>`}
    <h1>${title}</h1>
    <a class="icon" href="#/settings" aria-label="设置">⚙</a>
  </header>`;
}

export function Field({ label, error, children, name }) {
  return html`<label class="field" data-field=${name}>
    <span class="lab">${label}</span>
    ${children}
    ${error ? html`<span class="err">${error}</span>` : null}
  </label>`;
}

export function Text({ value, onInput, type = 'text', ...rest }) {
  return html`<input type=${type} value=${value ?? ''} onInput=${(e) => onInput(e.currentTarget.value)} ...${rest} />`;
}

export function Area({ value, onInput, ...rest }) {
  return html`<textarea value=${value ?? ''} onInput=${(e) => onInput(e.currentTarget.value)} ...${rest}></textarea>`;
}

export function Select({ type, field, value, onChange, blank = true, options, ...rest }) {
  const opts = options || choices(type, field);
  return html`<select value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value || null)} ...${rest}>
    ${blank ? html`<option value="">—</option>` : null}
    ${opts.map(([k, v]) => html`<option value=${k}>${v}</option>`)}
  </select>`;
}

export function Checks({ type, field, value, onChange }) {
  const cur = value || [];
  const toggle = (k) => onChange(cur.includes(k) ? cur.filter((x) => x !== k) : [...cur, k]);
  return html`<div class="checks">
    ${choices(type, field).map(
      ([k, v]) => html`<label class=${'chip' + (cur.includes(k) ? ' on' : '')}>
        <input type="checkbox" checked=${cur.includes(k)} onChange=${() => toggle(k)} />${v}
      </label>`,
    )}
  </div>`;
}

export function Toggle({ label, value, onChange }) {
  return html`<label class="toggle">
    <input type="checkbox" checked=${!!value} onChange=${(e) => onChange(e.currentTarget.checked)} />
    <span>${label}</span>
  </label>`;
}

export const blankToNull = (v) => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return v;
  const t = v.trim();
  return t === '' ? null : t;
};
// A number typed in a text box: the number when it reads as one, else the text as typed
// (the check then says what is wrong with it).
export const num = (v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : blankToNull(v));

// One field of a record type's form: its label from the server's schema and its error.
export function RecordField({ type, name, errors, children }) {
  return html`<${Field} label=${label(type, name)} error=${errors?.[name]} name=${name}>${children}<//>`;
}

// Save after the same checks the server makes (schema.js), refusing offline what it would
// refuse, with its words, next to the field: focused and scrolled into view. Odd but possible
// values (an income halved) are confirmed first. Answers the op queued, null when nothing
// changed, undefined when not saved.
export async function saveChecked(type, id, data, { before = null, setErrors, more = null }) {
  const errs = check(type, data);
  if (errs.length) {
    const byField = {};
    for (const e of errs) byField[e.field] = byField[e.field] || e.message;
    setErrors(byField);
    requestAnimationFrame(() => {
      const el = document.querySelector(`[data-field="${errs[0].field}"]`);
      el?.scrollIntoView({ block: 'center' });
      el?.querySelector('input, select, textarea')?.focus({ preventScroll: true });
    });
    return undefined;
  }
  for (const w of confirmations(type, before, data)) if (!confirm(w.message)) return undefined;
  setErrors({});
  return saveRecord(type, id, data, more);
}
