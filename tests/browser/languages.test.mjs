// The seven interface languages in a real browser: each starts from the
// browser's own language and shows every screen in it, with the right `lang`
// and `dir` and no text missing; a language used once switches back with no
// connection, one never used says why it cannot yet.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, controlled, openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';
import { flatten, languages, readLocale } from '../../scripts/texts.mjs';

const WATER = 'water-services-2027';
const ROAD = 'coastal-road-plan';
const KEYS = Object.keys(flatten(readLocale('en')));

/// Texts on the page that show as their key: a text the language's file
/// lacks. Keys are dotted lower-case words (`home.title`).
const missingTexts = (page) =>
  page.evaluate((keys) => keys.filter((key) => document.body.innerText.includes(key)), KEYS);

/// Where each screen is, and what shows it is drawn.
const SCREENS = [
  ['/', 'section[data-level="consult"] .card'],
  [`/c/${WATER}`, 'form[data-item="tariff"]'],
  ['/staff', 'form'],
];

describe('seven languages', () => {
  const running = serverAndBrowser();

  for (const tag of languages()) {
    test(`a browser in ${tag} gets every screen in ${tag}`, async () => {
      const { context, page, problems } = await openPhonePage(running.browser, { locale: tag });
      const dir = new Intl.Locale(tag).textInfo.direction;
      const texts = flatten(readLocale(tag));
      for (const [path, drawn] of SCREENS) {
        await page.goto(`${running.server.url}${path}`);
        await page.locator(drawn).first().waitFor();
        assert.equal(await page.locator('html').getAttribute('lang'), tag, path);
        assert.equal(await page.locator('html').getAttribute('dir'), dir, path);
        assert.deepEqual(await missingTexts(page), [], `${tag} ${path}: texts shown as their key`);
        assert.equal(await page.locator('label[for="language"]').textContent(), texts['app.language'], path);
        if (['en', 'ar', 'zh-Hans'].includes(tag)) assert.deepEqual(await axeViolations(page), [], `${tag} ${path}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  test('a language used once switches back with no connection; one never used says why', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { locale: 'en-GB' });
    await page.goto(`${running.server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    await controlled(page);
    await page.locator('#language').selectOption('sw');
    await page.locator('html[lang="sw"]').waitFor({ state: 'attached' });
    await page.locator('#language').selectOption('en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });

    await context.setOffline(true);
    await page.reload();
    await page.locator('form[data-item="tariff"]').waitFor();
    await page.locator('#language').selectOption('sw');
    await page.locator('html[lang="sw"]').waitFor({ state: 'attached' });
    const swahili = flatten(readLocale('sw'));
    assert.equal(await page.locator('label[for="language"]').textContent(), swahili['app.language']);

    await page.locator('#language').selectOption('ru');
    const refused = page.locator('.language-unavailable');
    await refused.waitFor();
    assert.equal(await refused.textContent(), swahili['app.language_unavailable'].replace('{language}', 'Русский'));
    assert.equal(await page.locator('html').getAttribute('lang'), 'sw', 'the language stays');
    await waitUntil('the switch to show the language in use', async () => (await page.locator('#language').inputValue()) === 'sw');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a consultation reads in Kiswahili while the interface stays English', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { locale: 'en-KE' });
    await page.goto(`${running.server.url}/c/${ROAD}`);
    const title = page.locator('h1');
    await waitUntil('the English title', async () => (await title.textContent()) === 'The coastal road plan, 2027–2030');
    await page.locator('#reading-language').selectOption('sw');
    await waitUntil('the Kiswahili title', async () => (await title.textContent()) === 'Mpango wa barabara ya pwani, 2027–2030');
    assert.equal(await title.getAttribute('lang'), 'sw');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the interface stays English');
    assert.equal(await page.locator('label[for="reading-language"]').textContent(), 'Read this consultation in');
    assert.deepEqual(await axeViolations(page), []);

    // Remembered for the next visit.
    await page.reload();
    await waitUntil('the Kiswahili title again', async () => (await title.textContent()) === 'Mpango wa barabara ya pwani, 2027–2030');
    assert.equal(await page.locator('#reading-language').inputValue(), 'sw');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
