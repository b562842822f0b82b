// Finding a consultation on the home screen: a search over titles and
// summaries in the language shown, and filters by status, topic and region,
// each reached and used with the keyboard alone, at the narrowest phone,
// in English and in Arabic, online and offline over the list kept on the
// phone; a search that finds nothing says so and offers to clear it.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { axeViolations, controlled, openPhonePage, recordsOnPhone, serverAndBrowser, waitUntil } from './harness.mjs';

const WATER = 'water-services-2027';
const ROAD = 'coastal-road-plan';
const VILLAGE = 'kijiji-budget-2027';
/// A consultation that opens next year: the one upcoming, beside the demo's open ones.
const MARKET = 'market-days-2028';

const FIELDS = ['find-words', 'find-status', 'find-topic', 'find-region'];

/// Publishes an upcoming consultation of the coast about trade.
async function publishUpcoming(server) {
  const definition = JSON.parse(readFileSync(new URL('../../demo/consultations/inform-coastal-road.json', import.meta.url), 'utf8'));
  definition.id = MARKET;
  definition.title = { en: 'Market days on the coast', fr: 'Les jours de marché sur la côte' };
  definition.summary = { en: 'When the coastal markets open next year.', fr: "Quand les marchés de la côte ouvriront l'an prochain." };
  definition.topics = ['trade'];
  definition.region = 'Coast';
  definition.opens_at = new Date(Date.now() + 300 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  definition.closes_at = new Date(Date.now() + 400 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const published = await fetch(`${server.url}/api/v1/admin/consultations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.staffToken('publisher')}`, 'content-type': 'application/json' },
    body: JSON.stringify(definition),
  });
  assert.equal(published.status, 201);
}

/// The ids of the consultations whose cards show, in page order.
const cardsShown = (page) => page.locator('li.card').evaluateAll((cards) => cards.map((card) => card.dataset.consultation));

