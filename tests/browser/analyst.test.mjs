// An analyst signs in, reads the results of a consultation that has ballots
// (chart, sentence and table agree with what was sent), downloads the
// ballots CSV, hides a comment with a reason and shows it again (both in the
// change log), reads the charts in Arabic laid out right to left, and pages
// through the comments in either order and by language.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { axeViolations, launchBrowser, openPhonePage, startServer, waitUntil } from './harness.mjs';

const WATER = 'water-services-2027';
const RUDE = 'The meter readers are thieves, every one of them.';

/// What five participants send: a tariff each, a satisfaction value and a
/// ranking; the first also comments.
const PARTICIPANTS = [
  { tariff: 'blocks', satisfaction: 4, ranking: ['market', 'school'] },
  { tariff: 'blocks', satisfaction: 2, ranking: ['school', 'market'] },
  { tariff: 'blocks', satisfaction: 5, ranking: ['clinic', 'market'] },
  { tariff: 'flat', satisfaction: 4, ranking: ['market'] },
  { tariff: 'per-litre', satisfaction: 3, ranking: ['bus', 'school'] },
];

async function sync(server, participant, actions) {
  const response = await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ participant, actions }),
  });
  assert.equal(response.status, 200);
  const { results } = await response.json();
  assert.deepEqual(results.map((r) => r.status), actions.map(() => 'accepted'));
}

