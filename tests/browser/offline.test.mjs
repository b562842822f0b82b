// A citizen with an unreliable connection: after one online visit the app
// and what they read open with no connection at all; what they send offline
// waits on the phone, through reloads, and is counted once when the
// connection comes back; a new version of the app waits until they choose
// to reload into it.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCompressedCopies } from '../../scripts/compress.mjs';
import { writePrecache } from '../../scripts/precache.mjs';
import {
  axeViolations, controlled, copyOfBuild, launchBrowser, launchPhoneProfile, openPhonePage, recordsOnPhone, startServer,
  waitUntil,
} from './harness.mjs';

const WATER = 'water-services-2027';
const ROAD = 'coastal-road-plan';

/// Resolves once the service worker controls the page.
/// Every URL the app shell caches hold, by cache name.
/// The worker's caches of the app shell, each with the paths it keeps.
const shellCaches = (page) =>
  page.evaluate(async () => {
    const kept = {};
    for (const name of (await caches.keys()).filter((name) => name.startsWith('baraza-shell-'))) {
      const cache = await caches.open(name);
      kept[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
    }
    return kept;
  });


describe('the app offline', () => {
  let server;
  let browser;
  // A copy of the built app, so that one test can deploy a new build of it.
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

  test('after one online visit the app and the consultation opened read offline', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(server.url);
    await page.locator(`section[data-level="consult"] a[href="/c/${WATER}"]`).click();
    await page.locator('form[data-item="tariff"]').waitFor();
    await controlled(page);
    await waitUntil('the consultation kept on the phone', async () => (await recordsOnPhone(page, 'consultations')) === 1);
    const title = await page.locator('h1').textContent();

    const caches = await shellCaches(page);
    const [shell] = Object.values(caches);
    assert.equal(Object.keys(caches).length, 1);
    assert.ok(shell.includes('/index.html') && shell.includes('/manifest.webmanifest'), shell.join(' '));
    assert.ok(shell.some((path) => path.endsWith('.wasm')) && shell.some((path) => path.endsWith('.css')));
    assert.ok(shell.includes('/icons/icon-192.png') && !shell.includes('/sw.js'));
    assert.deepEqual(shell.filter((path) => path.startsWith('/staff')), [], 'the staff side is never kept');
    assert.ok(shell.includes('/consultation/index.html'), "a consultation's page is kept with the page of /");
    assert.ok(shell.includes('/later/index.html'), 'the later screens are kept after the first load');
    assert.ok(shell.includes('/texts/en.json') && !shell.includes('/texts/fr.json'), 'the language in use is kept, no other');
    // Kept beside them, maybe a moment later (the worker fetches them once
    // it has answered the page's own).
    await waitUntil("the later screens' texts in the language in use", async () =>
      Object.values(await shellCaches(page))[0].includes('/later/texts/en.json'),
    );
    assert.ok(!Object.values(await shellCaches(page))[0].includes('/later/texts/fr.json'), 'no other language');

    await context.setOffline(true);
    await page.reload();
    await page.locator('form[data-item="tariff"]').waitFor();
    assert.equal(await page.locator('h1').textContent(), title);
    const notice = page.locator('[data-kept-since]');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^Saved on this phone\. Last updated .+\.$/);
    assert.deepEqual(await axeViolations(page), []);

    // The list too, from a link in the app and from a new start.
    await page.locator('a.brand').click();
    await page.locator(`section[data-level="consult"] a[href="/c/${WATER}"]`).waitFor();
    await page.locator('[data-kept-since]').waitFor();
    await page.goto(server.url);
    await page.locator(`li[data-consultation="${WATER}"] [data-kept]`).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    // The staff side is never answered from the phone.
    await assert.rejects(page.goto(`${server.url}/staff`));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('after one online visit to the home screen, every later screen opens offline', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(server.url);
    await page.locator(`section[data-level="consult"] a[href="/c/${WATER}"]`).waitFor();
    await controlled(page);

    await context.setOffline(true);
    await page.locator('.connection a[href="/mine"]').click();
    await page.locator('section[data-input="waiting"]').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Your input');
    await page.locator('a[href="/device"]').click();
    await page.locator('.device-data').waitFor();
    // The results screen opens too; the results themselves need the connection.
    await page.goto(`${server.url}/c/${WATER}/results`);
    await page.locator('.notice-error[role="alert"]').waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('"keep for offline" keeps a consultation not opened yet', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(server.url);
    const card = page.locator(`li[data-consultation="${ROAD}"]`);
    await card.locator('button.keep-button').click();
    await card.locator('[data-kept]').waitFor();
    await controlled(page);

    await context.setOffline(true);
    await page.goto(`${server.url}/c/${ROAD}`);
    await page.locator('[data-kept-since]').waitFor();
    const road = await (await fetch(`${server.url}/api/v1/consultations/${ROAD}`)).json();
    assert.equal(await page.locator('h1').textContent(), road.title.en);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a vote cast offline waits on the phone through a reload and is counted once back online', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    const blocks = async () =>
      (await server.api(`/consultations/${WATER}/results`)).items.find((item) => item.id === 'tariff').counts.blocks ?? 0;
    await page.goto(`${server.url}/c/${WATER}`);
    const form = page.locator('form[data-item="tariff"]');
    await form.waitFor();
    await controlled(page);
    const before = await blocks();

    await context.setOffline(true);
    await form.locator('input[type="radio"][value="blocks"]').check();
    await form.locator('button[type="submit"]').click();
    const saved = form.locator('[data-delivery="saved"]');
    await saved.waitFor();
    assert.match(await saved.textContent(), /^Saved on this phone, not counted yet/);
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);

    await page.reload();
    await saved.waitFor();
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);
    assert.equal(await blocks(), before);
    assert.deepEqual(await axeViolations(page), []);

    // The connection comes back: the vote goes by itself, and counts once.
    await context.setOffline(false);
    const counted = form.locator('[data-delivery="counted"]');
    await counted.waitFor();
    assert.match(await counted.textContent(), /^Counted — receipt \S+/);
    assert.equal(await blocks(), before + 1);
    assert.equal(await recordsOnPhone(page, 'outbox'), 0);
    await page.reload();
    await form.waitFor();
    assert.equal(await form.locator('[data-delivery]').count(), 0, 'nothing is left to send');
    assert.equal(await blocks(), before + 1);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a vote and a comment saved offline survive closing the browser and count once', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'baraza-phone-'));
    const results = async () => (await server.api(`/consultations/${WATER}/results`)).items.find((i) => i.id === 'tariff');
    const comment = `Saved on a bus, ${Date.now()}.`;
    const commentsWithIt = async () =>
      (await server.api(`/consultations/${WATER}/comments?limit=100`)).comments.filter((c) => c.body === comment).length;

    let context = await launchPhoneProfile(profile);
    let page = await context.newPage();
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    await controlled(page);
    const before = (await results()).counts['per-litre'] ?? 0;
    await context.setOffline(true);
    const vote = page.locator('form[data-item="tariff"]');
    await vote.locator('input[type="radio"][value="per-litre"]').check();
    await vote.locator('button[type="submit"]').click();
    await vote.locator('[data-delivery="saved"]').waitFor();
    const talk = page.locator('form.comment-form');
    await talk.locator('textarea[name="comment"]').fill(comment);
    await talk.locator('button[type="submit"]').click();
    await talk.locator('[data-delivery="saved"]').waitFor();
    assert.equal(await recordsOnPhone(page, 'outbox'), 2);
    await context.close();

    // The browser opens again, still without a connection: both still wait.
    context = await launchPhoneProfile(profile);
    await context.setOffline(true);
    page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"] [data-delivery="saved"]').waitFor();
    assert.equal(await recordsOnPhone(page, 'outbox'), 2);
    assert.equal((await results()).counts['per-litre'] ?? 0, before);
    assert.equal(await commentsWithIt(), 0);

    // The connection comes back: each counts once, with its receipt.
    await context.setOffline(false);
    const counted = page.locator('form[data-item="tariff"] [data-delivery="counted"]');
    await counted.waitFor();
    assert.match(await counted.textContent(), /^Counted — receipt [0-9a-f]{16}/);
    await waitUntil('the phone to be empty', async () => (await recordsOnPhone(page, 'outbox')) === 0);
    assert.equal((await results()).counts['per-litre'] ?? 0, before + 1);
    assert.equal(await commentsWithIt(), 1);
    assert.deepEqual(problems, []);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  test('a vote refused while the citizen is elsewhere stays on the phone until they have seen why', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(server.url);
    await page.locator(`a[href="/c/${WATER}"]`).click();
    const form = page.locator('form[data-item="tariff"]');
    await form.waitFor();
    await controlled(page);
    await context.setOffline(true);
    await form.locator('input[type="radio"][value="flat"]').check();
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-delivery="saved"]').waitFor();
    await page.locator('a.brand').click();
    await page.locator(`li[data-consultation="${WATER}"]`).waitFor();

    // Closed while the vote waits on the phone: the server refuses it.
    const token = server.staffToken('publisher');
    const close = await fetch(`${server.url}/api/v1/admin/consultations/${WATER}/close`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(close.status, 200);
    const refused = page.waitForResponse((response) => response.url().endsWith('/api/v1/sync'));
    await context.setOffline(false);
    const answer = await (await refused).json();
    assert.equal(answer.results[0].error.code, 'consultation_closed');

    // Not seen on the home screen, so still on the phone, even after a reload.
    await page.reload();
    await page.locator(`li[data-consultation="${WATER}"]`).waitFor();
    assert.equal(await recordsOnPhone(page, 'outbox'), 1);
    await page.locator(`a[href="/c/${WATER}"]`).click();
    const rejected = form.locator('[data-delivery="rejected"]');
    await rejected.waitFor();
    assert.equal(await rejected.textContent(),
      'Not counted: This consultation is closed.Nothing more can be done: this consultation no longer takes answers.');
    await waitUntil('the refusal seen to leave the phone', async () => (await recordsOnPhone(page, 'outbox')) === 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a new build replaces the old one when the citizen reloads', async () => {
    const { context, page, problems } = await openPhonePage(browser);
    await page.goto(server.url);
    await page.locator(`section[data-level="consult"]`).waitFor();
    await controlled(page);
    const [oldCache] = Object.keys(await shellCaches(page));
    assert.equal(await page.locator('[data-update-ready="true"]').count(), 0);

    // A new build: another page, the worker's list written again from it, and
    // both compressed again, as the server sends them.
    const marker = `<!-- build ${Date.now()} -->`;
    const index = join(dist, 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('</body>', `${marker}</body>`));
    const version = writePrecache(dist);
    writeCompressedCopies(dist, ['index.html', 'sw.js']);
    assert.ok(version && !oldCache.endsWith(version));

    // The next visit finds it; it waits, and the old version keeps running.
    await page.reload();
    const notice = page.locator('[data-update-ready="true"]');
    await notice.waitFor();
    assert.equal(await notice.locator('p').textContent(), 'A new version of Baraza is ready.');
    assert.ok(!(await page.content()).includes(marker));
    assert.deepEqual(await axeViolations(page), []);

    await notice.getByRole('button', { name: 'Reload' }).click();
    await waitUntil('the new version to run', async () => (await page.content()).includes(marker));
    await page.locator(`section[data-level="consult"]`).waitFor();
    assert.deepEqual(Object.keys(await shellCaches(page)), [`baraza-shell-${version}`]);
    assert.equal(await page.locator('[data-update-ready="true"]').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
