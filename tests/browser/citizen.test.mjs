// A citizen on a phone: finds a consultation by its level, votes, sees the
// count go up, switches to Arabic, and every screen passes axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { axeViolations, openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';

const WATER = 'water-services-2027';
const ARABIC = JSON.parse(readFileSync(new URL('../../locales/ar.json', import.meta.url), 'utf8'));

describe('the citizen app on a phone', () => {
  const running = serverAndBrowser();

  test('the home screen groups consultations under their level', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(running.server.url);
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
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/${WATER}/results`);
    const count = page.locator('[data-results-item="tariff"] [data-option="blocks"] [data-count]');
    await count.waitFor();
    const before = Number(await count.textContent());

    await page.getByRole('link', { name: 'Back to the consultation' }).click();
    const form = page.locator('form[data-item="tariff"]');
    await form.locator('input[type="radio"][value="blocks"]').check();
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-delivery="counted"]').waitFor();

    await page.getByRole('link', { name: 'See the results' }).click();
    await waitUntil('the count to go up', async () => Number(await count.textContent()) === before + 1);
    const results = await running.server.api(`/consultations/${WATER}/results`);
    assert.equal(results.items.find((item) => item.id === 'tariff').counts.blocks, before + 1);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('with the keyboard alone a citizen reaches a question, answers it and sees where the focus is', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/${WATER}`);
    const form = page.locator('form[data-item="tariff"]');
    await form.waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { tag: el.tagName, name: el.getAttribute('name'), type: el.getAttribute('type'), item: el.closest('form')?.dataset.item, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
      });
    // Tab through the page, in order, until the tariff's options.
    let at;
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      at = await focused();
      assert.ok(at.ring, `the focused ${at.tag} shows a focus ring`);
      if (at.item === 'tariff' && at.type === 'radio') break;
    }
    assert.equal(at.type, 'radio', 'the first option of the question is reachable by Tab');
    // Arrow keys pick an option; Tab moves on to the send button; Enter sends.
    await page.keyboard.press('ArrowDown');
    const chosen = await form.locator('input[type="radio"]:checked').getAttribute('value');
    assert.ok(chosen, 'an option is chosen with the arrow keys');
    await page.keyboard.press('Tab');
    assert.equal((await focused()).type, 'submit');
    await page.keyboard.press('Enter');
    await form.locator('[data-delivery="counted"]').waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a citizen posts a comment and sees it listed', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/${WATER}`);
    const form = page.locator('form.comment-form');
    await form.locator('textarea[name="comment"]').fill('The kiosk at the market closes too early.');
    await form.locator('button[type="submit"]').click();
    await form.locator('[data-delivery="counted"]').waitFor();
    await page.locator('.comment-list li', { hasText: 'The kiosk at the market closes too early.' }).waitFor();
    const listed = await running.server.api(`/consultations/${WATER}/comments`);
    assert.equal(listed.comments[0].body, 'The kiosk at the market closes too early.');
    assert.equal(await form.locator('textarea[name="comment"]').inputValue(), '', 'the form is emptied once counted');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('the comments come after the page, and a failed download of them offers to try again', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    // The list is a wasm file of its own (scripts/split.mjs); the network
    // drops just as the page asks for it.
    let online = false;
    await page.route(/\/consultation\/split_comments-[0-9a-f]{16}\.wasm$/, (route) =>
      online ? route.continue() : route.abort('internetdisconnected'),
    );
    await page.goto(`${running.server.url}/c/${WATER}`);
    const comments = page.locator('section.comments');
    const retry = comments.locator('[role="alert"] button');
    await retry.waitFor();
    // The page itself stays usable: the ballot forms and the comment form.
    assert.equal(await page.locator('form.comment-form textarea').isEnabled(), true);
    assert.ok((await page.locator('.items input').count()) > 0);
    online = true;
    await retry.click();
    await comments.locator('.comment-list li', { hasText: 'The kiosk at the market closes too early.' }).waitFor();
    assert.equal(await comments.locator('[role="alert"]').count(), 0);
    const failedDownload = /split_comments|Failed to fetch|ERR_INTERNET_DISCONNECTED|Failed to load resource/;
    assert.deepEqual(problems.filter((problem) => !failedDownload.test(problem)), []);
    await context.close();
  });

  test('a citizen agrees with a comment, changes their mind, replies to it and reads the replies', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/${WATER}`);
    const form = page.locator('form.comment-form').first();
    const body = 'Could the kiosks open before the market?';
    await form.locator('textarea').fill(body);
    assert.equal(await form.locator('.comment-length').textContent(), `${body.length} of 2000 characters`);
    await form.locator('button[type="submit"]').click();
    const comment = page.locator('section.comments > ol.comment-list > li', { hasText: body });
    await comment.waitFor();

    const reaction = (name) => comment.locator('.reactions').first().getByRole('button', { name });
    await reaction(/^Agree/).click();
    await waitUntil('agree pressed', async () => (await reaction(/^Agree/).getAttribute('aria-pressed')) === 'true');
    await reaction(/^Disagree/).click();
    await waitUntil('disagree pressed instead', async () =>
      (await reaction(/^Disagree/).getAttribute('aria-pressed')) === 'true' &&
      (await reaction(/^Agree/).getAttribute('aria-pressed')) === 'false');
    const counts = async () => {
      const listed = await running.server.api(`/consultations/${WATER}/comments`);
      const stored = listed.comments.find((c) => c.body === body);
      return stored && `${stored.agree}/${stored.disagree}`;
    };
    await waitUntil('the newer reaction counted in place of the older', async () => (await counts()) === '0/1');

    await comment.getByRole('button', { name: 'Reply' }).click();
    const reply = comment.locator('form.comment-form');
    await reply.locator('textarea').fill('Yes, at six in the morning.');
    await reply.locator('button[type="submit"]').click();
    // Once counted, the list shows the comment's replies on request.
    const show = page
      .locator('section.comments > ol.comment-list > li', { hasText: body })
      .getByRole('button', { name: 'Show 1 reply' });
    await show.click();
    await page.locator('ol.replies > li', { hasText: 'Yes, at six in the morning.' }).waitFor();
    const listed = await running.server.api(`/consultations/${WATER}/comments`);
    assert.equal(listed.comments.find((c) => c.body === body).replies, 1);
    assert.ok(!listed.comments.some((c) => c.body === 'Yes, at six in the morning.'), 'replies stay under their comment');

    await page.selectOption('#comment-order', 'agreed');
    await page.locator('section.comments > ol.comment-list > li').first().waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a citizen marks an information section useful, then changes their mind', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/coastal-road-plan`);
    const section = page.locator('section.item-info').first();
    const mark = (name) => section.getByRole('group', { name: 'Was this useful?' }).getByRole('button', { name });
    await mark('Yes').click();
    await waitUntil('yes pressed', async () => (await mark('Yes').getAttribute('aria-pressed')) === 'true');
    await mark('No').click();
    await waitUntil('no pressed instead', async () =>
      (await mark('No').getAttribute('aria-pressed')) === 'true' && (await mark('Yes').getAttribute('aria-pressed')) === 'false');
    // Once nothing waits on the phone, the mark is the server's answer kept
    // on the phone, and a reload still shows it.
    await page.locator('.connection[data-connection="online"][data-waiting="0"]').waitFor();
    await page.reload();
    await waitUntil('the mark kept after a reload', async () => (await mark('No').getAttribute('aria-pressed')) === 'true');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a citizen shares a consultation, finds its poster and its results as open data', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.server.url });
    await page.goto(`${running.server.url}/c/${WATER}`);
    const share = page.locator('section.share');
    await share.getByRole('button', { name: 'Share' }).click();
    // Headless Chromium on Linux has no share sheet: the link is copied.
    await share.getByRole('status').getByText('Link copied.', { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${running.server.url}/c/${WATER}`);

    const csv = await page.locator('.open-data a', { hasText: 'CSV' }).getAttribute('href');
    const answer = await page.request.get(`${running.server.url}${csv}`);
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()['content-type'], /text\/csv/);
    assert.match(await page.locator('.open-data').textContent(), /CC-BY-4\.0/);

    await share.getByRole('link', { name: 'A poster to print for a meeting' }).click();
    await page.waitForURL(`${running.server.url}/c/${WATER}/poster`);
    await page.locator('svg').first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('switching to Arabic lays the app out right to left', async () => {
    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    const englishHeading = await page.locator('h1').textContent();
    await page.locator('select[name="language"]').selectOption('ar');
    await waitUntil('dir="rtl"', async () => (await page.locator('html').getAttribute('dir')) === 'rtl');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    await waitUntil('the Arabic title', async () => (await page.locator('h1').textContent()) !== englishHeading);
    assert.equal(await page.locator('h1').textContent(), 'خدمات المياه: ما الذي يجب أن يتغير في عام 2027؟');
    assert.deepEqual(await axeViolations(page), []);
    // Installed now, the app is named and described in Arabic.
    const manifestPath = await page.locator('link[rel="manifest"]').getAttribute('href');
    assert.equal(manifestPath, '/manifest.ar.webmanifest');
    const manifest = await (await fetch(`${running.server.url}${manifestPath}`)).json();
    assert.equal(manifest.lang, 'ar');
    assert.equal(manifest.dir, 'rtl');
    assert.equal(manifest.name, ARABIC.app.manifest_name);
    assert.equal(manifest.short_name, ARABIC.app.name);
    assert.equal(manifest.description, ARABIC.home.intro);
    assert.equal(manifest.start_url, '/');

    // The choice is remembered on the next visit.
    await page.goto(running.server.url);
    await page.locator('section[data-level="consult"]').waitFor();
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('near the close, the deadline rule is stated before voting', async () => {
    // A vote closing in three hours, whose answers saved offline count for two more days.
    const definition = JSON.parse(readFileSync(new URL('../../demo/consultations/decide-village-budget.json', import.meta.url), 'utf8'));
    definition.id = 'closing-soon';
    definition.eligibility = 'codes';
    definition.offline_grace_hours = 48;
    definition.opens_at = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    definition.closes_at = new Date(Date.now() + 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const published = await fetch(`${running.server.url}/api/v1/admin/consultations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.server.staffToken('publisher')}`, 'content-type': 'application/json' },
      body: JSON.stringify(definition),
    });
    assert.equal(published.status, 201);

    const { page, problems, context } = await openPhonePage(running.browser);
    await page.goto(`${running.server.url}/c/closing-soon`);
    const notice = page.locator('[data-deadline]');
    await notice.waitFor();
    assert.match(await notice.textContent(), /^Voting closes .+\. An answer saved on this phone without a connection still counts if it reaches the server by .+\.$/);
    assert.equal(await page.locator(`[data-deadline]`).count(), 1);
    await page.goto(`${running.server.url}/c/${WATER}`);
    await page.locator('form[data-item="tariff"]').waitFor();
    assert.equal(await page.locator('[data-deadline]').count(), 0, 'a month before the close, nothing to say');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
