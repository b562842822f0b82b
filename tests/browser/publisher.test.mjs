// A publisher at a ministry: signs in with a staff token, uploads a broken
// definition and sees every problem at its path, uploads a good one and
// finds it on the citizen home screen under its level, writes the outcome
// citizens then read, closes a consultation early, archives and anonymises
// one, and issues participation codes from the Arabic, right-to-left staff
// screens, where the problems of a file are said in Arabic.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DAY_MS = 24 * 60 * 60 * 1000;
const WATER = 'water-services-2027';
const VILLAGE = 'kijiji-budget-2027';
const ROAD = 'coastal-road-plan';

/// A new inform consultation, open now, made from the road demo.
function harbourDefinition() {
  const definition = JSON.parse(readFileSync(join(ROOT, 'demo/consultations/inform-coastal-road.json'), 'utf8'));
  definition.id = 'harbour-plan-2027';
  definition.title = { en: 'Harbour plan 2027', fr: 'Plan du port 2027', ar: 'خطة الميناء 2027' };
  definition.opens_at = new Date(Date.now() - DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  definition.closes_at = new Date(Date.now() + 30 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  return definition;
}

/// The staff texts of a language, as the app has them.
const locale = (language) => JSON.parse(readFileSync(join(ROOT, `locales/${language}.json`), 'utf8'));

/// A problem's text as the app fills it in: each value kept in its own
/// direction between Unicode isolates.
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => `\u2068${values[name]}\u2069`);

function file(name, definition) {
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(definition, null, 2)) };
}

