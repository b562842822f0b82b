// The service worker's own copy of which page serves an address agrees
// with core's (`pages::page_of`): both are tested against tests/pages.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/// `public/sw.js` run as a browser would, without a browser: its functions.
function worker() {
  const context = { self: { addEventListener() {} }, URL };
  vm.runInNewContext(readFileSync(join(ROOT, 'public/sw.js'), 'utf8'), context);
  return context;
}

test('the worker answers each citizen address with the page core names', () => {
  const { pageOf } = worker();
  const examples = JSON.parse(readFileSync(join(ROOT, 'tests/pages.json'), 'utf8'));
  const pages = { citizen: '/index.html', consultation: '/consultation/index.html', later: '/later/index.html' };
  for (const [path, page] of Object.entries(examples)) {
    // Staff addresses never reach the worker's pages: it leaves them to the network.
    if (!page.startsWith('staff') && page !== 'clerk') assert.equal(pageOf(path), pages[page], path);
  }
});
