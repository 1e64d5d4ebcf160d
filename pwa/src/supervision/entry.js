// 督查 (电话抽查 of resident cadres): the door in the main bundle (ui/lazy.js). The screens are
// their own chunk, precached like the rest of the shell so they open offline; a cadre's phone
// never loads them.
import { lazyScreen } from '../ui/lazy.js';

export const canSupervise = (user) => !!user && (user.role === 'supervisor' || user.role === 'admin');

export const SupervisionEntry = lazyScreen({
  load: () => import('../ui/supervisor.js'),
  pick: (m) => m.Supervision,
  head: () => ({ title: '督查' }),
  allowed: canSupervise,
  failed: '无法打开督查页面，请联网后重试。',
});
