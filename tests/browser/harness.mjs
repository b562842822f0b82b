// Starts the real `baraza serve` on a fresh SQLite file and drives real
// headless Chromium at a phone's viewport. Nothing here is mocked.

import { spawn, execFileSync } from 'node:child_process';
import { after, before } from 'node:test';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BARAZA = process.env.BARAZA_BIN ?? join(ROOT, 'target/debug/baraza');
export const DIST = process.env.BARAZA_DIST ?? join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DAY_MS = 24 * 60 * 60 * 1000;

/// The demo consultations, re-dated to be open whenever the tests run.
function writeOpenDefinitions(dir) {
  const source = join(ROOT, 'demo/consultations');
  return readdirSync(source).map((name) => {
    const definition = JSON.parse(readFileSync(join(source, name), 'utf8'));
    definition.opens_at = new Date(Date.now() - DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    definition.closes_at = new Date(Date.now() + 30 * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(definition));
    return path;
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

export async function waitUntil(what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/// The real server on a fresh database, serving the built app from `dist`,
/// on `addr` (a free loopback port unless given), taking `writesPerMinute`
/// writes a minute from one address (0: no limit).
export async function startServer({ dist = DIST, addr, writesPerMinute = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baraza-e2e-'));
  const env = { ...process.env, BARAZA_DATABASE: join(dir, 'baraza.db') };
  execFileSync(BARAZA, ['publish', ...writeOpenDefinitions(dir)], { env, stdio: 'inherit' });
  const address = addr ?? `127.0.0.1:${await freePort()}`;
  const url = `http://${address}`;
  // Every phone of the tests shares one address: no write limit unless a
  // test asks for one (the server's own tests check it).
  const args = ['serve', '--addr', address, '--dist', dist, '--writes-per-minute', String(writesPerMinute)];
  const child = spawn(BARAZA, args, {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  await waitUntil('the server to answer', async () => {
    if (exited !== null) throw new Error(`baraza serve exited with ${exited}`);
    return (await fetch(`${url}/api/v1/consultations`)).ok;
  });
  return {
    url,
    api: async (path) => (await fetch(`${url}/api/v1${path}`)).json(),
    /// A new staff token, made with the real command line on the same database.
    staffToken: (role, name = `Test ${role}`) =>
      execFileSync(BARAZA, ['token', 'create', '--role', role, '--name', name], { env }).toString().trim(),
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// The server and a browser for the tests of the `describe` this is called
/// in: started before them, stopped after them; read `.server` and
/// `.browser` inside the tests.
export function serverAndBrowser() {
  const running = { server: null, browser: null };
  before(async () => {
    running.server = await startServer();
    running.browser = await launchBrowser();
  });
  after(async () => {
    await running.browser?.close();
    running.server?.stop();
  });
  return running;
}

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/// A phone whose browser keeps its data in `profile` between launches, as a
/// real one does when it is closed and opened again.
export function launchPhoneProfile(profile) {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, ...PHONE, locale: 'en-US' });
}

/// A new phone-sized page (390 px wide unless `width` says otherwise, with
/// Chromium's user agent unless `userAgent` names another phone's) that
/// records every page error, console error and anything the server's
/// Content-Security-Policy refused, so a test can fail on them. Responses with an error status are expected
/// in some flows and reported by the app itself, so Chromium's own
/// "Failed to load resource" lines are not counted.
export async function openPhonePage(browser, { locale = 'en-US', width = PHONE.viewport.width, userAgent } = {}) {
  const context = await browser.newContext({ ...PHONE, viewport: { ...PHONE.viewport, width }, locale, userAgent });
  // Every page of the context, before its own scripts run.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || 'inline code'}`);
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { context, page, problems };
}

/// Every axe-core violation on the page, one line each.
export async function axeViolations(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/// Waits until the service worker controls the page. Its install keeps every
/// bundle of the citizen side first, which on a busy machine can take longer
/// than the usual wait.
export const controlled = (page) =>
  waitUntil(
    'the service worker to control the page',
    () => page.evaluate(() => navigator.serviceWorker.controller !== null),
    60_000,
  );

/// How many records an object store of the app's IndexedDB holds on the phone.
export const recordsOnPhone = (page, store) =>
  page.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('baraza');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction(store).objectStore(store).count();
          count.onerror = () => reject(count.error);
          count.onsuccess = () => {
            open.result.close();
            resolve(count.result);
          };
        };
      }),
    store,
  );

/// A copy of the built app for a test to serve, so it can deploy a new
/// build of it; `remove` deletes the copy.
export function copyOfBuild() {
  const dist = mkdtempSync(join(tmpdir(), 'baraza-dist-'));
  cpSync(DIST, dist, { recursive: true });
  return { dist, remove: () => rmSync(dist, { recursive: true, force: true }) };
}
