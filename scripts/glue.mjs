// A bundle's wasm-bindgen script and wasm as trunk writes them, and the
// page's subresource-integrity hashes of them, which must follow every
// change of their bytes (scripts/split.mjs, scripts/minify.mjs).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/// Trunk's name for the wasm-bindgen script: the binary's name and a hash,
/// a 64-bit number in hexadecimal without leading zeros (so at times fewer
/// than 16 digits).
export const GLUE = /^[a-z0-9_-]+-[0-9a-f]{1,16}\.js$/;

const integrity = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/// Writes `bytes` as the file `name` of the bundle in `dir`, and brings the
/// page's integrity hash of it up to date; a file the page names with
/// another hash than its old bytes' is an error, one it does not name is
/// fine (a file the page loads itself, such as a split's loader).
export function replaceInPage(dir, name, bytes) {
  const path = join(dir, name);
  const before = readFileSync(path);
  writeFileSync(path, bytes);
  const page = join(dir, 'index.html');
  if (!existsSync(page)) return;
  const html = readFileSync(page, 'utf8');
  if (!html.includes(name)) return;
  const [was, now] = [integrity(before), integrity(readFileSync(path))];
  if (!html.includes(was)) throw new Error(`${page}: no integrity hash of ${name} to bring up to date`);
  writeFileSync(page, html.replaceAll(was, now));
}
