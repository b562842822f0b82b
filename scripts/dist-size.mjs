// The size of the built app as phones download it, printed by every build
// (scripts/lib.sh build_app) and read by the size test, per side: the
// citizen side (dist/ without dist/staff/) and the staff side (dist/staff/).
//
// Each file is measured raw, gzip (level 9) and brotli (quality 11): the
// `.gz` and `.br` copies the build writes beside it when they are there,
// else compressed here the same way; a file that is not compressed (an
// image) counts as sent as it is.
//
// A first load is every byte a browser fetches before one of the side's
// start pages is ready to use: the page, the stylesheets, scripts and wasm it
// names (and the scripts those import), and one language's texts, the
// largest of the side's `texts/*.json`. The citizen side has two start pages,
// `/` and a consultation's (`/c/{id}`), each a first load of its own; the
// staff side has one. Everything else is fetched later: a subfolder
// with its own `index.html` is a bundle of its own, one later part; each
// other file (icons, manifests, the service worker, other languages' texts)
// is a later part by itself; a bundle with texts of its own counts one
// language's, the largest, as a first load does.
//
// Run directly (`node scripts/dist-size.mjs [dist]`), it prints every side
// and fails when a page names a file the build lacks.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotli, builtFiles, COPIES, gzip, isCompressible } from './compress.mjs';

/// The sides of the app: the folder each is built into (relative to dist/),
/// the folders inside it that belong to another side, and its start pages:
/// the address each is the first load of, and its page (relative to the
/// side's folder).
export const SIDES = [
  {
    name: 'citizen',
    folder: '',
    skip: ['staff'],
    starts: [
      { address: '/', page: 'index.html' },
      { address: '/c/{id}', page: 'consultation/index.html' },
    ],
  },
  { name: 'staff', folder: 'staff', skip: [], starts: [{ address: '/staff', page: 'index.html' }] },
];

const PAGE = 'index.html';
const TEXTS = 'texts';

/// `path` (relative to `dist`) raw and as sent gzip- and brotli-compressed.
export function measureFile(dist, path) {
  const full = join(dist, path);
  const bytes = readFileSync(full);
  const copy = (suffix, compress) => {
    if (!isCompressible(path)) return bytes.length;
    return existsSync(full + suffix) ? statSync(full + suffix).size : compress(bytes, full).length;
  };
  return { path, raw: bytes.length, gzip: copy(COPIES.gzip, gzip), brotli: copy(COPIES.br, brotli) };
}

