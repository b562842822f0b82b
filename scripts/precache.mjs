// Writes into a built `sw.js` the files its worker keeps on the phone and a
// version made from their contents, from the build output itself: every file
// of the citizen build but the worker, the staff side, the languages' texts
// of each page (the worker keeps those of the languages used on the phone),
// the compressed copies (`.br`, `.gz`), which are the same files in another
// encoding that the server chooses per request, and the pages' script hashes,
// which only the server reads.
//
// Run once every citizen page is built (scripts/lib.sh, `build_app`), as
// `node scripts/precache.mjs dist`: the worker keeps the later screens'
// bundle too. It then writes the worker's compressed copies anew. The staff
// build copies no `sw.js`: staff screens are never kept on phones.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCompressedCopy, writeCompressedCopies } from './compress.mjs';
import { SCRIPT_HASHES } from './csp.mjs';

const WORKER = 'sw.js';
const STAFF = 'staff';
const TEXTS = 'texts';

/// Every file under `dir` that the worker keeps, as sorted paths relative to `dir`.
export function shellFiles(dir) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const inside = relative(dir, path).split(sep).join('/');
      if (statSync(path).isDirectory()) {
        if (inside !== STAFF && name !== TEXTS) walk(path);
      } else if (inside !== WORKER && !isCompressedCopy(name) && name !== SCRIPT_HASHES) {
        files.push(inside);
      }
    }
  };
  walk(dir);
  return files.sort();
}

/// Fills in `dir/sw.js`; answers the version written, or `null` when `dir`
/// has no worker (the staff build).
export function writePrecache(dir, publicUrl = '/') {
  const worker = join(dir, WORKER);
  if (!existsSync(worker)) return null;
  const files = shellFiles(dir);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  }
  const version = hash.digest('hex').slice(0, 16);
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const urls = files.map((file) => base + file);
  const source = readFileSync(worker, 'utf8');
  const filled = source
    .replace(/^const VERSION = .*;$/m, () => `const VERSION = ${JSON.stringify(version)};`)
    .replace(/^const SHELL = .*;$/m, () => `const SHELL = ${JSON.stringify(urls)};`);
  if (!filled.includes(version) || !filled.includes(JSON.stringify(urls))) {
    throw new Error(`${worker}: no "const VERSION = …;" and "const SHELL = …;" lines to fill in`);
  }
  writeFileSync(worker, filled);
  return version;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? 'dist';
  const version = writePrecache(dir);
  if (!version) throw new Error(`${dir} has no ${WORKER}: build the citizen app first`);
  writeCompressedCopies(dir, [WORKER]);
  console.log(`sw.js: precache version ${version}, ${shellFiles(dir).length} files`);
}
