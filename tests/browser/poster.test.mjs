// A consultation's printable poster, as a browser shows and prints it:
// accessible (axe-core) on screen and in print, with one language or three
// and Arabic read right to left, with its dates written as each language
// writes them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, openPhonePage, serverAndBrowser } from './harness.mjs';

describe('the poster', () => {
  const running = serverAndBrowser();

  for (const [consultation, query] of [
    ['water-services-2027', '?languages=ar,fr,en'],
    ['kijiji-budget-2027', '?languages=sw,en&paper=a3'],
  ]) {
    test(`${consultation}${query} has no accessibility violation, on screen or in print`, async () => {
      const { context, page, problems } = await openPhonePage(running.browser);
      const answer = await page.goto(`${running.server.url}/c/${consultation}/poster${query}`);
      assert.equal(answer.status(), 200);
      await page.locator('.qr svg').waitFor();
      // The closing date in each block as its language writes it (node's
      // Intl, from the same CLDR data, gives the month's name).
      const { closes_at: closesAt } = await running.server.api(`/consultations/${consultation}`);
      const closes = new Date(closesAt);
      for (const language of ['en', 'fr'].filter((language) => query.includes(language))) {
        const month = new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(closes);
        const block = await page.locator(`section.language[lang="${language}"]`).textContent();
        assert.ok(block.includes(`${closes.getUTCDate()} ${month} ${closes.getUTCFullYear()}`), `${language}: ${block}`);
      }
      assert.deepEqual(await axeViolations(page), [], 'on screen');
      await page.emulateMedia({ media: 'print' });
      assert.deepEqual(await axeViolations(page), [], 'in print');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});
