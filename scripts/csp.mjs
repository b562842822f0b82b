// Writes the hash of every inline script of a built page (the language
// loader, trunk's wasm loader) beside it, as `index.html.script-hashes`:
// one CSP source (`'sha256-…'`) a line. `baraza serve` names them in the
// Content-Security-Policy of the app, which allows no other inline script.
//
// Run by scripts/post-build.mjs once the page is final: any later change to
// a script's text would make its hash wrong, and the browser refuse it.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCRIPT_HASHES = 'index.html.script-hashes';

/// The CSP source of each inline script of `html`, in page order.
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const [, attributes, text] of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(attributes ?? '')) continue;
    hashes.push(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/// Writes `dir/index.html.script-hashes`; answers the hashes written, or
/// `null` when `dir` has no page.
export function writeScriptHashes(dir) {
  const page = join(dir, 'index.html');
  if (!existsSync(page)) return null;
  const hashes = inlineScriptHashes(readFileSync(page, 'utf8'));
  writeFileSync(join(dir, SCRIPT_HASHES), hashes.map((hash) => `${hash}\n`).join(''));
  return hashes;
}
