// An order's status read from its claims (backend/orders/records.py: an order has no status
// field of its own), in a module of its own so the family file shows it without loading the
// 三单制 screens' chunk.
export const STATUS = { open: '待接单', claimed: '已接单', under_way: '办理中', fulfilled: '已办结', confirmed: '群众已确认' };
const RANK = { claimed: 1, under_way: 2, fulfilled: 3 };

// The status of an order from its live claims: the furthest of them.
export function statusOf(claims) {
  const mine = claims.filter((r) => !r.deleted);
  if (!mine.length) return 'open';
  if (mine.some((c) => c.data.confirmed)) return 'confirmed';
  return mine.reduce((best, c) => (RANK[c.data.progress] > RANK[best] ? c.data.progress : best), 'claimed');
}
