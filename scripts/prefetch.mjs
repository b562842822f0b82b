// Makes a built page fetch a later bundle's files once it has loaded: a
// `<link rel="prefetch">` for each file the later page loads before it runs
// (its scripts, wasm and stylesheet; not its own HTML, which the server sends
// for every address of that page). The browser fetches them at idle, after
// the page's own files, and keeps them in its cache, so the later screens
// open at once. The staff side uses it for its later screens (the citizen
// side's are kept by the service worker instead).
//
// Run once both are built (scripts/lib.sh, `build_app`), as
// `node scripts/prefetch.mjs dist staff/index.html staff/later/index.html`
// (the pages relative to dist/). It then writes the page's compressed copies
// anew.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCompressedCopies } from './compress.mjs';
import { firstLoadPaths } from './dist-size.mjs';

/// The files (relative to `dist`) that `page` prefetches for `laterPage`.
export function prefetchedPaths(dist, laterPage) {
  const { paths, missing } = firstLoadPaths(dist, laterPage);
  if (missing.length) throw new Error(`${laterPage} names files the build lacks: ${missing.join(', ')}`);
  return paths.filter((path) => path !== laterPage);
}

/// Writes into `dist/page` a prefetch link for each file of `laterPage`;
/// answers the files.
export function writePrefetch(dist, page, laterPage) {
  const paths = prefetchedPaths(dist, laterPage);
  const html = readFileSync(join(dist, page), 'utf8');
  if (!html.includes('</head>')) throw new Error(`${page}: no </head> to put the prefetch links before`);
  const links = paths.map((path) => `<link rel="prefetch" href="/${path}">`).join('');
  writeFileSync(join(dist, page), html.replace('</head>', `${links}</head>`));
  writeCompressedCopies(dist, [page]);
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dist, page, laterPage] = process.argv.slice(2);
  if (!laterPage) throw new Error('usage: node scripts/prefetch.mjs DIST PAGE LATER_PAGE');
  const paths = writePrefetch(dist, page, laterPage);
  console.log(`${page}: prefetches ${paths.join(', ')}`);
}