describe('the analyst results screen', () => {
  let server;
  let browser;
  let token;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    token = server.staffToken('analyst', 'Amani Analyst');
    const castAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    for (const [index, sent] of PARTICIPANTS.entries()) {
      const ballot = (item, value) => ({ id: randomUUID(), consultation: WATER, kind: 'ballot', item, ballot: value, cast_at: castAt });
      const actions = [
        ballot('tariff', { choice: sent.tariff }),
        ballot('satisfaction', { value: sent.satisfaction }),
        ballot('kiosk-sites', { ranking: sent.ranking }),
      ];
      if (index === 0) {
        actions.push({ id: randomUUID(), consultation: WATER, kind: 'comment', item: null, reply_to: null, body: RUDE, language: 'en' });
      }
      await sync(server, randomUUID(), actions);
    }
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  async function openResults(page) {
    await page.goto(`${server.url}/staff`);
    await page.locator('#staff-token').fill(token);
    await page.locator('form.staff-sign-in button[type="submit"]').click();
    await page.locator('.staff-bar').waitFor();
    await page.locator(`a[href="/staff/c/${WATER}"]`).click();
    await page.locator(`a[href="/staff/c/${WATER}/results"]`).click();
    await page.locator('[data-results-item="tariff"] table').waitFor();
  }

  test('the chart and its table show the ballots sent, and the CSV downloads', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await openResults(page);
    const tariff = page.locator('[data-results-item="tariff"]');
    const count = async (option) => tariff.locator(`[data-option="${option}"] [data-count]`).getAttribute('data-count');
    assert.deepEqual([await count('flat'), await count('per-litre'), await count('blocks')], ['1', '1', '3']);
    assert.equal(
      (await tariff.locator('.chart-sentence').textContent()).trim(),
      'First 50 litres a day free, then per litre leads with 60% of 5 answers.',
    );
    assert.equal(await tariff.locator('table caption').count(), 1);
    assert.equal(await tariff.locator('th[scope="col"]').count(), 3);
    // One bar per option, as long as its share: 3 of 5 fill 60% of the track.
    const bars = tariff.locator('svg.chart rect.chart-bar');
    assert.equal(await bars.count(), 3);
    assert.equal(await tariff.locator('svg.chart').getAttribute('aria-hidden'), 'true');
    const widths = await bars.evaluateAll((rects) => rects.map((r) => r.getAttribute('width')));
    const track = Number.parseFloat(await tariff.locator('rect.chart-track').first().getAttribute('width'));
    assert.deepEqual(widths.map((w) => Math.round((Number.parseFloat(w) / track) * 100)), [20, 20, 60]);

    // The scale states its mean and median; the ranking shows its rounds.
    assert.match(await page.locator('[data-results-item="satisfaction"] .chart-sentence').textContent(), /average answer is 3\.6 and the median 4/);
    assert.ok(await page.locator('[data-results-item="kiosk-sites"] .runoff-round').count() >= 1);
    const days = page.locator('section[aria-labelledby="participation-title"] tbody tr');
    assert.equal(await days.count(), 1, 'every ballot arrived today');
    assert.equal(await days.locator('[data-count]').getAttribute('data-count'), '5');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('button[data-export="export.csv"]').click(),
    ]);
    assert.equal(download.suggestedFilename(), `${WATER}-ballots.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\uFEFFconsultation,item,item_type,'), 'the byte-order mark and header are kept');
    const tariffRows = csv.split('\r\n').filter((line) => line.startsWith(`${WATER},tariff,`));
    assert.equal(tariffRows.length, 5);
    assert.equal(tariffRows.filter((line) => line.includes(',blocks,')).length, 3);
    await page.locator('.downloads [role="status"]').waitFor();

    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an analyst hides a comment with a reason, sees it marked hidden, and shows it again', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await openResults(page);
    const comment = page.locator('li[data-comment]', { hasText: RUDE });
    const totals = page.locator('.moderation > p').first();
    const hiddenTotal = async () => Number((await totals.textContent()).match(/(\d+) of them hidden/)[1]);
    const hiddenBefore = await hiddenTotal();
    await comment.getByRole('button', { name: 'Hide…' }).click();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent?.trim());
    await waitUntil('the focus in the reason field', async () => (await focused()) === 'reason');
    // A blank reason is no reason: nothing is hidden.
    await comment.locator('textarea[name="reason"]').fill('   ');
    await comment.locator('button[type="submit"]').click();
    await comment.locator('[role="alert"]').waitFor();
    assert.equal(await comment.getAttribute('data-hidden'), 'false');

    await comment.locator('textarea[name="reason"]').fill('Insults the meter readers');
    await comment.locator('button[type="submit"]').click();
    await waitUntil('the comment to be marked hidden', async () => (await comment.getAttribute('data-hidden')) === 'true');
    const note = await comment.locator('[data-hidden-note]').textContent();
    assert.match(note, /Hidden/);
    assert.match(note, /Amani Analyst/);
    assert.match(note, /Insults the meter readers/);
    await waitUntil('the focus back on the comment', async () => (await focused()) === 'Show it again');
    assert.equal(await hiddenTotal(), hiddenBefore + 1, 'the totals count it at once');
    const listed = await server.api(`/consultations/${WATER}/comments`);
    assert.ok(!listed.comments.some((c) => c.body === RUDE), 'citizens no longer see it');
    assert.deepEqual(await axeViolations(page), []);

    // And shown again.
    await comment.getByRole('button', { name: 'Show it again' }).click();
    await waitUntil('the comment to be shown again', async () => (await comment.getAttribute('data-hidden')) === 'false');
    assert.equal(await hiddenTotal(), hiddenBefore);
    const relisted = await server.api(`/consultations/${WATER}/comments`);
    assert.ok(relisted.comments.some((c) => c.body === RUDE));

    // Both steps are in the consultation's change log: who, when, why.
    await page.locator(`a[href="/staff/c/${WATER}"]`).click();
    const hiddenEntry = page.locator('li[data-change="comment_hidden"]');
    await hiddenEntry.waitFor();
    assert.match(await hiddenEntry.textContent(), /Amani Analyst: hid comment .+ for this reason: .*Insults the meter readers/);
    assert.match(await page.locator('li[data-change="comment_restored"]').textContent(), /Amani Analyst: showed comment .+ again/);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('in Arabic the bars grow from the right', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await openResults(page);
    await page.locator('select[name="language"]').selectOption('ar');
    await waitUntil('dir="rtl"', async () => (await page.locator('html').getAttribute('dir')) === 'rtl');
    const svg = page.locator('[data-results-item="tariff"] svg.chart');
    await waitUntil('the chart drawn right to left', async () => (await svg.getAttribute('direction')) === 'rtl');
    const chart = await svg.boundingBox();
    const bar = await svg.locator('rect.chart-bar').last().boundingBox();
    const label = await svg.locator('text.chart-label').first().boundingBox();
    assert.ok(Math.abs(bar.x + bar.width - (chart.x + chart.width)) < 1, 'the bar starts at the right edge');
    assert.ok(bar.x > chart.x + chart.width / 2, 'and grows leftwards');
    assert.ok(Math.abs(label.x + label.width - (chart.x + chart.width)) < 2, 'its label starts at the right edge');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('comments come a page at a time, in either order, and by language', async () => {
    // 21 remarks after the one of the first test, the first in French and agreed with.
    const remarks = Array.from({ length: 21 }, (_, n) => ({
      id: randomUUID(), consultation: WATER, kind: 'comment', item: null, reply_to: null,
      body: `Remark ${n + 1}`, language: n === 0 ? 'fr' : 'en',
    }));
    await sync(server, randomUUID(), remarks);
    await sync(server, randomUUID(), [{ id: randomUUID(), consultation: WATER, kind: 'reaction', comment: remarks[0].id, value: 'agree' }]);

    const { page, problems, context } = await openPhonePage(browser);
    await openResults(page);
    const listed = page.locator('li[data-comment]');
    const first = async () => (await listed.first().locator('.lines').textContent()).trim();
    await listed.first().waitFor();
    assert.equal(await listed.count(), 20, 'a page is 20 comments');
    const oldest = page.locator('li[data-comment]', { hasText: RUDE });
    assert.equal(await oldest.count(), 0, 'newest first: the oldest comment is not on the first page');
    await page.getByRole('button', { name: 'More comments' }).click();
    await waitUntil('the second page', async () => (await listed.count()) === 22);
    assert.equal((await listed.last().locator('.lines').textContent()).trim(), RUDE);
    assert.equal(await page.getByRole('button', { name: 'More comments' }).count(), 0, 'no more after the last page');

    await page.locator('#comment-order').selectOption('agreed');
    await waitUntil('the most agreed first', async () => (await first()) === 'Remark 1');
    await page.locator('#comment-language').selectOption('fr');
    await waitUntil('French comments only', async () => (await listed.count()) === 1);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