/// `files` with their sums.
function part(name, files) {
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  return { name, files, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

/// The attributes of an HTML start tag's text, names in lower case; values
/// quoted or not, as a minifier writes them. The pages read here are trunk's
/// own output, a few known tags: no HTML parser package is worth installing
/// into every build for them.
function attributes(tag) {
  const found = {};
  const pattern = /([^\s"'=<>`/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const [, name, ...values] of tag.replace(/^<\w+/, '').replace(/\/?>$/, '').matchAll(pattern)) {
    found[name.toLowerCase()] = values.find((value) => value !== undefined) ?? '';
  }
  return found;
}

/// The URLs a page makes the browser fetch before it runs: stylesheets,
/// module preloads and preloads, scripts, and the scripts and wasm an inline
/// module script loads (trunk's loader names both).
export function pageReferences(html) {
  const urls = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const { rel = '', href } = attributes(tag);
    const rels = rel.toLowerCase().split(/\s+/);
    if (href && ['stylesheet', 'modulepreload', 'preload'].some((kind) => rels.includes(kind))) urls.push(href);
  }
  for (const [, tag, body] of html.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/gi)) {
    const { src } = attributes(tag);
    if (src) urls.push(src);
    for (const [, url] of body.matchAll(/["']([^"'\s]+\.(?:m?js|wasm))["']/g)) urls.push(url);
  }
  return urls;
}

/// The modules a script imports statically (`import … from "x"`, `import "x"`),
/// which load before it runs; dynamic `import()` loads later and is left out.
export function scriptImports(source) {
  return [...source.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+)["']/g)].map(([, url]) => url);
}

/// The files (relative to `dist`) a browser fetches to show the page `page`
/// (relative to `dist`), and the URLs it names that the build lacks. URLs on
/// other hosts are not the app's and are left out.
export function firstLoadPaths(dist, page) {
  const site = 'http://app.invalid';
  const paths = [page];
  const missing = [];
  const pending = pageReferences(readFileSync(join(dist, page), 'utf8')).map((url) => [url, `/${page}`]);
  while (pending.length) {
    const [url, from] = pending.shift();
    const resolved = new URL(url, site + from);
    if (resolved.origin !== site) continue;
    const path = decodeURIComponent(resolved.pathname).slice(1);
    if (paths.includes(path)) continue;
    if (!existsSync(join(dist, path)) || !statSync(join(dist, path)).isFile()) {
      missing.push(url);
      continue;
    }
    paths.push(path);
    if (/\.m?js$/.test(path)) {
      for (const imported of scriptImports(readFileSync(join(dist, path), 'utf8'))) pending.push([imported, `/${path}`]);
    }
  }
  return { paths, missing };
}

/// One side's sizes: every file, each start page's first load, and the parts
/// fetched later.
export function sideSizes(dist, { name, folder, skip, starts }) {
  const root = join(dist, folder);
  const inSide = (path) => (folder ? posix.join(folder, path) : path);
  const files = builtFiles(root)
    .filter((path) => !skip.some((other) => path.startsWith(`${other}/`)))
    .map((path) => measureFile(dist, inSide(path)));
  const byPath = new Map(files.map((file) => [file.path, file]));

  const textsPrefix = `${inSide(TEXTS)}/`;
  const texts = files
    .filter((file) => file.path.startsWith(textsPrefix) && file.path.endsWith('.json'))
    .sort((a, b) => b.brotli - a.brotli || b.raw - a.raw);
  const firstLoads = starts.map(({ address, page }) => {
    const { paths, missing } = firstLoadPaths(dist, inSide(page));
    const pageFiles = paths.map((path) => byPath.get(path) ?? measureFile(dist, path));
    return { ...part(`first load of ${address}`, [...pageFiles, ...texts.slice(0, 1)]), address, missing };
  });

  // A folder inside the side with a page of its own is a bundle loaded later
  // (the outermost such folder, when they nest).
  const bundleOf = (path) => {
    const folders = path.slice(folder ? folder.length + 1 : 0).split('/').slice(0, -1);
    for (let depth = 1; depth <= folders.length; depth += 1) {
      const candidate = inSide(folders.slice(0, depth).join('/'));
      if (byPath.has(`${candidate}/${PAGE}`)) return `${candidate}/`;
    }
    return null;
  };
  const loaded = new Set(firstLoads.flatMap((firstLoad) => firstLoad.files.map((file) => file.path)));
  const bundles = new Map();
  const singles = [];
  for (const file of files.filter((file) => !loaded.has(file.path))) {
    const bundle = bundleOf(file.path);
    if (bundle) bundles.set(bundle, [...(bundles.get(bundle) ?? []), file]);
    else singles.push(part(file.path, [file]));
  }
  // A bundle with texts of its own loads one language's, as a first load
  // does: the largest counts in the bundle, the others stand alone.
  for (const [bundle, inBundle] of bundles) {
    const isTexts = (file) => file.path.startsWith(`${bundle}${TEXTS}/`) && file.path.endsWith('.json');
    const [largest, ...others] = inBundle.filter(isTexts).sort((a, b) => b.brotli - a.brotli || b.raw - a.raw);
    bundles.set(bundle, inBundle.filter((file) => !isTexts(file) || file === largest));
    singles.push(...others.map((file) => part(file.path, [file])));
  }
  const later = [...[...bundles].map(([bundle, inBundle]) => ({ ...part(bundle, inBundle), bundle: true })), ...singles];
  return { name, folder, files, firstLoads, later, total: part('everything', files) };
}

export const citizenSide = (dist) => sideSizes(dist, SIDES[0]);
export const staffSide = (dist) => sideSizes(dist, SIDES[1]);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`.padStart(11);
const row = (label, { raw, gzip, brotli }) => `${label.padEnd(62)}${kb(raw)}${kb(gzip)}${kb(brotli)}`;

/// A side's sizes as lines of text (1 KB = 1024 bytes).
export function formatSide({ name, folder, firstLoads, later, total }) {
  const where = folder ? `dist/${folder}/` : 'dist/';
  const lines = [`${`${name} side (${where})`.padEnd(62)}${'raw'.padStart(11)}${'gzip'.padStart(11)}${'brotli'.padStart(11)}`];
  for (const firstLoad of firstLoads) {
    lines.push(row(`  ${firstLoad.name}, in total`, firstLoad));
    for (const file of firstLoad.files) lines.push(row(`    ${file.path}`, file));
    for (const url of firstLoad.missing) lines.push(`    MISSING: ${url} (named by the page, not built)`);
  }
  lines.push(`  later, each when needed${later.length ? '' : ': nothing'}`);
  for (const laterPart of later) {
    lines.push(row(`    ${laterPart.name}${laterPart.bundle ? ' (bundle)' : ''}`, laterPart));
    if (laterPart.bundle) for (const file of laterPart.files) lines.push(row(`      ${file.path}`, file));
  }
  lines.push(row('  every file of the side', total));
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = process.argv[2] ?? 'dist';
  let missing = 0;
  for (const side of SIDES) {
    if (!existsSync(join(dist, side.folder, PAGE))) continue;
    const sizes = sideSizes(dist, side);
    console.log(`\n${formatSide(sizes).join('\n')}`);
    for (const firstLoad of sizes.firstLoads) missing += firstLoad.missing.length;
  }
  if (missing) {
    console.error(`${basename(process.argv[1])}: ${missing} file(s) named by a page are not in the build`);
    process.exitCode = 1;
  }
}
