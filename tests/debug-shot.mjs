import { launchBrowser, openPhonePage, startServer } from './browser/harness.mjs';
import { randomUUID } from 'node:crypto';
const server = await startServer();
const browser = await launchBrowser();
const token = server.staffToken('analyst', 'Amani Analyst');
const W = 'water-services-2027';
const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
for (const [i, t] of ['blocks', 'blocks', 'flat'].entries()) {
  const actions = [{ id: randomUUID(), consultation: W, kind: 'ballot', item: 'tariff', ballot: { choice: t }, cast_at: at },
    { id: randomUUID(), consultation: W, kind: 'ballot', item: 'kiosk-sites', ballot: { ranking: i ? ['school'] : ['market', 'bus'] }, cast_at: at },
    { id: randomUUID(), consultation: W, kind: 'ballot', item: 'satisfaction', ballot: { value: i + 2 }, cast_at: at },
    { id: randomUUID(), consultation: W, kind: 'comment', item: null, reply_to: null, body: `Comment ${i}`, language: 'en' }];
  await fetch(`${server.url}/api/v1/sync`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ participant: randomUUID(), actions }) });
}
const { page, problems } = await openPhonePage(browser);
await page.goto(`${server.url}/staff`);
await page.locator('#staff-token').fill(token);
await page.locator('form.staff-sign-in button[type="submit"]').click();
await page.locator('.staff-bar').waitFor();
await page.goto(`${server.url}/staff/c/${W}/results`);
await page.locator('[data-results-item="tariff"] table').waitFor();
await page.locator('[data-results-item="tariff"]').screenshot({ path: '/tmp/shot-tariff.png' });
await page.locator('[data-results-item="kiosk-sites"]').screenshot({ path: '/tmp/shot-kiosk.png' });
await page.locator('[data-results-item="satisfaction"]').screenshot({ path: '/tmp/shot-scale.png' });
await page.locator('section.moderation').screenshot({ path: '/tmp/shot-moderation.png' });
await page.locator('section[aria-labelledby="participation-title"]').screenshot({ path: '/tmp/shot-participation.png' });
if (process.argv[2] === 'ar') {
  await page.locator('#language').selectOption('ar');
  await page.waitForTimeout(500);
  await page.locator('[data-results-item="tariff"]').screenshot({ path: '/tmp/shot-ar.png' });
}
await page.goto(`${server.url}/c/${W}`);
await page.locator('[data-results-item="tariff"] table').waitFor();
await page.locator('[data-results-item="tariff"]').screenshot({ path: '/tmp/shot-citizen.png' });
console.log(problems);
await browser.close();
server.stop();
