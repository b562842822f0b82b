// The Content-Security-Policy the server sends with the built app, in
// Chromium: every page of the app starts under it (their
// inline loaders are allowed by the hashes the build wrote), and inline
// code anything else slips into a page is refused.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';

describe('the Content-Security-Policy of the app', () => {
  const running = serverAndBrowser();

  for (const [page, path, ready] of [
    ['citizen', '/', 'section[data-level] a'],
    ['consultation', '/c/water-services-2027', 'h1'],
    ['later', '/mine', 'h1'],
    ['staff', '/staff/', '#staff-token'],
    ['staff later', '/staff/c/water-services-2027', '#staff-token'],
    ['clerk', '/staff/clerk', '#staff-token'],
  ]) {
    test(`the ${page} page starts under it and refuses injected inline code`, async () => {
      const { page: tab, problems, context } = await openPhonePage(running.browser);
      const response = await tab.goto(`${running.server.url}${path}`);
      const policy = response.headers()['content-security-policy'];
      assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
      assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
      await tab.locator(ready).first().waitFor();
      assert.deepEqual(problems, []);

      const ran = await tab.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true;';
        document.body.append(script);
        return window.injected === true;
      });
      assert.equal(ran, false);
      // Chromium's own report of the refusal, and the page's event, which
      // comes a moment later.
      await waitUntil('the page to report the refusal', async () =>
        problems.some((problem) => /CSP violation: script-src/.test(problem)));
      assert.ok(problems.every((problem) => /Content Security Policy|CSP violation/.test(problem)), problems.join('\n'));
      await context.close();
    });
  }
});
