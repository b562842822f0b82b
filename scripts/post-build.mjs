// What trunk runs after each build (`[[hooks]]` in Trunk.toml) on its staging
// folder, or by hand on a built folder: `node scripts/post-build.mjs dist`.
// Trunk runs a stage's hooks side by side, so this one hook takes every step,
// in this order, each needing the previous ones' output:
//   1. minify the wasm-bindgen JavaScript (and its integrity hash in the page);
//   2. write the web app manifest in each language;
//   3. list the files phones keep in `sw.js`, with a version made from their
//      contents: every file must be final, and the compressed copies are not
//      written yet (the list leaves them out anyway);
//   4. write the `.br` and `.gz` copy of every file that compresses, `sw.js`
//      included: last, from the final bytes.

import { writeCompressedCopies } from './compress.mjs';
import { minifyGlue } from './minify.mjs';
import { writeManifests } from './manifests.mjs';
import { shellFiles, writePrecache } from './precache.mjs';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('usage: node scripts/post-build.mjs DIR (or run by trunk, which sets TRUNK_STAGING_DIR)');
const minified = minifyGlue(dir);
if (minified.length) console.log(`minified: ${minified.join(', ')}`);
const languages = writeManifests(dir);
if (languages.length) console.log(`manifests: ${languages.join(', ')}`);
const version = writePrecache(dir, process.env.TRUNK_PUBLIC_URL ?? '/');
if (version) console.log(`sw.js: precache version ${version}, ${shellFiles(dir).length} files`);
const compressed = writeCompressedCopies(dir);
console.log(`compressed: ${compressed.length} files, each as .br (brotli 11) and .gz (gzip 9)`);
