// A publisher writes consultations in the editor, without touching a file:
// builds the water-services demo consultation in forms by keyboard alone,
// downloads it as a file equal in meaning to the demo's (which `baraza
// validate` accepts), previews it at phone width in each language, keeps it
// as a draft no citizen sees, and publishes it; a broken budget is shown at
// its field in Arabic and keeps publishing blocked. axe-core finds nothing
// on the editor at 390 and 320 px, in English and Arabic.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, BARAZA, openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WATER = JSON.parse(readFileSync(join(ROOT, 'demo/consultations/consult-water-services.json'), 'utf8'));
const locale = (language) => JSON.parse(readFileSync(join(ROOT, `locales/${language}.json`), 'utf8'));
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => `\u2068${values[name]}\u2069`);

/// The element id the editor gives the field at a definition's path.
const field = (path) => `#field-${path.replace(/[^A-Za-z0-9]/g, '-')}`;

/// A definition as its meaning: keys in order, nothing null, times as instants.
function meaning(value, key = '') {
  if (Array.isArray(value)) return value.map((entry) => meaning(entry));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((name) => value[name] !== null)
        .sort()
        .map((name) => [name, meaning(value[name], name)]),
    );
  }
  return key.endsWith('_at') ? Date.parse(value) : value;
}

/// Keyboard only: each control is focused and typed into, chosen from or
/// pressed with the keys a person would use.
function keyboard(page) {
  return {
    async type(selector, text) {
      const control = page.locator(selector);
      await control.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(String(text));
      // Lists of topics and dates are taken when the field is left.
      await page.keyboard.press('Tab');
    },
    async press(selector) {
      await page.locator(selector).focus();
      await page.keyboard.press('Enter');
    },
    async choose(selector, value) {
      await page.locator(selector).focus();
      await page.locator(selector).selectOption(value);
    },
  };
}

