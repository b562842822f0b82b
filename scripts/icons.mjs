// Draws the app's icon — people seated in a circle around a meeting place,
// a baraza — as an SVG and as the PNG sizes phones ask for (180 px: the
// touch icon of iPhones and iPads), into
// public/icons/. Run it again only to change the icon: its outputs are kept
// in the repository. The shapes stay inside the central 80% circle, so the
// same PNGs also serve as "maskable" icons that launchers crop to a shape.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'public/icons');

const BACKGROUND = [0x07, 0x3f, 0x52]; // --brand-dark in style/main.css
const PEOPLE = [0xff, 0xff, 0xff];
const CENTRE = [0xff, 0xd2, 0x7a];

// On a canvas of 1 × 1: seven people on a ring, the meeting place in the middle.
const SEATS = 7;
const circles = [
  ...Array.from({ length: SEATS }, (_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / SEATS;
    return { x: 0.5 + 0.27 * Math.cos(angle), y: 0.5 + 0.27 * Math.sin(angle), r: 0.075, colour: PEOPLE };
  }),
  { x: 0.5, y: 0.5, r: 0.12, colour: CENTRE },
];

const hex = (rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const round = (n) => Number(n.toFixed(4));

function svg() {
  const shapes = circles
    .map((c) => `<circle cx="${round(c.x * 512)}" cy="${round(c.y * 512)}" r="${round(c.r * 512)}" fill="${hex(c.colour)}"/>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${hex(BACKGROUND)}"/>${shapes}</svg>\n`;
}

/// The icon at `size` pixels, each pixel averaged over 4 × 4 samples so edges are smooth.
function pixels(size) {
  const rgb = Buffer.alloc(size * size * 3);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const hit = circles.find((c) => (x - c.x) ** 2 + (y - c.y) ** 2 <= c.r ** 2);
          const colour = hit ? hit.colour : BACKGROUND;
          for (let k = 0; k < 3; k++) sum[k] += colour[k];
        }
      }
      for (let k = 0; k < 3; k++) rgb[(py * size + px) * 3 + k] = Math.round(sum[k] / samples ** 2);
    }
  }
  return rgb;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
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

/// A PNG of the icon with a palette: the few colours of its shapes and
/// their smoothed edges fit in one, and a byte per pixel compresses far
/// better than three.
function png(size) {
  const rgb = pixels(size);
  const palette = new Map();
  const rows = Buffer.alloc(size * (size + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 3;
      const colour = rgb.readUIntBE(at, 3);
      if (!palette.has(colour)) palette.set(colour, palette.size);
      rows[y * (size + 1) + 1 + x] = palette.get(colour);
    }
  }
  if (palette.size > 256) throw new Error(`${palette.size} colours do not fit in a palette`);
  const entries = Buffer.alloc(palette.size * 3);
  for (const [colour, index] of palette) entries.writeUIntBE(colour, index * 3, 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits per pixel, palette, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', entries),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'icon.svg'), svg());
for (const size of [180, 192, 512]) writeFileSync(join(OUT, `icon-${size}.png`), png(size));
console.log(`icons written to ${OUT}`);
