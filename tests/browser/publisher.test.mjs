// The door of the staff screens: a wrong token is refused with a message.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, launchBrowser, openPhonePage, startServer } from './harness.mjs';

describe('the staff sign-in', () => {
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

  async function signIn(page, token) {
    await page.goto(`${server.url}/staff`);
    await page.locator('#staff-token').fill(token);
    await page.locator('form.staff-sign-in button[type="submit"]').click();
  }

  test('a wrong token is refused with a message', async () => {
    const { page, problems, context } = await openPhonePage(browser);
    await signIn(page, 'baraza_00000000_wrong');
    await page.locator('#token-problem').waitFor();
    assert.equal(await page.locator('.staff-bar').count(), 0);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
