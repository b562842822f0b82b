// What trunk runs after each build (`[[hooks]]` in Trunk.toml) on its staging
// folder, or by hand on a built folder: `node scripts/post-build.mjs dist`.
// Trunk runs a stage's hooks side by side, so this one hook takes every step,
// in this order, each needing the previous ones' output:
//   1. split a bundle linked for splitting into its main module and the
//      pieces it downloads later (scripts/split.mjs);
//   2. minify the wasm-bindgen JavaScript (and its integrity hash in the page);
//   3. write each language's texts, and fill in the page's language loader;
//   4. write the web app manifest in each language;
//   5. write the hash of each inline script, for the Content-Security-Policy;
//   6. write the `.br` and `.gz` copy of every file that compresses: last,
//      from the final bytes.
// The service worker's list of files to keep is written once every citizen
// page is built (scripts/precache.mjs).

import { writeCompressedCopies } from './compress.mjs';
import { writeScriptHashes } from './csp.mjs';
import { minifyGlue } from './minify.mjs';
import { splitBundle } from './split.mjs';
import { writeManifests } from './manifests.mjs';
import { writeTexts } from './texts.mjs';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('usage: node scripts/post-build.mjs DIR (or run by trunk, which sets TRUNK_STAGING_DIR)');
const pieces = splitBundle(dir);
if (pieces.length) console.log(`split: ${pieces.join(', ')}`);
const minified = minifyGlue(dir);
if (minified.length) console.log(`minified: ${minified.join(', ')}`);
const texts = writeTexts(dir, process.env.TRUNK_PUBLIC_URL ?? '/');
if (texts.length) console.log(`texts: ${texts.join(', ')}`);
const languages = writeManifests(dir);
if (languages.length) console.log(`manifests: ${languages.join(', ')}`);
const hashes = writeScriptHashes(dir);
if (hashes) console.log(`inline scripts hashed for the CSP: ${hashes.length}`);
const compressed = writeCompressedCopies(dir);
console.log(`compressed: ${compressed.length} files, each as .br (brotli 11) and .gz (gzip 9)`);
