// Doors (ui/lazy.js) to the screens a cadre opens now and then — 三单制, the village's 小康
//信息库, the 口袋书 — so the first load of the app parses only what every visit needs. Their
// chunks are precached with the shell (vite.config.js globs every built chunk but the
// console's), so they open offline like the rest.
import { lazyScreen } from './lazy.js';

const failed = '无法打开这一页，请重新打开应用后再试。';

export const Orders = lazyScreen({
  load: () => import('./orders.js'),
  pick: (m) => m.Orders,
  head: ({ village }) => ({ title: '三单制', back: `/v/${village}` }),
  failed,
});

export const VillageBase = lazyScreen({
  load: () => import('./villagebase.js'),
  pick: (m) => m.VillageBase,
  head: ({ village }) => ({ title: '小康信息库', back: `/v/${village}` }),
  failed,
});

export const Policies = lazyScreen({
  load: () => import('./policies.js'),
  pick: (m) => m.Policies,
  head: () => ({ title: '口袋书' }),
  failed,
});
