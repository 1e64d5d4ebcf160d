// The family file's piece of the group's condition map: a small view centred on the
// household's pin, which opens the whole map with the household highlighted.
import { html, useLoad } from './common.js';
import { elementsOf, mapOfGroup } from '../map/data.js';
import { ElementsLayer } from '../map/render.js';
import { households } from '../store.js';

const VIEW_W = 360;
const VIEW_H = 180;

async function load(village, group, id) {
  const map = await mapOfGroup(village, group);
  if (!map) return { map: null };
  const elements = await elementsOf(map.id);
  const pin = elements.find((e) => e.data.kind === 'pin' && e.data.household_id === id);
  if (!pin) return { map, pin: null };
  const homes = {};
  for (const h of await households(village, group)) homes[h.id] = h.data;
  // only what falls in (or near) the small view is drawn
  const x0 = (pin.data.x || 0) - VIEW_W;
  const y0 = (pin.data.y || 0) - VIEW_H;
  const near = elements.filter((e) => {
    const d = e.data;
    if (d.kind !== 'stroke') return Math.abs((d.x || 0) - (pin.data.x || 0)) < VIEW_W && Math.abs((d.y || 0) - (pin.data.y || 0)) < VIEW_H;
    const p = d.points || [];
    for (let i = 0; i + 1 < p.length; i += 2) if (p[i] > x0 && p[i] < x0 + 2 * VIEW_W && p[i + 1] > y0 && p[i + 1] < y0 + 2 * VIEW_H) return true;
    return false;
  });
  return { map, pin, near, homes };
}

export function MapCard({ household }) {
  const d = household.data;
  const f = useLoad(() => (d.group_code ? load(d.village_code, d.group_code, household.id) : Promise.resolve(null)), [household.id, d.group_code]);
  if (!f) return null;
  const href = `#/v/${d.village_code}/g/${d.group_code}/map/${household.id}`;
  if (!f.pin) {
    return html`<section class="card" data-testid="map-card">
      <h2>民情地图</h2>
      <p class="sub">${f.map ? '本户还没有标在本组民情地图上。' : '本组还没有民情地图。'}</p>
      <a class="button" href=${href}>${f.map ? '在地图上标注本户' : '打开本组民情地图'}</a>
    </section>`;
  }
  const { x = 0, y = 0 } = f.pin.data;
  return html`<section class="card" data-testid="map-card">
    <h2>民情地图</h2>
    <a class="map-mini" href=${href} aria-label="在民情地图上查看本户" data-testid="map-mini">
      <svg viewBox=${`${x - VIEW_W / 2} ${y - VIEW_H / 2} ${VIEW_W} ${VIEW_H}`} preserveAspectRatio="xMidYMid slice">
        <rect class="paper" x=${x - VIEW_W} y=${y - VIEW_H} width=${VIEW_W * 2} height=${VIEW_H * 2} />
        <${ElementsLayer} elements=${f.near} households=${f.homes} zoom=${1} highlight=${household.id} />
      </svg>
    </a>
    <p class="sub">点图打开整张地图</p>
  </section>`;
}
