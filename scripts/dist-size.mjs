// The size of the built app as it is downloaded: every file raw and
// gzip-compressed (level 9, as a server would send it), and the total, for
// the citizen side (dist/ without dist/staff/) and the staff side
// (dist/staff/) apart. Run directly, it prints both tables; the size test
// imports `measure`.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/// The files under `dir`, except the subfolders named in `skip`.
export function measure(dir, { skip = [] } = {}) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        if (!skip.includes(relative(dir, path))) walk(path);
      } else {
        const bytes = readFileSync(path);
        files.push({ path: relative(dir, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dir);
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

/// What a citizen downloads: everything but the staff side.
export const citizenSide = (dist) => measure(dist, { skip: ['staff'] });
export const staffSide = (dist) => measure(join(dist, 'staff'));

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

function print(title, { files, raw, gzip }) {
  console.log(`${title.padEnd(48)}${'raw'.padStart(10)}${'gzip'.padStart(10)}`);
  for (const f of files) console.log(`  ${f.path.padEnd(46)}${kb(f.raw)}${kb(f.gzip)}`);
  console.log(`${'  total'.padEnd(48)}${kb(raw)}${kb(gzip)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? 'dist';
  print('citizen side (dist/)', citizenSide(dist));
  print('staff side (dist/staff/)', staffSide(dist));
}
