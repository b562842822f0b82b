// The size of the built app as a citizen downloads it: every file in dist/
// raw and gzip-compressed (level 9, as a server would send it), and the total.
// Run directly, it prints the table; the size test imports `measure`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export function measure(dist) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        const bytes = readFileSync(path);
        files.push({ path: relative(dist, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dist);
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? 'dist';
  const { files, raw, gzip } = measure(dist);
  console.log(`${'file'.padEnd(48)}${'raw'.padStart(10)}${'gzip'.padStart(10)}`);
  for (const f of files) console.log(`${f.path.padEnd(48)}${kb(f.raw)}${kb(f.gzip)}`);
  console.log(`${'total'.padEnd(48)}${kb(raw)}${kb(gzip)}`);
}
