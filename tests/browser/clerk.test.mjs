// A clerk at a village meeting enters 20 paper ballots of the decide demo
// from the keyboard: the code printed on each paper, the projects and the
// market-day answer, then Enter. The page is reloaded mid-way and nothing
// typed is lost. Two papers carry a code already used (one by a phone, one
// by an earlier paper): the server refuses them and the screen says why.
// Each counted paper gets its receipt, and the analyst's results show 18
// ballots on paper beside the one that came online.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { axeViolations, openPhonePage, serverAndBrowser, waitUntil } from './harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VILLAGE = 'kijiji-budget-2027';
const english = JSON.parse(readFileSync(join(ROOT, 'locales/en.json'), 'utf8'));

describe('a clerk entering paper ballots', () => {
  const running = serverAndBrowser();

  test('20 paper ballots by keyboard, a reload mid-way, two used codes refused, 18 on paper in the results', async () => {
    const { server, browser } = running;
    const publisher = server.staffToken('publisher', 'Pendo Publisher');
    const issued = await fetch(`${server.url}/api/v1/admin/consultations/${VILLAGE}/codes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${publisher}` },
      body: JSON.stringify({ count: 19 }),
    });
    assert.equal(issued.status, 200);
    const codes = (await issued.text()).trim().split(/\r?\n/).slice(1);
    assert.equal(codes.length, 19);
    // One person votes on a phone with the first code.
    const online = await fetch(`${server.url}/api/v1/sync`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        participant: randomUUID(),
        code: codes[0],
        actions: [{ id: randomUUID(), consultation: VILLAGE, kind: 'ballot', item: 'market-day', ballot: { answer: 'no' } }],
      }),
    });
    assert.equal((await online.json()).results[0].status, 'accepted');
    // The papers: 18 with a code of their own, one with the phone's code,
    // one with the code of the first paper.
    const papers = [...codes.slice(1).map((code, n) => ({ code, answer: n % 2 ? 'no' : 'yes' }))];
    papers.splice(7, 0, { code: codes[0], answer: 'yes' });
    papers.push({ code: codes[1], answer: 'no' });
    assert.equal(papers.length, 20);

    const clerk = server.staffToken('clerk', 'Kassim Clerk');
    const { page, problems, context } = await openPhonePage(browser);
    await page.goto(`${server.url}/staff`);
    await page.locator('#staff-token').fill(clerk);
    await page.locator('#staff-token').press('Enter');
    await page.getByRole('link', { name: 'Enter paper ballots' }).click();
    await page.locator('#clerk-consultation').selectOption(VILLAGE);
    await page.locator('#paper-code').waitFor();

    const count = () => page.locator('.paper-count').textContent();
    const enter = async ({ code, answer }, number) => {
      await page.keyboard.type(code);
      await page.locator('#q-projects-well').press('Space');
      await page.locator(`#q-market-day-${answer}`).press('Space');
      await page.locator('#paper-code').press('Enter');
      await waitUntil(`paper ${number} entered`, async () => (await count()).startsWith(`Entered: ${number} `));
      // Ready for the next paper: the code field is empty and has the focus.
      assert.equal(await page.locator('#paper-code').inputValue(), '');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'paper-code');
    };
    await page.locator('#paper-code').focus();
    for (const [index, paper] of papers.slice(0, 10).entries()) await enter(paper, index + 1);
    assert.deepEqual(await axeViolations(page), []);

    // Half of the eleventh paper typed, then the page reloads.
    await page.keyboard.type(papers[10].code);
    await page.locator('#q-projects-well').press('Space');
    await page.reload();
    await page.locator('#paper-code').waitFor();
    assert.match(await count(), /^Entered: 10 · waiting to be sent: 10 /);
    assert.equal(await page.locator('li[data-state="waiting"]').count(), 10);
    assert.equal(await page.locator('#paper-code').inputValue(), papers[10].code, 'the half-typed code is kept');
    assert.equal(await page.locator('#q-projects-well').isChecked(), true, 'and what was marked');
    await page.locator(`#q-market-day-${papers[10].answer}`).press('Space');
    await page.locator('#paper-code').press('Enter');
    await waitUntil('paper 11 entered', async () => (await count()).startsWith('Entered: 11 '));
    await page.locator('#paper-code').focus();
    for (const [index, paper] of papers.slice(11).entries()) await enter(paper, index + 12);

    // A mistaken last entry is undone before sending, then entered again.
    await page.locator('#paper-undo').press('Enter');
    await waitUntil('the last entry undone', async () => (await count()).startsWith('Entered: 19 '));
    await page.locator('#paper-code').focus();
    await enter(papers[19], 20);

    await page.locator('#paper-send').press('Enter');
    await waitUntil('every paper answered', async () => (await page.locator('li[data-state="waiting"]').count()) === 0);
    assert.match(await count(), /^Entered: 20 · waiting to be sent: 0 · counted: 18 · refused: 2$/);
    const refused = page.locator('li[data-state="refused"]');
    assert.deepEqual(await refused.evaluateAll((items) => items.map((item) => item.dataset.entry).sort()), ['20', '8']);
    assert.ok((await refused.first().textContent()).includes(english.reject.code_used), 'the refusal says why');
    const receipts = await page.locator('li[data-state="counted"]').evaluateAll((items) => items.map((item) => item.dataset.receipt));
    assert.equal(receipts.length, 18);
    assert.ok(receipts.every((receipt) => /^[0-9a-f]{16}$/.test(receipt)));
    assert.equal(new Set(receipts).size, 18);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();

    // The analyst's results: 18 on paper, one online, counted together.
    const analyst = server.staffToken('analyst', 'Amani Analyst');
    const view = await openPhonePage(browser);
    await view.context.addInitScript((token) => sessionStorage.setItem('baraza.staff.token', token), analyst);
    await view.page.goto(`${server.url}/staff/c/${VILLAGE}/results`);
    const share = view.page.locator('[data-paper-participants]');
    await share.waitFor();
    assert.equal(await share.getAttribute('data-paper-participants'), '18');
    const marketDay = view.page.locator('tr[data-paper-item="market-day"]');
    assert.equal(await marketDay.locator('[data-count]').getAttribute('data-count'), '19');
    assert.equal(await marketDay.locator('[data-paper]').getAttribute('data-paper'), '18');
    assert.equal(await marketDay.locator('[data-online]').getAttribute('data-online'), '1');
    const changes = await fetch(`${server.url}/api/v1/admin/consultations/${VILLAGE}/changes`, { headers: { Authorization: `Bearer ${analyst}` } });
    const batch = (await changes.json()).changes.find((change) => change.action === 'paper_ballots');
    assert.equal(batch.by, 'Kassim Clerk');
    assert.equal(batch.detail, '18');
    assert.deepEqual(view.problems, []);
    await view.context.close();
  });
});
