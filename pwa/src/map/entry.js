// The map editor's door (ui/lazy.js): the editor (ui/map.js, the canvas, undo) is a chunk of
// its own, loaded on first use; it is precached with the shell, so it opens offline.
import { lazyScreen } from '../ui/lazy.js';

export const MapScreen = lazyScreen({
  load: () => import('../ui/map.js'),
  pick: (m) => m.MapScreen,
  head: ({ village, group, household }) => ({
    title: '民情地图',
    back: household ? `/h/${household}` : `/v/${village}/g/${group}`,
  }),
  failed: '无法打开地图，请重新打开应用后再试。',
});
