// Sending what the citizen saved on the phone when the server is not well:
// a server that fails or never answers loses nothing and counts each action
// once; a vote saved offline before a close is counted within the grace
// window and refused without one, with the reason; two tabs never send the
// same action; a new version of the app keeps what waits; and the citizen
// can see and erase what the phone keeps.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCompressedCopies } from '../../scripts/compress.mjs';
import { writePrecache } from '../../scripts/precache.mjs';
import {
  axeViolations, controlled, copyOfBuild, launchBrowser, openPhonePage, recordsOnPhone, startServer, waitUntil,
} from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WATER = 'water-services-2027';
const SYNC = '**/api/v1/sync';


const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/// Votes for `choice` on the tariff question of the page's consultation.
async function voteTariff(page, choice) {
  const form = page.locator('form[data-item="tariff"]');
  await form.locator(`input[type="radio"][value="${choice}"]`).check();
  await form.locator('button[type="submit"]').click();
  return form;
}

describe('sync', () => {
  let server;
  let browser;
  let dist;
  let build;

  before(async () => {
    build = copyOfBuild();
    dist = build.dist;
    server = await startServer({ dist });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.stop();
    build.remove();
  });

  const tariff = async (id = WATER) =>
    (await server.api(`/consultations/${id}/results`)).items.find((item) => item.id === 'tariff');

  /// Publishes a copy of the water consultation as `id`, closing in `closesInMs`.
  async function publishClosingSoon(id, closesInMs, graceHours) {
    const definition = JSON.parse(readFileSync(join(ROOT, 'demo/consultations/consult-water-services.json'), 'utf8'));
    definition.id = id;
    definition.opens_at = isoSeconds(Date.now() - 60_000);
    definition.closes_at = isoSeconds(Date.now() + closesInMs);
    if (graceHours) definition.offline_grace_hours = graceHours;
    else delete definition.offline_grace_hours;
    const response = await fetch(`${server.url}/api/v1/admin/consultations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.staffToken('publisher')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(definition),
    });
    assert.equal(response.status, 201, await response.text());
    return Date.parse(definition.closes_at);
  }

  test('a server that fails, then hangs, loses nothing: the timer sends again and it counts once', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    const before = (await tariff()).counts.blocks ?? 0;
    const header = page.locator('.connection[data-connection="online"]');
    await header.waitFor();

    // The first try gets a 500, the next never gets an answer at all.
    const tries = [];
    await page.route(SYNC, async (route) => {
      tries.push(Date.now());
      if (tries.length === 1) {
        await route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"internal","message":"down"}}' });
      }
    });
    const form = await voteTariff(page, 'blocks');
    await form.locator('[data-delivery="saved"]').waitFor();
    const status = page.locator('.connection');
    assert.equal(await status.getAttribute('data-waiting'), '1');
    assert.match(await status.textContent(), /1 action saved on this phone/);
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);
    assert.deepEqual(await axeViolations(page), []);

    // Tried again by the timer, within the first backoff (1 s at most).
    await waitUntil('a second try', () => tries.length >= 2, 5_000);
    assert.ok(tries[1] - tries[0] < 3_000, `retried after ${tries[1] - tries[0]} ms`);
    assert.equal(await page.locator('.connection').getAttribute('data-connection'), 'syncing');
    // The server is back while that try hangs: the app gives up on it and tries again.
    await page.unroute(SYNC);
    const counted = form.locator('[data-delivery="counted"]');
    await counted.waitFor({ timeout: 20_000 });
    assert.equal(tries.length, 2);
    const receipt = (await counted.textContent()).match(/receipt (\S+)/)[1];
    assert.equal((await tariff()).counts.blocks ?? 0, before + 1);
    assert.equal(await recordsOnPhone(page, 'outbox'), 0);
    await page.locator('.connection[data-waiting="0"]').waitFor();

    // "Your input" has it as counted, with its receipt to copy.
    await page.locator('.connection').getByRole('link', { name: 'Your input' }).click();
    const mine = page.locator('section[data-input="counted"]');
    await mine.locator('[data-receipt]').waitFor();
    assert.equal(await mine.locator('[data-receipt]').inputValue(), receipt);
    // Named by the titles the citizen read, not by ids.
    assert.match(await mine.textContent(), /Answer to “Which tariff is fairest\?” in Water services: what should change in 2027\?/);
    await mine.getByRole('button', { name: 'Copy the receipt' }).click();
    await page.locator('.copied').getByText('Receipt copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), receipt);
    await page.locator('section[data-input="waiting"]').getByText('Nothing is waiting to be sent.').waitFor();
    await page.locator('section[data-input="refused"]').getByText('Nothing was refused.').waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.reload();
    await mine.locator('[data-receipt]').waitFor();
    assert.equal((await tariff()).counts.blocks ?? 0, before + 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a server that says "too many requests" is given the time it asks for, and nothing is lost', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    const before = (await tariff()).counts.flat ?? 0;
    const tries = [];
    await page.route(SYNC, async (route) => {
      tries.push(Date.now());
      if (tries.length === 1) {
        await route.fulfill({
          status: 429,
          headers: { 'Retry-After': '3' },
          contentType: 'application/json',
          body: '{"error":{"code":"too_many_requests","message":"too many requests from this address; try again in 3 s"}}',
        });
      } else {
        await route.continue();
      }
    });
    const form = await voteTariff(page, 'flat');
    await form.locator('[data-delivery="saved"]').waitFor();
    await form.locator('[data-delivery="counted"]').waitFor({ timeout: 10_000 });
    assert.equal(tries.length, 2);
    // Its own first backoff would have been 1 s at most.
    assert.ok(tries[1] - tries[0] >= 3_000, `tried again after ${tries[1] - tries[0]} ms`);
    assert.equal((await tariff()).counts.flat ?? 0, before + 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a vote saved offline before the close counts within the grace window and is refused without one', async () => {
    const closesAt = Math.max(
      await publishClosingSoon('grace-vote', 12_000, 1),
      await publishClosingSoon('no-grace-vote', 12_000, 0),
    );
    const phones = [];
    for (const id of ['grace-vote', 'no-grace-vote']) {
      const phone = await openPhonePage(browser);
      await phone.page.goto(`${server.url}/c/${id}`);
      await phone.page.locator('[data-deadline]').waitFor();
      await phone.context.setOffline(true);
      const form = await voteTariff(phone.page, 'flat');
      await form.locator('[data-delivery="saved"]').waitFor();
      assert.equal(await phone.page.locator('.connection').getAttribute('data-connection'), 'offline');
      phones.push({ ...phone, id, form });
    }
    assert.ok(Date.now() < closesAt, 'both votes were cast before the close');
    await new Promise((r) => setTimeout(r, closesAt - Date.now() + 1_000));

    const [grace, noGrace] = phones;
    await grace.context.setOffline(false);
    await grace.form.locator('[data-delivery="counted"]').waitFor();
    assert.equal((await tariff('grace-vote')).counts.flat, 1);

    await noGrace.context.setOffline(false);
    const refused = noGrace.form.locator('[data-delivery="rejected"]');
    await refused.waitFor();
    assert.equal(await refused.textContent(),
      'Not counted: This consultation is closed.Nothing more can be done: this consultation no longer takes answers.');
    assert.equal((await tariff('no-grace-vote')).ballots, 0);
    // "Your input" says why, and what the citizen can still do.
    await noGrace.page.locator('.connection a').click();
    const section = noGrace.page.locator('section[data-input="refused"]');
    await section.locator('[data-refused="consultation_closed"]').waitFor();
    assert.match(await section.textContent(), /This consultation is closed\.Nothing more can be done/);
    assert.deepEqual(await axeViolations(noGrace.page), []);
    for (const phone of phones) {
      assert.deepEqual(phone.problems, []);
      await phone.context.close();
    }
  });

  test('two tabs never send the same action: it counts once and no answer is a duplicate', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    const second = await context.newPage();
    const before = await tariff();
    const sent = [];
    const answers = [];
    // Every batch the server answered, and its answers.
    context.on('response', async (response) => {
      if (!response.url().endsWith('/api/v1/sync')) return;
      sent.push(...JSON.parse(response.request().postData()).actions.map((a) => a.id));
      answers.push(...(await response.json()).results.map((r) => r.status));
    });
    for (const tab of [page, second]) {
      await tab.goto(`${server.url}/c/${WATER}`);
      await tab.locator('form[data-item="tariff"]').waitFor();
    }
    await context.setOffline(true);
    await voteTariff(page, 'per-litre');
    const scale = page.locator('form[data-item="satisfaction"]');
    await scale.locator('input[type="radio"][value="4"]').check();
    await scale.locator('button[type="submit"]').click();
    await waitUntil('both votes saved', async () => (await recordsOnPhone(page, 'outbox')) === 2);
    assert.deepEqual(sent, []);

    // Both tabs hear the connection come back and both sync.
    await context.setOffline(false);
    await waitUntil('both votes to leave the phone', async () => (await recordsOnPhone(page, 'outbox')) === 0);
    await waitUntil('both tabs to be done', async () =>
      (await Promise.all([page, second].map((tab) => tab.locator('.connection').getAttribute('data-connection')))).every(
        (state) => state === 'online',
      ),
    );
    await waitUntil('the answers read', () => answers.length >= sent.length);
    assert.equal(sent.length, 2, `sent: ${sent.join(' ')}`);
    assert.equal(new Set(sent).size, 2);
    assert.deepEqual(answers, ['accepted', 'accepted']);
    const now = await tariff();
    assert.equal(now.ballots, before.ballots + 1);
    assert.equal(now.counts['per-litre'] ?? 0, (before.counts['per-litre'] ?? 0) + 1);
    // The other tab learns the answer from the phone.
    await second.reload();
    await second.locator('.connection[data-connection="online"][data-waiting="0"]').waitFor();
    assert.equal(sent.length, 2);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a new version of the app replaces the old one and keeps what waits to be sent', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    await controlled(page);
    const before = await tariff();
    await page.route(SYNC, (route) => route.abort('connectionfailed'));
    const form = await voteTariff(page, 'flat');
    await form.locator('[data-delivery="saved"]').waitFor();

    const marker = `<!-- build ${Date.now()} -->`;
    // The page of a consultation's address, which this tab shows.
    const index = join(dist, 'consultation/index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('</body>', `${marker}</body>`));
    const version = writePrecache(dist);
    writeCompressedCopies(dist, ['consultation/index.html', 'sw.js']);
    await page.reload();
    const notice = page.locator('[data-update-ready="true"]');
    await notice.waitFor();
    await notice.getByRole('button', { name: 'Reload' }).click();
    await waitUntil('the new version to run', async () => (await page.content()).includes(marker));
    await form.locator('[data-delivery="saved"]').waitFor();
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);
    assert.equal(await page.locator('.connection').getAttribute('data-waiting'), '1');
    assert.deepEqual(
      await page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('baraza-shell-'))),
      [`baraza-shell-${version}`],
    );

    await page.unroute(SYNC);
    await form.locator('[data-delivery="counted"]').waitFor({ timeout: 20_000 });
    assert.equal((await tariff()).ballots, before.ballots + 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the device screen says what the phone keeps and erases it after flagging what waits', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    await controlled(page);
    await page.locator('#language').selectOption('fr');
    // The French texts arrive before the switch.
    await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
    await context.setOffline(true);
    const form = await voteTariff(page, 'blocks');
    await form.locator('[data-delivery="saved"]').waitFor();
    const participant = await page.evaluate(() => localStorage.getItem('baraza.participant'));

    await page.locator('.connection a').click();
    await page.locator('section[data-input="waiting"] li').waitFor();
    await page.locator('a[href="/device"]').click();
    // Kept consultations, actions waiting, answers kept.
    await page.locator('.device-data[data-counts="1 1 0"]').waitFor();
    assert.match(await page.locator('.device-data').textContent(), new RegExp(participant));
    assert.match(await page.locator('.device-data').textContent(), /Votre choix de langue : Français/);
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Effacer les données de ce téléphone' }).click();
    const confirm = page.locator('[data-confirm-erase]');
    await confirm.waitFor();
    assert.match(await confirm.textContent(), /^1 de vos actions n’est pas encore comptée/);
    assert.deepEqual(await axeViolations(page), []);
    await confirm.getByRole('button', { name: 'Garder mes données' }).click();
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);

    await page.getByRole('button', { name: 'Effacer les données de ce téléphone' }).click();
    await confirm.getByRole('button', { name: 'Effacer quand même' }).click();
    await page.locator('[data-erased]').waitFor();
    for (const store of ['outbox', 'answers', 'consultations', 'lists']) {
      assert.equal(await recordsOnPhone(page, store), 0, store);
    }
    await page.locator('.device-data[data-counts="0 0 0"]').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('baraza.language')), null);
    assert.notEqual(await page.evaluate(() => localStorage.getItem('baraza.participant')), participant);
    assert.match(await page.locator('[data-erased]').textContent(), /^Everything Baraza kept on this phone was erased\.$/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
