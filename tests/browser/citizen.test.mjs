// A citizen on a phone: finds a consultation by its level, votes, sees the
// count go up, switches to Arabic, and every screen passes axe-core.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, launchBrowser, openPhonePage, startServer, waitUntil } from './harness.mjs';

const WATER = 'water-services-2027';

describe('the citizen app on a phone', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('the home screen groups consultations under their level', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await page.goto(server.url);
    const link = (level, id) => page.locator(`section[data-level="${level}"] a[href="/c/${id}"]`);
    await link('consult', WATER).waitFor();
    assert.equal(await link('inform', 'coastal-road-plan').count(), 1);
    assert.equal(await link('decide', 'kijiji-budget-2027').count(), 1);
    assert.equal(await link('inform', WATER).count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a citizen votes on the first item and sees the count go up', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await page.goto(server.url);
    await page.locator(`section[data-level="consult"] a[href="/c/${WATER}"]`).click();
    const count = page.locator('[data-results-item="tariff"] [data-option="blocks"] [data-count]');
    await count.waitFor();
    const before = Number(await count.textContent());

    const form = page.locator('form[data-item="tariff"]');
    await form.locator('input[type="radio"][value="blocks"]').check();
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-delivery="counted"]').waitFor();

    await waitUntil('the count to go up', async () => Number(await count.textContent()) === before + 1);
    const results = await server.api(`/consultations/${WATER}/results`);
    assert.equal(results.items.find((item) => item.id === 'tariff').counts.blocks, before + 1);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a citizen posts a comment and sees it listed', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await page.goto(`${server.url}/c/${WATER}`);
    const form = page.locator('form.comment-form');
    await form.locator('textarea[name="comment"]').fill('The kiosk at the market closes too early.');
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-delivery="counted"]').waitFor();
    await page.locator('.comment-list li', { hasText: 'The kiosk at the market closes too early.' }).waitFor();
    const listed = await server.api(`/consultations/${WATER}/comments`);
    assert.equal(listed.comments[0].body, 'The kiosk at the market closes too early.');
    assert.equal(await form.locator('textarea[name="comment"]').inputValue(), '', 'the form is emptied once counted');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('switching to Arabic lays the app out right to left', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    const englishHeading = await page.locator('h1').textContent();
    await page.locator('select[name="language"]').selectOption('ar');
    await waitUntil('dir="rtl"', async () => (await page.locator('html').getAttribute('dir')) === 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    await waitUntil('the Arabic title', async () => (await page.locator('h1').textContent()) !== englishHeading);
    assert.equal(await page.locator('h1').textContent(), 'خدمات المياه: ما الذي يجب أن يتغير في عام 2027؟');
    assert.deepEqual(await axeViolations(page), []);

    // The choice is remembered on the next visit.
    await page.goto(server.url);
    await page.locator('section[data-level="consult"]').waitFor();
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
