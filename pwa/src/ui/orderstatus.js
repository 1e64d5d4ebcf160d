// An order's status read from its claims (backend/orders/records.py order_status: an order has
// no status field of its own), in a module of its own so the family file shows it without
// loading the 三单制 screens' chunk. The claims' progress, its order and its names are the
// declaration's (order_claim.progress); only 待接单 (no claim yet) is named here.
import { choices, label } from '../schema.js';

const progress = () => choices('order_claim', 'progress'); // [[code, name]], in order

export function statusName(status) {
  if (status === 'open') return '待接单';
  if (status === 'confirmed') return label('order_claim', 'confirmed');
  return progress().find(([k]) => k === status)?.[1] || status;
}

// The status of an order from its live claims: the furthest of them.
export function statusOf(claims) {
  const mine = claims.filter((r) => !r.deleted);
  if (!mine.length) return 'open';
  if (mine.some((c) => c.data.confirmed)) return 'confirmed';
  const rank = progress().map(([k]) => k);
  return mine.reduce((best, c) => (rank.indexOf(c.data.progress) > rank.indexOf(best) ? c.data.progress : best), rank[0]);
}