/// The id of the element that has the focus.
const focused = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/// Presses Tab until `target` (an id, or a locator) has the focus: it is
/// reachable by keyboard, in the page's order.
async function tabTo(page, target) {
  const element = typeof target === 'string' ? page.locator(`#${target}`) : target;
  for (let presses = 0; presses < 40; presses++) {
    if (await element.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`${target} is never reached with Tab`);
}

/// Chooses the option labelled `label` of the focused `<select>` with the
/// arrow keys, as a keyboard user does.
async function arrowTo(page, label) {
  const select = page.locator('select:focus');
  const labels = await select.locator('option').allTextContents();
  const wanted = labels.findIndex((text) => text.trim() === label);
  assert.ok(wanted >= 0, `no option "${label}" in the focused select: ${labels.join(', ')}`);
  for (let presses = 0; presses < labels.length; presses++) {
    const at = await select.evaluate((s) => s.selectedIndex);
    if (at === wanted) return;
    await page.keyboard.press(at < wanted ? 'ArrowDown' : 'ArrowUp');
  }
  assert.equal(await select.evaluate((s) => s.selectedIndex), wanted, `"${label}" chosen with the arrow keys`);
}

/// Whether the page scrolls sideways at its width.
const scrollsSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe('finding a consultation', () => {
  const running = serverAndBrowser();
  before(() => publishUpcoming(running.server));

  test('search and filters, by keyboard alone at 320 px: every field labelled, a search that finds nothing is cleared', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { width: 320 });
    await page.goto(running.server.url);
    await page.locator(`li.card[data-consultation="${WATER}"]`).waitFor();
    assert.deepEqual((await cardsShown(page)).sort(), [ROAD, MARKET, WATER, VILLAGE].sort());

    // Each card says where and what about, labelled.
    const water = page.locator(`li.card[data-consultation="${WATER}"] .card-tags`);
    assert.deepEqual(await water.locator('dt').allTextContents(), ['Region', 'Topics']);
    assert.equal(await water.locator('dd.region').textContent(), 'Capital District');
    assert.deepEqual(await water.locator('.topics li').allTextContents(), ['water', 'services']);

    // Every field has its visible label, and Tab reaches them in order.
    for (const id of FIELDS) assert.ok((await page.locator(`label[for="${id}"]`).textContent()).trim(), `#${id} has a label`);
    assert.deepEqual(await page.locator('#find-status option').allTextContents(), ['Any status', 'Open', 'Upcoming']);
    assert.deepEqual(await page.locator('#find-topic option').allTextContents(), ['All topics', 'budget', 'infrastructure', 'services', 'trade', 'transport', 'water']);
    assert.deepEqual(await page.locator('#find-region option').allTextContents(), ['All regions', 'Capital District', 'Coast', 'Kijiji']);
    for (const id of FIELDS) await tabTo(page, id);

    // Words, in any order and case, in the title and summary.
    await tabTo(page, 'find-words');
    await page.keyboard.type('TARIFFS water');
    await waitUntil('the search to find the water consultation', async () => (await cardsShown(page)).join() === WATER);
    assert.equal(await page.locator('.found').textContent(), '1 consultation found');
    assert.deepEqual(await page.locator('section.level').evaluateAll((s) => s.map((l) => l.dataset.level)), ['consult'], 'only levels with a match');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await waitUntil('every consultation again', async () => (await cardsShown(page)).length === 4);
    assert.equal(await page.locator('.found').textContent(), '', 'nothing to say without a search');

    // A status, then a region as well.
    await tabTo(page, 'find-status');
    await arrowTo(page, 'Upcoming');
    await waitUntil('the upcoming consultation alone', async () => (await cardsShown(page)).join() === MARKET);
    await arrowTo(page, 'Any status');
    await tabTo(page, 'find-region');
    await arrowTo(page, 'Coast');
    await waitUntil('the coast', async () => (await cardsShown(page)).sort().join() === [ROAD, MARKET].sort().join());
    assert.equal(await page.locator('.found').textContent(), '2 consultations found');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), 'find-topic');
    await arrowTo(page, 'trade');
    await waitUntil('trade on the coast', async () => (await cardsShown(page)).join() === MARKET);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await scrollsSideways(page), false);

    // Nothing found: said, and one key press from everything again.
    await page.locator('#find-words').focus();
    await page.keyboard.type('bridges');
    const clear = page.locator('.found button');
    await clear.waitFor();
    assert.equal(await page.locator('.found p').textContent(), 'No consultation matches your search and filters.');
    assert.equal(await page.locator('section.level').count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    await tabTo(page, clear);
    await page.keyboard.press('Enter');
    await waitUntil('every consultation after clearing', async () => (await cardsShown(page)).length === 4);
    assert.equal(await focused(page), 'find-words', 'the focus goes back to the search');
    assert.equal(await page.locator('#find-words').inputValue(), '');
    for (const id of ['find-status', 'find-topic', 'find-region']) assert.equal(await page.locator(`#${id}`).inputValue(), '', `#${id} cleared`);
    assert.equal(await page.locator('section.level').count(), 3);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Arabic, offline over the list kept on the phone, the search reads the texts shown', async () => {
    const { context, page, problems } = await openPhonePage(running.browser, { width: 320 });
    await context.addInitScript(() => localStorage.setItem('baraza.language', 'ar'));
    await page.goto(running.server.url);
    await page.locator(`li.card[data-consultation="${WATER}"]`).waitFor();
    await controlled(page);
    await waitUntil('the list kept on the phone', async () => (await recordsOnPhone(page, 'lists')) === 1);

    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-kept-since]').waitFor();
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.locator('label[for="find-words"]').textContent(), 'ابحث في العناوين والملخصات');
    const words = page.locator('#find-words');
    await words.focus();
    // The water consultation is written in Arabic; the village's budget is
    // shown in Swahili, its default language, and found by its Swahili words.
    await page.keyboard.type('المياه');
    await waitUntil('the water consultation, by its Arabic title', async () => (await cardsShown(page)).join() === WATER);
    await words.fill('bajeti');
    await waitUntil('the village budget, by its Swahili title', async () => (await cardsShown(page)).join() === VILLAGE);
    await words.fill('budget');
    await page.locator('.found button').waitFor();
    assert.equal(await page.locator('.found p').textContent(), 'لا توجد مشاورة تطابق بحثك وعوامل التصفية.');
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await scrollsSideways(page), false);
    await page.locator('.found button').click();
    await waitUntil('every consultation, offline', async () => (await cardsShown(page)).length === 4);
    await page.locator('#find-region').selectOption('Kijiji');
    await waitUntil('the region filter, offline', async () => (await cardsShown(page)).join() === VILLAGE);
    assert.equal(await page.locator('.found').textContent(), 'عُثر على مشاورة واحدة');
    assert.equal(await scrollsSideways(page), false);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
