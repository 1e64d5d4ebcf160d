// The size budget: all JS + CSS the app loads, gzip-compressed, at most 100 KB.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const LIMIT = 100 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let total = 0;
const rows = [];
for (const f of walk(dist)) {
  if (!/\.(js|css)$/.test(f) || /workbox-[^/]*\.js$/.test(f)) continue;
  const gz = gzipSync(readFileSync(f), { level: 9 }).length;
  total += gz;
  rows.push(`${(gz / 1024).toFixed(1).padStart(7)} KB  ${f.slice(dist.length)}`);
}
console.log(rows.join('\n'));
console.log(`${(total / 1024).toFixed(1).padStart(7)} KB  total JS + CSS (gzip), budget ${LIMIT / 1024} KB`);
if (total > LIMIT) {
  console.error('over the size budget');
  process.exit(1);
}
