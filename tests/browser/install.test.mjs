// Installing the app on a phone's home screen: the tags and the touch icon
// that iPhones and iPads read (their Safari reads no manifest), the install
// button where the browser offers to install, and on an iPhone, which never
// offers it, how to add the app by hand.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, openPhonePage, serverAndBrowser } from './harness.mjs';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/// The width and height a PNG's header declares.
const pngSize = (bytes) => ({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });

describe('installing the app', () => {
  const running = serverAndBrowser();

  test('every citizen page names the app, its touch icon and full-screen start for iPhones; the icon is 180 px', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { userAgent: IPHONE });
    for (const path of ['/', '/c/water-services-2027']) {
      await page.goto(`${running.server.url}${path}`);
      await page.locator('main h1').waitFor();
      const head = await page.evaluate(() => ({
        capable: document.querySelector('meta[name="apple-mobile-web-app-capable"]')?.content,
        title: document.querySelector('meta[name="apple-mobile-web-app-title"]')?.content,
        statusBar: document.querySelector('meta[name="apple-mobile-web-app-status-bar-style"]')?.content,
        icon: document.querySelector('link[rel="apple-touch-icon"]')?.href,
        iconSizes: document.querySelector('link[rel="apple-touch-icon"]')?.getAttribute('sizes'),
      }));
      assert.deepEqual(
        head,
        { capable: 'yes', title: 'Baraza', statusBar: 'default', icon: `${running.server.url}/icons/icon-180.png`, iconSizes: '180x180' },
        path,
      );
      // The page's own title, which the home screen shows when none is set.
      assert.match(await page.title(), /— Baraza$/, path);
    }
    const icon = await fetch(`${running.server.url}/icons/icon-180.png`);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/png');
    assert.deepEqual(pngSize(Buffer.from(await icon.arrayBuffer())), { width: 180, height: 180 });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the browser's offer to install becomes a button, used once", async () => {
    const { context, page, problems } = await openPhonePage(running.browser);
    await page.goto(running.server.url);
    await page.locator('li.card').first().waitFor();
    const button = page.locator('.install button');
    assert.equal(await page.locator('.install').isHidden(), true, 'nothing to offer before the browser does');

    // What Chromium sends when the app can be installed, with the dialog it opens.
    await page.evaluate(() => {
      const offer = new Event('beforeinstallprompt', { cancelable: true });
      offer.prompt = () => {
        window.installDialogShown = (window.installDialogShown ?? 0) + 1;
        return Promise.resolve();
      };
      dispatchEvent(offer);
    });
    await button.waitFor();
    assert.equal(await button.textContent(), 'Install the app on this phone');
    assert.equal(await page.locator('.install-help').isHidden(), true);
    assert.deepEqual(await axeViolations(page), []);
    await button.focus();
    await page.keyboard.press('Enter');
    await page.locator('.install').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => window.installDialogShown), 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on an iPhone, how to add the app to the home screen, in the language chosen', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { userAgent: IPHONE });
    await page.goto(running.server.url);
    const help = page.locator('.install-help');
    await help.waitFor();
    assert.equal(await help.textContent(), 'To keep Baraza on your home screen, tap the Share button, then “Add to Home Screen”.');
    assert.equal(await page.locator('.install button').isHidden(), true);
    await page.locator('select[name="language"]').selectOption('ar');
    await page.waitForFunction(() => document.querySelector('.install-help').textContent.startsWith('لإبقاء'));
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
