// Staff tools: a receipt a citizen shows is pasted into the check screen,
// which says what it was for, that it is authentic and whether it still
// counts; and a staff member who sends changes faster than the server takes
// them is told how long to wait, not that the server failed.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, launchBrowser, openPhonePage, serverAndBrowser, startServer } from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WATER = 'water-services-2027';

async function signIn(page, server, token) {
  await page.goto(`${server.url}/staff`);
  await page.locator('#staff-token').fill(token);
  await page.locator('form.staff-sign-in button[type="submit"]').click();
  await page.locator('.staff-bar').waitFor();
}

/// A ballot sent as a phone sends it; answers its receipt.
async function ballotReceipt(server, participant, choice) {
  const action = { id: randomUUID(), consultation: WATER, kind: 'ballot', item: 'tariff', ballot: { choice } };
  const response = await fetch(`${server.url}/api/v1/sync`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ participant, actions: [action] }),
  });
  const { results } = await response.json();
  assert.equal(results[0].status, 'accepted');
  return results[0].receipt;
}

describe('the receipt check', () => {
  const running = serverAndBrowser();

  test('a pasted receipt shows its action, authentic, and whether it still counts', async () => {
    const participant = randomUUID();
    const replaced = await ballotReceipt(running.server, participant, 'flat');
    const standing = await ballotReceipt(running.server, participant, 'blocks');
    const token = running.server.staffToken('analyst', 'Amani Analyst');
    const { page, problems, context } = await openPhonePage(running.browser);
    await signIn(page, running.server, token);
    await page.getByRole('link', { name: 'Check a receipt' }).click();
    await page.locator('#receipt-input').waitFor();

    const check = async (typed) => {
      await page.locator('#receipt-input').fill(typed);
      await page.getByRole('button', { name: 'Check', exact: true }).click();
    };
    // Read out in capitals, in groups: the same receipt.
    await check(standing.toUpperCase().match(/.{4}/g).join(' '));
    const found = page.locator(`dl.receipt-check[data-receipt="${standing}"]`);
    await found.waitFor();
    assert.equal(await found.getAttribute('data-kind'), 'ballot');
    assert.equal(await found.locator('[data-authentic]').getAttribute('data-authentic'), 'true');
    assert.equal(await found.locator('[data-standing]').getAttribute('data-standing'), 'true');
    const shown = await found.textContent();
    assert.match(shown, /A ballot/);
    assert.match(shown, new RegExp(WATER));
    assert.match(shown, /tariff/);
    assert.deepEqual(await axeViolations(page), []);

    await check(replaced);
    const older = page.locator(`dl.receipt-check[data-receipt="${replaced}"]`);
    await older.waitFor();
    assert.equal(await older.locator('[data-standing]').getAttribute('data-standing'), 'false');
    assert.match(await older.textContent(), /a newer answer from the same person replaced it/);

    await check('not a receipt');
    await page.getByRole('alert').filter({ hasText: 'This is not a receipt' }).waitFor();
    await check('0123456789abcdef');
    await page.getByRole('alert').filter({ hasText: 'No input on this server has this receipt' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});

describe('a staff member over the write limit', () => {
  test('is told to wait as many seconds as the server asks, not that it failed', async () => {
    // One change a minute from this address: the second publish is refused.
    const server = await startServer({ writesPerMinute: 1 });
    const browser = await launchBrowser();
    try {
      // A new consultation each time, so that each publish is one.
      const demo = JSON.parse(readFileSync(join(ROOT, 'demo/consultations/inform-coastal-road.json'), 'utf8'));
      const day = 24 * 60 * 60 * 1000;
      const definition = (id) => Buffer.from(JSON.stringify({
        ...demo,
        id,
        opens_at: new Date(Date.now() - day).toISOString().replace(/\.\d+Z$/, 'Z'),
        closes_at: new Date(Date.now() + 30 * day).toISOString().replace(/\.\d+Z$/, 'Z'),
      }));
      const token = server.staffToken('publisher', 'Pendo Publisher');
      const { page, problems, context } = await openPhonePage(browser);
      await signIn(page, server, token);
      const publish = async (id) => {
        await page.locator('#definition-file').setInputFiles({ name: `${id}.json`, mimeType: 'application/json', buffer: definition(id) });
        await page.locator('form.publish-form button[type="submit"]').click();
      };
      await publish('harbour-plan-2027');
      await page.locator('[data-published="harbour-plan-2027"]').waitFor();
      await publish('market-plan-2027');
      const refusal = page.locator('.publish-outcome [role="alert"]');
      await refusal.waitFor();
      const text = await refusal.textContent();
      const seconds = Number(text.match(/wait (\d+) seconds?/)?.[1]);
      assert.ok(seconds >= 1 && seconds <= 60, `the wait comes from Retry-After: ${text}`);
      assert.match(text, /^Too many requests from this connection\./);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await browser.close();
      server.stop();
    }
  });
});