describe('a publisher in the editor', () => {
  const running = serverAndBrowser();
  let draftAddress;

  async function signIn(page, token, path = '/staff/editor') {
    await page.goto(`${running.server.url}${path}`);
    await page.locator('#staff-token').fill(token);
    await page.locator('form.staff-sign-in button[type="submit"]').press('Enter');
    await page.locator('.staff-bar').waitFor();
  }

  async function typeTexts(keys, path, texts) {
    for (const [language, text] of Object.entries(texts)) await keys.type(field(`${path}.${language}`), text);
  }

  test('builds the water-services consultation by keyboard, downloads it and publishes it', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    const keys = keyboard(page);
    await signIn(page, running.server.staffToken('publisher', 'Amina Juma'), '/staff');
    await keys.press('a.editor-link');
    await page.locator('#start-scratch').waitFor();
    await keys.press('#start-scratch');
    await page.locator(field('id')).waitFor();
    draftAddress = new URL(page.url()).pathname;
    assert.match(draftAddress, /^\/staff\/editor\/[0-9a-f-]{36}$/);

    for (const language of ['fr', 'ar']) {
      await keys.choose('#add-language', language);
      await keys.press('#add-language-button');
    }
    await keys.type(field('id'), WATER.id);
    await keys.choose(field('level'), WATER.level);
    for (const text of ['title', 'summary', 'body', 'organization']) await typeTexts(keys, text, WATER[text]);
    await keys.type(field('topics'), WATER.topics.join(', '));
    await keys.type(field('region'), WATER.region);
    for (const moment of ['opens_at', 'closes_at']) {
      // As a datetime-local field shows it: in this computer's time zone.
      const local = await page.evaluate((at) => {
        const date = new Date(at);
        const two = (n) => String(n).padStart(2, '0');
        // Chromium shows whole minutes without their seconds.
        const seconds = date.getSeconds() ? `:${two(date.getSeconds())}` : '';
        return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}${seconds}`;
      }, WATER[moment]);
      await page.locator(field(moment)).focus();
      await page.locator(field(moment)).fill(local);
      await page.keyboard.press('Tab');
    }
    await keys.choose(field('eligibility'), WATER.eligibility);
    await keys.choose(field('results'), WATER.results);
    assert.equal(await page.locator(field('comments')).isChecked(), WATER.comments);

    for (const [index, item] of WATER.items.entries()) {
      const at = `items[${index}]`;
      await keys.choose('#new-item-type', item.type);
      await keys.press('[data-add="items"]');
      await page.locator(field(`${at}.id`)).waitFor();
      assert.equal(await page.locator(field(`${at}.type`)).inputValue(), item.type);
      await keys.type(field(`${at}.id`), item.id);
      await typeTexts(keys, `${at}.title`, item.title);
      for (const number of ['min', 'max', 'max_length']) {
        if (number in item) await keys.type(field(`${at}.${number}`), item[number]);
      }
      if (item.method) await keys.choose(field(`${at}.method`), item.method);
      for (const label of ['min_label', 'max_label']) {
        if (item[label]) await typeTexts(keys, `${at}.${label}`, item[label]);
      }
      for (const [position, option] of (item.options ?? []).entries()) {
        await keys.press(`[data-add="${at}.options"]`);
        await keys.type(field(`${at}.options[${position}].id`), option.id);
        await typeTexts(keys, `${at}.options[${position}].label`, option.label);
      }
    }
    await page.locator('#problem-summary[role="status"]').waitFor();
    assert.equal(await page.locator('#editor-publish').isDisabled(), false);

    // Reordering by keyboard moves an option, and back.
    await keys.press(`${field('items[0]')} [aria-label="Choice 1: move down"]`);
    assert.equal(await page.locator(field('items[0].options[1].id')).inputValue(), 'flat');
    await keys.press(`${field('items[0]')} [aria-label="Choice 2: move up"]`);
    assert.equal(await page.locator(field('items[0].options[0].id')).inputValue(), 'flat');

    // The file the editor writes is the demo's in meaning, and `baraza validate` takes it.
    const [download] = await Promise.all([page.waitForEvent('download'), keys.press('#editor-download')]);
    assert.equal(download.suggestedFilename(), `${WATER.id}.json`);
    const written = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.deepEqual(meaning(written), meaning(WATER));
    execFileSync(BARAZA, ['validate', await download.path()], { stdio: 'pipe' });

    // The preview shows the first question at phone width, in each language.
    const preview = page.locator('[data-preview]');
    const tariff = preview.locator('form[data-item="tariff"]');
    await tariff.waitFor();
    const box = await tariff.boundingBox();
    assert.ok(box.width > 0 && box.x >= 0 && box.x + box.width <= 390, `the first question is ${JSON.stringify(box)}`);
    assert.equal((await tariff.locator('legend').textContent()).trim(), WATER.items[0].title.en);
    await keys.choose('#preview-language', 'ar');
    await waitUntil('the preview in Arabic', async () =>
      (await tariff.locator('legend').textContent()).trim() === WATER.items[0].title.ar);
    assert.equal(await preview.locator('button[type="submit"]:not([disabled])').count(), 0, 'nothing is sent from a preview');
    assert.deepEqual(await axeViolations(page), []);

    // Kept as a draft under a new id: citizens see nothing of it until it is published.
    await keys.type(field('id'), 'water-services-2028');
    await keys.press('#editor-save');
    await page.locator('[data-saved]').waitFor();
    const listed = () => running.server.api('/consultations').then((list) => list.consultations.map((c) => c.id));
    assert.ok(!(await listed()).includes('water-services-2028'));
    assert.equal((await fetch(`${running.server.url}/api/v1/consultations/water-services-2028`)).status, 404);
    const citizen = await context.newPage();
    await citizen.goto(`${running.server.url}/c/water-services-2028`);
    await citizen.locator('main h1').waitFor();
    assert.equal(await citizen.locator('form[data-item="tariff"]').count(), 0);
    await citizen.close();

    await keys.press('#editor-publish');
    await page.locator('[data-published="water-services-2028"]').waitFor();
    assert.ok((await listed()).includes('water-services-2028'));

    // It has opened: only its texts and closing date stay editable, the rest read-only with the reason.
    await page.reload();
    await page.locator('#locked-reason').waitFor();
    assert.equal(await page.locator(field('id')).getAttribute('readonly'), '');
    assert.equal(await page.locator(field('id')).getAttribute('aria-describedby'), 'locked-reason');
    assert.equal(await page.locator(field('items[0].options[0].id')).getAttribute('readonly'), '');
    assert.ok(await page.locator('[data-add="items"]').isDisabled());
    assert.equal(await page.locator(field('title.fr')).getAttribute('readonly'), null);
    assert.equal(await page.locator(field('closes_at')).getAttribute('readonly'), null);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('shows a broken budget at its field in Arabic and keeps publishing blocked', async () => {
    const { page, problems, context } = await openPhonePage(running.browser, { locale: 'ar' });
    const keys = keyboard(page);
    await signIn(page, running.server.staffToken('publisher', 'أمينة'));
    await waitUntil('dir="rtl"', async () => (await page.locator('html').getAttribute('dir')) === 'rtl');
    await keys.choose('#start-level', 'decide');
    await keys.press('#start-example');
    const cost = field('items[0].projects[1].cost');
    await page.locator(cost).waitFor();
    assert.equal(await page.locator('#editor-publish').isDisabled(), false, 'the example publishes as it is');

    await keys.type(cost, '6000000');
    const problem = page.locator(`${cost}-problems [data-problem-code="project_cost_over_total"]`);
    await problem.waitFor();
    const arabic = locale('ar').problem.project_cost_over_total;
    assert.equal(await problem.textContent(), fill(arabic, { cost: '6000000', total: '5000000' }));
    assert.equal(await page.locator(cost).getAttribute('aria-invalid'), 'true');
    const summary = page.locator(`#problem-summary a[href="${cost}"]`);
    assert.equal(await summary.count(), 1, 'the summary links to the field');
    assert.ok(await page.locator('#editor-publish').isDisabled(), 'publishing is blocked');
    await keys.press(`#problem-summary a[href="${cost}"]`);
    assert.deepEqual(await axeViolations(page), []);
    // A draft may be kept with its problems.
    await keys.press('#editor-save');
    await page.locator('[data-saved]').waitFor();

    const draft = new URL(page.url()).pathname;
    const narrow = await openPhonePage(running.browser, { locale: 'ar', width: 320 });
    await signIn(narrow.page, running.server.staffToken('publisher', 'أمينة'), draft);
    await narrow.page.locator(`${cost}-problems`).waitFor();
    assert.deepEqual(await axeViolations(narrow.page), []);
    assert.deepEqual(narrow.problems, []);
    await narrow.context.close();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('has no accessibility violations at 320 px in English', async () => {
    assert.ok(draftAddress, 'the draft of the first test');
    const { page, problems, context } = await openPhonePage(running.browser, { width: 320 });
    await signIn(page, running.server.staffToken('publisher', 'Amina Juma'), draftAddress);
    await page.locator('[data-preview] form[data-item="tariff"]').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.goto(`${running.server.url}/staff/editor`);
    await page.locator(`a[href="${draftAddress}"]`).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the staff page and the citizens never load the editor', async () => {
    const { page, context } = await openPhonePage(running.browser);
    const loaded = [];
    page.on('request', (request) => loaded.push(new URL(request.url()).pathname));
    await page.goto(`${running.server.url}/staff`);
    await page.locator('#staff-token').waitFor();
    await page.goto(running.server.url);
    await page.locator('main h1').waitFor();
    assert.deepEqual(loaded.filter((path) => path.startsWith('/staff/editor/')), []);
    await context.close();
  });
});
