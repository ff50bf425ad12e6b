#!/usr/bin/env node
// Draws the app icon — a small flow graph on a rounded square — and writes it
// as build/icon.svg and build/icon.png (512×512 RGBA, 4×4 supersampled), from the one shape list
// below, with nothing but node:zlib. electron-builder makes the .icns and .ico from the PNG.
// Run: node build/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const here = dirname(fileURLToPath(import.meta.url));

const background = { x: 16, y: 16, size: 480, radius: 96, color: '#1e293b' };
// A fan-out / fan-in graph: start, two tasks side by side, join.
const edges = [
  { from: [124, 256], to: [256, 148] },
  { from: [124, 256], to: [256, 364] },
  { from: [256, 148], to: [388, 256] },
  { from: [256, 364], to: [388, 256] },
];
const edgeStyle = { width: 18, color: '#e2e8f0' };
const nodes = [
  { c: [124, 256], r: 48, color: '#38bdf8' },
  { c: [256, 148], r: 48, color: '#34d399' },
  { c: [256, 364], r: 48, color: '#34d399' },
  { c: [388, 256], r: 48, color: '#fbbf24' },
];

// ---------------------------------------------------------------- SVG
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <rect x="${background.x}" y="${background.y}" width="${background.size}" height="${background.size}" rx="${background.radius}" fill="${background.color}"/>
${edges
  .map(
    (e) =>
      `  <line x1="${e.from[0]}" y1="${e.from[1]}" x2="${e.to[0]}" y2="${e.to[1]}" stroke="${edgeStyle.color}" stroke-width="${edgeStyle.width}" stroke-linecap="round"/>`,
  )
  .join('\n')}
${nodes.map((n) => `  <circle cx="${n.c[0]}" cy="${n.c[1]}" r="${n.r}" fill="${n.color}"/>`).join('\n')}
</svg>
`;

// ---------------------------------------------------------------- raster
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function inRoundedRect(px, py, { x, y, size, radius }) {
  const cx = Math.min(Math.max(px, x + radius), x + size - radius);
  const cy = Math.min(Math.max(py, y + radius), y + size - radius);
  return (
    px >= x && px <= x + size && py >= y && py <= y + size && (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2
  );
}

function nearSegment(px, py, [ax, ay], [bx, by], halfWidth) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return (px - (ax + t * dx)) ** 2 + (py - (ay + t * dy)) ** 2 <= halfWidth ** 2;
}

/** The colour at a point, painted in order (later shapes on top), or null outside everything. */
function colourAt(px, py) {
  let colour = null;
  if (inRoundedRect(px, py, background)) colour = background.color;
  for (const e of edges) if (nearSegment(px, py, e.from, e.to, edgeStyle.width / 2)) colour = edgeStyle.color;
  for (const n of nodes) if ((px - n.c[0]) ** 2 + (py - n.c[1]) ** 2 <= n.r ** 2) colour = n.color;
  return colour;
}

const SS = 4;
const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colourAt(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        if (c === null) continue;
        const [cr, cg, cb] = rgb(c);
        r += cr;
        g += cg;
        b += cb;
        a += 1;
      }
    }
    const i = (y * SIZE + x) * 4;
    // Colour averaged over the covered samples (not premultiplied), alpha = coverage.
    pixels[i] = a ? Math.round(r / a) : 0;
    pixels[i + 1] = a ? Math.round(g / a) : 0;
    pixels[i + 2] = a ? Math.round(b / a) : 0;
    pixels[i + 3] = Math.round((255 * a) / (SS * SS));
  }
}

// ---------------------------------------------------------------- PNG
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
header[10] = 0; // deflate
header[11] = 0; // adaptive filtering
header[12] = 0; // no interlace
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  rows[y * (SIZE * 4 + 1)] = 0; // filter: none
  pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

writeFileSync(join(here, 'icon.svg'), svg);
writeFileSync(join(here, 'icon.png'), png);
console.log(`wrote ${join(here, 'icon.svg')} and ${join(here, 'icon.png')} (${png.length} bytes)`);
