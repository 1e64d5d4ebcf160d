// Resolutions that did not keep the value this phone sent: said until the cadre taps 知道了.
import { html } from './common.js';
import { label, show, shortTime, typeLabel } from '../schema.js';
import { dismissNotice } from '../store.js';
import { bump } from '../state.js';

function what(n) {
  if (n.type === 'household') return `户档案「${n.name}」`;
  if (n.type === 'member') return `成员「${n.name}」`;
  return `${typeLabel(n.type)}${n.name ? `「${n.name}」` : ''}`;
}

export function noticeText(n) {
  const parts = n.fields.map(
    (x) => `「${label(n.type, x.field)}」采用了「${show(n.type, x.field, x.final)}」，未采用您填写的「${show(n.type, x.field, x.mine)}」`,
  );
  return `经上级审核，${what(n)}的${parts.join('；')}。`;
}

export function Notices({ list, links }) {
  if (!list || !list.length) return null;
  return html`<section class="card warn" data-testid="notices">
    <h2>${list.length} 条修改审核后未被采纳</h2>
    ${list.map(
      (n) => html`<div class="op" data-testid="notice">
        <p>${noticeText(n)}</p>
        <p class="sub">审核人 ${n.by || '—'} · ${shortTime(n.at)}</p>
        <div class="actions">
          ${links && n.hh ? html`<a class="button" href=${'#/h/' + n.hh}>查看这一户</a>` : null}
          <button onClick=${() => dismissNotice(n.id).then(bump)}>知道了</button>
        </div>
      </div>`,
    )}
  </section>`;
}
