// Minifies the JavaScript wasm-bindgen writes for the app (trunk copies it
// as it is), with esbuild, and brings the page's subresource-integrity hash
// of it up to date. Every phone downloads this file: minified, it is about
// a quarter smaller compressed.
//
// Run by scripts/post-build.mjs, after the split.

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { GLUE, replaceInPage } from './glue.mjs';

/// Minifies the glue script(s) in `dir`; answers their names.
export function minifyGlue(dir) {
  const scripts = readdirSync(dir).filter((name) => GLUE.test(name));
  for (const name of scripts) {
    const path = join(dir, name);
    const minified = execFileSync('esbuild', [path, '--minify', '--format=esm', '--log-level=warning'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    replaceInPage(dir, name, minified);
  }
  return scripts;
}
