// Usable at 320 px wide, in right-to-left languages, and no
// layout that breaks when text is 40% longer. Every citizen screen, in
// English and Arabic, at the narrowest phone: nothing sticks out sideways
// (content meant to scroll, such as wide data tables, scrolls in its own box).
// Every staff screen too, each also without an accessibility violation
// axe-core finds.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { axeViolations, openPhonePage, serverAndBrowser } from './harness.mjs';

const SCREENS = ['/', '/c/water-services-2027', '/c/coastal-road-plan', '/c/kijiji-budget-2027', '/mine', '/device'];

/// The elements that reach past either side of the window, outside any box
/// that scrolls sideways on purpose; and whether the page itself scrolls.
const overflow = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrollsSideways = (el) => {
      for (let up = el.parentElement; up; up = up.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return true;
      }
      return false;
    };
    const name = (el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
    const outside = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      // Text kept for screen readers only is one pixel wide, on purpose.
      if (box.width <= 1 || box.height <= 1 || scrollsSideways(el)) continue;
      if (box.right > width + 1 || box.left < -1) outside.push(`${name(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
    }
    return { pageScrolls: document.documentElement.scrollWidth > width, outside: outside.slice(0, 5) };
  });

/// Makes every text on the page 40% longer, words included.
const lengthenText = (page) =>
  page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      if (text.trim()) node.data = text + text.trim().slice(0, Math.ceil(text.trim().length * 0.4));
    }
  });

describe('citizen screens at 320 px', () => {
  const running = serverAndBrowser();

  for (const language of ['en', 'ar']) {
    test(`nothing sticks out sideways in ${language}, even with text 40% longer`, async () => {
      const { page, problems, context } = await openPhonePage(running.browser, { width: 320 });
      await context.addInitScript((language) => localStorage.setItem('baraza.language', language), language);
      for (const path of SCREENS) {
        await page.goto(`${running.server.url}${path}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        assert.equal(await page.getAttribute('html', 'lang'), language);
        assert.deepEqual(await overflow(page), { pageScrolls: false, outside: [] }, `${path} in ${language}`);
        await lengthenText(page);
        assert.deepEqual(await overflow(page), { pageScrolls: false, outside: [] }, `${path} in ${language}, text 40% longer`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
});

/// Every staff screen, with the role that sees the most of it, and what
/// shows once it has loaded.
const STAFF_SCREENS = [
  { path: '/staff', role: null, ready: 'form.staff-sign-in' },
  { path: '/staff', role: 'publisher', ready: '.publish-form' },
  { path: '/staff/c/water-services-2027', role: 'publisher', ready: '.outcome-form' },
  { path: '/staff/c/kijiji-budget-2027', role: 'publisher', ready: '.codes-form' },
  { path: '/staff/c/water-services-2027', role: 'analyst', ready: '.change-log' },
  { path: '/staff/c/water-services-2027/results', role: 'analyst', ready: '.moderation-list' },
  { path: '/staff/receipts', role: 'analyst', ready: '.receipt-form' },
  { path: '/staff/clerk', role: 'clerk', ready: '.paper-form' },
];

describe('staff screens at 320 px', () => {
  const running = serverAndBrowser();

  for (const language of ['en', 'ar']) {
    test(`nothing sticks out sideways in ${language}, even with text 40% longer, and axe finds nothing`, async () => {
      const { server, browser } = running;
      // A ballot and a comment, hidden with a reason, so that the results,
      // the moderation list and the change log have something to show.
      const comment = randomUUID();
      const actions = [
        { id: randomUUID(), consultation: 'water-services-2027', kind: 'ballot', item: 'tariff', ballot: { choice: 'flat' } },
        { id: comment, consultation: 'water-services-2027', kind: 'comment', item: null, reply_to: null, body: 'Kiosks close too early.', language: 'en' },
      ];
      const synced = await fetch(`${server.url}/api/v1/sync`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ participant: randomUUID(), actions }),
      });
      const receipt = (await synced.json()).results[0].receipt;
      const tokens = {
        publisher: server.staffToken('publisher'),
        analyst: server.staffToken('analyst'),
        clerk: server.staffToken('clerk'),
      };
      const hidden = await fetch(`${server.url}/api/v1/admin/comments/${comment}/hide`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.analyst}` },
        body: JSON.stringify({ reason: 'A test of the moderation entries' }),
      });
      assert.equal(hidden.status, 200);

      for (const { path, role, ready } of STAFF_SCREENS) {
        const { page, problems, context } = await openPhonePage(browser, { width: 320 });
        await context.addInitScript(([language, token]) => {
          localStorage.setItem('baraza.language', language);
          // The clerk's screen opens on the decide demo's paper ballot form.
          localStorage.setItem('baraza.clerk.consultation', 'kijiji-budget-2027');
          if (token) sessionStorage.setItem('baraza.staff.token', token);
        }, [language, role && tokens[role]]);
        await page.goto(`${server.url}${path}`);
        await page.locator(ready).first().waitFor();
        if (path === '/staff/receipts') {
          await page.locator('#receipt-input').fill(receipt);
          await page.locator('.receipt-form button[type="submit"]').click();
          await page.locator('dl.receipt-check').waitFor();
        }
        await page.waitForLoadState('networkidle');
        const screen = `${path} as ${role ?? 'nobody'} in ${language}`;
        assert.equal(await page.getAttribute('html', 'dir'), language === 'ar' ? 'rtl' : 'ltr', screen);
        assert.deepEqual(await axeViolations(page), [], screen);
        assert.deepEqual(await overflow(page), { pageScrolls: false, outside: [] }, screen);
        await lengthenText(page);
        assert.deepEqual(await overflow(page), { pageScrolls: false, outside: [] }, `${screen}, text 40% longer`);
        assert.deepEqual(problems, [], screen);
        await context.close();
      }
    });
  }
});
