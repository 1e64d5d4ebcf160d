// The county console's door, the only part of it in the cadre's bundle (ui/lazy.js): a
// reviewer (admin, supervisor) loads the console's own chunk on first use.
import { lazyScreen } from '../ui/lazy.js';

export { NoAccess } from '../ui/lazy.js';

export const canReview = (user) => !!user && (user.role === 'admin' || user.role === 'supervisor');

export const ConsoleEntry = lazyScreen({
  load: () => import('./console.js'),
  pick: (m) => m.Console,
  head: () => ({ title: '县级管理台' }),
  allowed: canReview,
  failed: '管理台需要联网打开，请联网后重试。',
});
