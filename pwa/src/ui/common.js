import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { CHOICES } from '../labels.js';
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

export function Field({ label, error, children }) {
  return html`<label class="field">
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

export function Select({ field, value, onChange, blank = true, options, ...rest }) {
  const opts = options || Object.entries(CHOICES[field]);
  return html`<select value=${value ?? ''} onChange=${(e) => onChange(e.currentTarget.value || null)} ...${rest}>
    ${blank ? html`<option value="">—</option>` : null}
    ${opts.map(([k, v]) => html`<option value=${k}>${v}</option>`)}
  </select>`;
}

export function Checks({ field, value, onChange }) {
  const cur = value || [];
  const toggle = (k) => onChange(cur.includes(k) ? cur.filter((x) => x !== k) : [...cur, k]);
  return html`<div class="checks">
    ${Object.entries(CHOICES[field]).map(
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
export const ID_RE = /^[0-9]{17}[0-9Xx]$/;
export const PHONE_RE = /^[0-9+\- ]{5,20}$/;
