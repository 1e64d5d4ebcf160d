// Draws the app icons as PNGs (no image library, no network): a red square with a white
// house. Written to public/icons/, which the build copies and the service worker precaches.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const RED = [0xa6, 0x1b, 0x1b];
const WHITE = [0xff, 0xff, 0xff];

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x / size, y / size);
      const i = y * (size * 3 + 1) + 1 + x * 3;
      raw[i] = r;
      raw[i + 1] = g;
      raw[i + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A house (roof, walls, a door) inside the unit square, scaled by s around the centre.
function house(s) {
  return (u, v) => {
    const x = (u - 0.5) / s + 0.5;
    const y = (v - 0.5) / s + 0.5;
    const roof = y >= 0.2 && y <= 0.48 && Math.abs(x - 0.5) <= (y - 0.2) * 1.25;
    const walls = y > 0.46 && y <= 0.8 && x >= 0.27 && x <= 0.73;
    const door = y > 0.6 && y <= 0.8 && x >= 0.44 && x <= 0.56;
    return (roof || walls) && !door ? WHITE : RED;
  };
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon-192.png', out), png(192, house(1)));
writeFileSync(new URL('icon-512.png', out), png(512, house(1)));
// maskable: the glyph inside the 80 % safe zone
writeFileSync(new URL('maskable-512.png', out), png(512, house(0.7)));
