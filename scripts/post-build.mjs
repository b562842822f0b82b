// What trunk runs after each build (`[[hooks]]` in Trunk.toml) on its staging
// folder, or by hand on a built folder: `node scripts/post-build.mjs dist`.
// Trunk runs a stage's hooks side by side, so this one hook takes every step,
// in order: the files phones keep must be final before they are listed.

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