describe('a publisher', () => {
  const running = serverAndBrowser();

  async function signIn(page, token) {
    await page.goto(`${running.server.url}/staff`);
    await page.locator('#staff-token').fill(token);
    await page.locator('form.staff-sign-in button[type="submit"]').click();
  }

  test('a wrong token is refused with a message', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await signIn(page, 'baraza_00000000_wrong');
    await page.locator('#token-problem').waitFor();
    assert.equal(await page.locator('.staff-bar').count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('publishes a consultation after fixing what the checks found', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await signIn(page, running.server.staffToken('publisher', 'Amina Juma'));
    await page.locator('.staff-bar').waitFor();
    await page.locator(`.staff-list [data-consultation="${WATER}"]`).waitFor();

    const broken = harbourDefinition();
    broken.closes_at = broken.opens_at;
    broken.items[0].id = 'Stage One';
    broken.summary = { fr: 'Résumé seulement en français' };
    await page.locator('#definition-file').setInputFiles(file('harbour.json', broken));
    await page.locator('form.publish-form button[type="submit"]').click();
    const refused = page.locator('[data-refused]');
    await refused.waitFor();
    const found = [['closes_at', 'closes_not_after_opens'], ['items[0].id', 'slug'], ['summary', 'default_text_missing']];
    for (const [path, code] of found) {
      await refused.locator(`[data-problem-path="${path}"][data-problem-code="${code}"]`).waitFor();
    }
    const english = locale('en').problem;
    assert.equal(
      await refused.locator('[data-problem-path="summary"] > span').textContent(),
      fill(english.default_text_missing, { language: 'en' }),
    );
    assert.equal(await page.locator('.staff-list [data-consultation="harbour-plan-2027"]').count(), 0);
    assert.equal((await fetch(`${running.server.url}/api/v1/consultations/harbour-plan-2027`)).status, 404, 'nothing saved');
    assert.deepEqual(await axeViolations(page), []);

    await page.locator('#definition-file').setInputFiles(file('harbour.json', harbourDefinition()));
    await page.locator('form.publish-form button[type="submit"]').click();
    await page.locator('[data-published="harbour-plan-2027"]').waitFor();
    await page.locator('.staff-list [data-consultation="harbour-plan-2027"]').waitFor();

    const citizen = await context.newPage();
    await citizen.goto(running.server.url);
    await citizen.locator('section[data-level="inform"] a[href="/c/harbour-plan-2027"]').waitFor();
    assert.equal(await citizen.locator('section[data-level="consult"] a[href="/c/harbour-plan-2027"]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('writes the outcome citizens read, and closes early', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await signIn(page, running.server.staffToken('publisher', 'Amina Juma'));
    await page.locator(`.staff-list [data-consultation="${WATER}"] a`).first().click();
    await page.locator('form.outcome-form').waitFor();
    await page.locator('#outcome-en').fill('Block tariffs start in March, as most of you asked.');
    await page.locator('form.outcome-form button[type="submit"]').click();
    await page.locator('.change-log [data-change="outcome"]').waitFor();

    const close = page.locator('[data-action="close"]');
    await close.locator('button').click();
    await close.locator('button', { hasText: /yes|close now/i }).first().click();
    await page.locator('.change-log [data-change="closed"]').waitFor();
    assert.equal(await page.locator('[data-action="close"]').count(), 0, 'a closed consultation cannot be closed again');
    assert.deepEqual(await axeViolations(page), []);

    const definition = await running.server.api(`/consultations/${WATER}`);
    assert.ok(Date.parse(definition.closes_at) <= Date.now(), 'closed now');
    const citizen = await context.newPage();
    await citizen.goto(`${running.server.url}/c/${WATER}`);
    const outcome = citizen.locator('section.outcome');
    await outcome.waitFor();
    assert.match(await outcome.textContent(), /Block tariffs start in March/);
    assert.equal(await citizen.locator('form[data-item="tariff"] button[type="submit"]:not([disabled])').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('archives and anonymises a consultation once it is over', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await signIn(page, running.server.staffToken('publisher', 'Amina Juma'));
    await page.locator(`.staff-list [data-consultation="${ROAD}"] a`).first().click();
    const anonymise = page.locator('[data-action="anonymise"]');
    await anonymise.locator('button').click();
    await anonymise.locator('button', { hasText: locale('en').staff.anonymise_confirm }).click();
    await page.locator('.change-log [data-change="anonymised"]').waitFor();
    await page.locator('.change-log [data-change="archived"]').waitFor();
    assert.equal(await page.locator('[data-action="anonymise"]').count(), 0, 'anonymised once and for good');
    assert.equal(await page.locator('[data-action="archive"]').count(), 0, 'archived with it');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('issues participation codes from the Arabic screens', async () => {
    const { page, problems, context } = await openPhonePage(running.browser, { locale: 'ar' });
    await signIn(page, running.server.staffToken('publisher', 'أمينة'));
    await waitUntil('dir="rtl"', async () => (await page.locator('html').getAttribute('dir')) === 'rtl');

    // The problems of a file are said in Arabic, from their codes and values.
    const arabic = locale('ar').problem;
    const broken = harbourDefinition();
    broken.closes_at = broken.opens_at;
    broken.summary = { fr: 'Résumé seulement en français' };
    broken.items[0].id = 'Stage One';
    await page.locator('#definition-file').setInputFiles(file('harbour.json', broken));
    await page.locator('form.publish-form button[type="submit"]').click();
    const refused = page.locator('[data-refused]');
    await refused.waitFor();
    const said = (path) => refused.locator(`[data-problem-path="${path}"] > span`).textContent();
    assert.equal(await said('closes_at'), arabic.closes_not_after_opens);
    assert.equal(await said('summary'), fill(arabic.default_text_missing, { language: 'en' }));
    assert.equal(await refused.locator('[data-problem-code]').count(), await refused.locator('li').count());
    for (const text of await refused.locator('li > span').allTextContents()) {
      assert.match(text, /[\u0600-\u06FF]/, `not in Arabic: ${text}`);
    }
    assert.equal(await refused.locator('[lang="en"]').count(), 0, 'no English message is left');

    // A file that does not follow the format: the Arabic sentence, then the
    // reader's explanation as it is.
    const typo = harbourDefinition();
    typo.comments_enabled = true;
    await page.locator('#definition-file').setInputFiles(file('harbour.json', typo));
    await page.locator('form.publish-form button[type="submit"]').click();
    const format = page.locator('[data-refused] [data-problem-path="comments_enabled"][data-problem-code="format"] > span');
    await format.waitFor();
    const [sentence] = arabic.format.split('{detail}');
    const explained = await format.textContent();
    assert.ok(explained.startsWith(`${sentence}\u2068unknown field \`comments_enabled\``), explained);
    assert.deepEqual(await axeViolations(page), []);
    await page.locator(`.staff-list [data-consultation="${VILLAGE}"] a`).first().click();
    await page.locator('#codes-count').fill('5');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('form.codes-form button[type="submit"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), `${VILLAGE}-codes.csv`);
    const text = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/).filter(Boolean);
    assert.equal(lines[0], 'code');
    assert.equal(lines.length, 6);
    for (const code of lines.slice(1)) assert.match(code, /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    await page.locator('.change-log [data-change="codes_issued"]').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    // A code from the file lets a citizen vote; the same code on another phone does not.
    const vote = async (participant) => (await fetch(`${running.server.url}/api/v1/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        participant,
        code: lines[1].toLowerCase(),
        actions: [{ id: crypto.randomUUID(), consultation: VILLAGE, kind: 'ballot', item: 'market-day', ballot: { answer: 'yes' } }],
      }),
    })).json();
    assert.equal((await vote(crypto.randomUUID())).results[0].status, 'accepted');
    assert.equal((await vote(crypto.randomUUID())).results[0].error.code, 'code_used');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
