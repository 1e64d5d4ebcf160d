// The county console (县级管理台): conflict review, the county browser, people and devices,
// sync health, exports. One layout for a desk screen that folds to a phone; every list comes from the
// server (the console works online) and every request is checked there again.
import { useEffect } from 'preact/hooks';
import { html } from '../ui/common.js';
import { useApp } from '../state.js';
import { ROLE } from './data.js';
import { ConflictList, ConflictDetail } from './conflicts.js';
import { Browse, HouseholdView } from './browse.js';
import { People, PersonView } from './people.js';
import { Health } from './health.js';
import { Exports } from './exports.js';
import { Overview } from './overview.js';
import { CountyRecords } from './countywide.js';
import './console.css';

const SECTIONS = [
  ['', '概况', null],
  ['conflicts', '冲突审核', null],
  ['browse', '全县浏览', null],
  ['people', '人员与设备', 'admin'],
  ['health', '同步状况', null],
  ['exports', '数据导出', null],
  ['county', '全县资料', null], // county-wide types: policies, indicators, the menu (countywide.js)
];

function view(parts, user) {
  const [section, a, b, c, d] = parts;
  switch (section) {
    case '':
      return html`<${Overview} user=${user} />`;
    case 'conflicts':
      return a ? html`<${ConflictDetail} id=${a} user=${user} />` : html`<${ConflictList} user=${user} />`;
    case 'browse':
      // browse · browse/t/<township> · browse/v/<village> · browse/v/<village>/g/<group>
      return html`<${Browse} township=${a === 't' ? b : null} village=${a === 'v' ? b : null} group=${c === 'g' ? d : null} />`;
    case 'h':
      return html`<${HouseholdView} id=${a} user=${user} />`;
    case 'people':
      return a ? html`<${PersonView} id=${Number(a)} user=${user} />` : html`<${People} user=${user} />`;
    case 'health':
      return html`<${Health} user=${user} />`;
    case 'exports':
      return html`<${Exports} user=${user} />`;
    case 'county':
      return html`<${CountyRecords} user=${user} type=${a} id=${b} />`;
    default:
      return html`<p class="empty">页面不存在。<a href="#/console">回管理台</a></p>`;
  }
}

export function Console({ path }) {
  const { user } = useApp();
  useEffect(() => {
    document.body.classList.add('wide');
    return () => document.body.classList.remove('wide');
  }, []);
  const parts = path.split('/');
  const here = parts[0] === 'h' ? 'browse' : parts[0];
  return html`<div class="console" data-testid="console">
    <header class="top">
      <a class="back" href="#/" aria-label="回到我的村">‹</a>
      <h1>县级管理台</h1>
      <span class="whoami">${user.display_name || user.username} · ${ROLE[user.role] || user.role}</span>
    </header>
    <nav class="tabs" aria-label="管理台">
      ${SECTIONS.filter(([, , role]) => !role || role === user.role).map(
        ([key, label]) => html`<a href=${'#/console' + (key ? '/' + key : '')} class=${here === key ? 'on' : ''}
          aria-current=${here === key ? 'page' : undefined}>${label}</a>`,
      )}
    </nav>
    <div class="pane">${view(parts, user)}</div>
  </div>`;
}
