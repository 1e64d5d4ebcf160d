// The map's elements as SVG (map units): strokes under labels under pins, as the county's
// SVG draws them. Shared by the drawing screen and the family file's small view.
import { Component } from 'preact';
import { html } from '../ui/common.js';
import { cachedPath, LABEL_SIZE, PENS, PIN_R, pinStatus, STATUS } from './geometry.js';

// `zoom` (screen px per map unit) keeps pins and labels readable when zoomed out.
function Elements({ elements, households, zoom = 1, conflicted, highlight, marked }) {
  const strokes = [];
  const labels = [];
  const pins = [];
  const r = Math.max(PIN_R, 8 / zoom);
  const fs = Math.max(LABEL_SIZE, 13 / zoom);
  const pinFs = Math.max(20, 11 / zoom);
  for (const el of elements) {
    const d = el.data;
    const bad = conflicted && conflicted.has(el.id);
    const cls = (bad ? ' conflict' : '') + (marked && marked.has(el.id) ? ' marked' : '');
    if (d.kind === 'stroke') {
      if ((d.points || []).length < 2) continue;
      strokes.push(html`<path key=${el.id} class=${'el' + cls} data-id=${el.id} data-kind="stroke" data-pen=${d.pen || 'note'}
        d=${cachedPath(el.id, d)} fill=${(PENS[d.pen] || PENS.note).stroke} />`);
    } else if (d.kind === 'label' && d.text) {
      labels.push(html`<text key=${el.id} class=${'el label' + cls} data-id=${el.id} data-kind="label"
        x=${d.x || 0} y=${d.y || 0} font-size=${fs} text-anchor="middle">${d.text}</text>`);
    } else if (d.kind === 'pin') {
      const h = households[d.household_id];
      const st = pinStatus(h);
      const name = h?.head_name || d.text || '';
      const x = d.x || 0;
      const y = d.y || 0;
      const lit = highlight && highlight === d.household_id;
      pins.push(html`<g key=${el.id} class=${'el pin' + cls + (lit ? ' lit' : '')} data-id=${el.id} data-kind="pin"
        data-household=${d.household_id || ''} data-status=${st}>
        ${lit ? html`<circle class="halo" cx=${x} cy=${y} r=${r * 2.2} />` : null}
        <circle cx=${x} cy=${y} r=${r} fill=${STATUS[st].colour} stroke="#fff" stroke-width=${r / 5} />
        ${bad ? html`<circle class="ring" cx=${x} cy=${y} r=${r * 1.6} />` : null}
        ${name ? html`<text x=${x} y=${y - r - 6 / zoom} font-size=${pinFs} text-anchor="middle">${name}</text>` : null}
      </g>`);
    }
  }
  return html`<g class="strokes">${strokes}</g><g class="labels">${labels}</g><g class="pins">${pins}</g>`;
}

// Re-rendered only when the elements (or what colours them) change, not on every pointer move.
export class ElementsLayer extends Component {
  shouldComponentUpdate(next) {
    return Object.keys(next).some((k) => next[k] !== this.props[k]);
  }
  render(props) {
    return Elements(props);
  }
}

export function Legend() {
  return html`<div class="map-legend" aria-label="图例">
    ${Object.entries(PENS).map(([k, p]) => html`<span key=${k}><i class="line" style=${`background:${p.stroke}`}></i>${p.label}</span>`)}
    ${['not_out', 'out', 'monitored', 'relocated'].map(
      (k) => html`<span key=${k}><i class="dot" style=${`background:${STATUS[k].colour}`}></i>${STATUS[k].label}</span>`,
    )}
  </div>`;
}
