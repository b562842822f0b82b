// Minifies the JavaScript wasm-bindgen writes for the app (trunk copies it
// as it is), with esbuild, and brings the page's subresource-integrity hash
// of it up to date. Every phone downloads this file: minified, it is about
// a quarter smaller compressed.
//
// Run by scripts/post-build.mjs, first.

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/// Trunk's name for the wasm-bindgen script: the binary's name and a hash,
/// a 64-bit number in hexadecimal without leading zeros (so at times fewer
/// than 16 digits).
const GLUE = /^[a-z0-9_-]+-[0-9a-f]{1,16}\.js$/;

const integrity = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/// Minifies the glue script(s) in `dir`; answers their names.
export function minifyGlue(dir) {
  const page = join(dir, 'index.html');
  const scripts = readdirSync(dir).filter((name) => GLUE.test(name));
  for (const name of scripts) {
    const path = join(dir, name);
    const before = readFileSync(path);
    execFileSync('esbuild', [path, '--minify', '--format=esm', '--allow-overwrite', `--outfile=${path}`, '--log-level=warning'], {
      stdio: 'inherit',
    });
    if (existsSync(page)) {
      const html = readFileSync(page, 'utf8');
      const [was, now] = [integrity(before), integrity(readFileSync(path))];
      if (!html.includes(was)) throw new Error(`${page}: no integrity hash of ${name} to bring up to date`);
      writeFileSync(page, html.replaceAll(was, now));
    }
  }
  return scripts;
}
