// What phones download, measured on the real build: each side's first load
// in brotli (the page, its stylesheet, scripts and wasm, one language's
// texts), and the compressed copies the server sends in place of each file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { builtFiles, COPIES, isCompressible } from '../../scripts/compress.mjs';
import { citizenSide, formatSide, staffSide } from '../../scripts/dist-size.mjs';
import { DIST } from './harness.mjs';

// Guards at today's size so that growth is caught. The budgets are 150 KB
// for the citizen first load and 200 KB for the staff first load, brotli:
// these guards come down to them as the app is made to fit.
const CITIZEN_FIRST_LOAD_GUARD_BYTES = 196 * 1024;
const STAFF_FIRST_LOAD_GUARD_BYTES = 237 * 1024;

const SIDES = [
  ['citizen', citizenSide, CITIZEN_FIRST_LOAD_GUARD_BYTES],
  ['staff', staffSide, STAFF_FIRST_LOAD_GUARD_BYTES],
];

for (const [side, measure, guard] of SIDES) {
  test(`the ${side} first load is measured from the built files and stays under ${guard / 1024} KB brotli`, (t) => {
    const sizes = measure(DIST);
    for (const line of formatSide(sizes)) t.diagnostic(line);
    const { files, missing, brotli } = sizes.firstLoad;
    assert.deepEqual(missing, [], `the ${side} page names files the build lacks`);
    const paths = files.map((file) => file.path);
    for (const kind of ['index.html', '.css', '.js', '.wasm']) {
      assert.ok(paths.some((path) => path.endsWith(kind)), `no ${kind} in the ${side} first load: ${paths.join(', ')}`);
    }
    // One language's texts, when the side loads its texts at run time.
    const isTexts = (path) => /(^|\/)texts\/[^/]+\.json$/.test(path);
    const textsLoaded = paths.filter(isTexts).length;
    assert.equal(textsLoaded, sizes.files.some((file) => isTexts(file.path)) ? 1 : 0, `${side} texts in the first load`);
    for (const file of files) assert.ok(file.raw > 0 && file.brotli > 0 && file.gzip > 0, `${file.path} is empty`);
    assert.ok(brotli <= guard, `the ${side} first load is ${brotli} bytes brotli, over the ${guard} byte guard`);
  });
}

test('every file that compresses has a brotli and a gzip copy of exactly its bytes', () => {
  const compressible = builtFiles(DIST).filter(isCompressible);
  assert.ok(compressible.some((path) => path.endsWith('.wasm')), 'the build holds no wasm: it was not built');
  for (const path of compressible) {
    const bytes = readFileSync(join(DIST, path));
    for (const [suffix, decompress] of [[COPIES.br, brotliDecompressSync], [COPIES.gzip, gunzipSync]]) {
      assert.ok(existsSync(join(DIST, path + suffix)), `${path}${suffix} is missing`);
      assert.ok(decompress(readFileSync(join(DIST, path + suffix))).equals(bytes), `${path}${suffix} is not ${path}'s bytes`);
    }
  }
});
