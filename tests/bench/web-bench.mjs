// The web benchmark (`scripts/web-bench`): how long the citizen app takes to
// become usable on a slow phone on a slow link, on a first visit, a repeat
// visit and an offline visit, against the floor of a one-file static page
// served the same way. It prints figures and targets; it never fails on a
// target, as it is a benchmark and not a test.
//
// Everything is real: `baraza serve` (release build) on a fresh SQLite file
// with the demo consultations, and headless Chromium, both started by the
// browser tests' harness.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeCompressedCopies } from '../../scripts/compress.mjs';
import { controlled, copyOfBuild, launchBrowser, openPhonePage, startServer, waitUntil } from '../browser/harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The phone: slow 3G (400 kbit/s = 50,000 bytes a second each way, 400 ms
// round trip) and a CPU four times slower than this machine's. The harness
// gives it a 390×844 screen.
const NETWORK = { latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const CPU_SLOWDOWN = 4;

// A consultation with questions, opened directly on its own address.
const CONSULTATION = JSON.parse(readFileSync(join(ROOT, 'demo/consultations/consult-water-services.json'), 'utf8'));

// When each screen is usable: the first element each selector matches is
// visible, enabled and not covered by anything else. The selectors name
// hooks that stay when the markup around them changes (the README lists
// them).
const SCREENS = {
  // The list of consultations: the link of the first consultation's card.
  home: { path: '/', usable: ['.card a'] },
  // A consultation: its title, and the first control of its first question.
  consultation: { path: `/c/${CONSULTATION.id}`, usable: ['h1', '.items :is(input, select, textarea, button)'] },
};
// The floor: a one-file page, usable once its title shows and it has loaded.
const FLOOR = { path: '/floor.html', usable: ['h1'], afterLoad: true };

const FIRST_VISIT_TARGET = 3.5; // times the floor
const WARM_VISIT_TARGET_MS = 500; // repeat and offline visits
const VISIT_TIMEOUT_MS = 180_000;
// A visit is over once the page has had no request open for this long.
const QUIET_MS = 1_000;

/// Runs in the page from the start of every document it loads, and notes in
/// `window.usableAt` the first animation frame (milliseconds since the
/// navigation began, which includes the request for the page itself) in
/// which the screen is usable.
function noteWhenUsable({ usable: selectors, afterLoad }) {
  const usable = (element) => {
    if (!element || element.matches(':disabled')) return false;
    if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    // The first line of a link that wraps.
    const box = element.getClientRects()[0];
    if (!box || box.width === 0 || box.height === 0) return false;
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    // A tap reaches it unless something covers its centre; one below the
    // fold counts as reachable by scrolling.
    const onScreen = x >= 0 && y >= 0 && x < innerWidth && y < innerHeight;
    return !onScreen || element.contains(document.elementFromPoint(x, y));
  };
  const check = (now) => {
    const loaded = !afterLoad || document.readyState === 'complete';
    if (loaded && selectors.every((selector) => usable(document.querySelector(selector)))) {
      window.usableAt = now;
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
}

/// `promise`, or an error naming `what` once `ms` have passed.
function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/// Makes `page` the phone: slows it down, counts what it gets over the
/// network, and notes when `screen` becomes usable.
///
/// Chromium's network emulation holds for one target, and a service worker
/// is a target of its own: the page's session also attaches to every
/// service worker the page starts and slows it down, from the moment it is
/// attached. A worker's very first requests (the start of its install) may
/// go before that. Chromium refuses a CPU slowdown for workers.
async function asPhone(page, screen) {
  await page.addInitScript(noteWhenUsable, { usable: screen.usable, afterLoad: screen.afterLoad ?? false });
  const cdp = await page.context().newCDPSession(page);

  let offline = false;
  const conditions = () => ({ offline, ...NETWORK });
  const workers = new Set();
  let lastMessage = 0;
  // Workers are reached through the page's session (`flatten: false`), as
  // Playwright's sessions cannot address a child session.
  const toWorker = (sessionId, method, params) =>
    cdp
      .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: ++lastMessage, method, params }) })
      .catch(() => {}); // the worker may stop at any time
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'service_worker') return;
    workers.add(sessionId);
    toWorker(sessionId, 'Network.emulateNetworkConditions', conditions());
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => workers.delete(sessionId));

  // The page's bytes, per request: what Chromium has received so far
  // (headers and compressed body), final once loading finishes. A request
  // the app abandons (it reads no body after a 304) keeps what came.
  const received = new Map();
  const open = new Set();
  let lastChange = Date.now();
  const opened = (requestId) => {
    open.add(requestId);
    lastChange = Date.now();
  };
  const closed = (requestId) => {
    open.delete(requestId);
    lastChange = Date.now();
  };
  cdp.on('Network.requestWillBeSent', ({ requestId }) => opened(requestId));
  cdp.on('Network.responseReceived', ({ requestId, response }) => received.set(requestId, response.encodedDataLength));
  cdp.on('Network.dataReceived', ({ requestId, encodedDataLength }) =>
    received.set(requestId, (received.get(requestId) ?? 0) + encodedDataLength),
  );
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    received.set(requestId, encodedDataLength);
    closed(requestId);
  });
  cdp.on('Network.loadingFailed', ({ requestId }) => closed(requestId));

  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', conditions());
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return {
    page,
    /// Every byte the page has received over the network so far.
    bytes: () => [...received.values()].reduce((sum, bytes) => sum + bytes, 0),
    /// Resolves once the page has had no request open for a while.
    quiet: () => waitUntil('the network to be quiet', () => open.size === 0 && Date.now() - lastChange >= QUIET_MS, VISIT_TIMEOUT_MS),
    /// Cuts the page and its workers off the network.
    goOffline: async () => {
      offline = true;
      await cdp.send('Network.emulateNetworkConditions', conditions());
      await Promise.all([...workers].map((sessionId) => toWorker(sessionId, 'Network.emulateNetworkConditions', conditions())));
    },
  };
}

/// What the service workers of `context` fetched over the network, from
/// their Resource Timing: when each fetch started and ended (milliseconds
/// since the epoch) and its `transferSize` (compressed body and, as Chromium
/// tells it to scripts, 300 bytes of headers; 0 from the HTTP cache). The
/// page's own session does not see a worker's requests.
async function workerFetches(context) {
  const fetches = await Promise.all(
    context.serviceWorkers().map((worker) =>
      withTimeout(
        worker.evaluate(() =>
          performance.getEntriesByType('resource').map((entry) => ({
            start: performance.timeOrigin + entry.startTime,
            end: performance.timeOrigin + entry.responseEnd,
            bytes: entry.transferSize,
          })),
        ),
        30_000,
        'the service worker to say what it fetched',
      ),
    ),
  );
  return fetches.flat();
}

/// Runs `navigate` in `phone` and measures the visit it starts: milliseconds
/// until the screen is usable, bytes over the network until then, and bytes
/// of the whole visit (until `settled` resolves and the page's network is
/// quiet).
async function measureVisit(phone, navigate, settled = async () => {}) {
  const { page } = phone;
  const since = Date.now();
  const bytesBefore = phone.bytes();
  await navigate();
  const usable = await page.waitForFunction(
    () => window.usableAt && { ms: window.usableAt, at: performance.timeOrigin + window.usableAt },
    null,
    { timeout: VISIT_TIMEOUT_MS, polling: 50 },
  );
  const { ms, at } = await usable.jsonValue();
  const pageBytesToUsable = phone.bytes() - bytesBefore;
  await withTimeout(settled(), VISIT_TIMEOUT_MS, 'the visit to settle');
  await phone.quiet();
  const pageBytes = phone.bytes() - bytesBefore;
  const workers = (await workerFetches(page.context())).filter((request) => request.start >= since);
  const sum = (requests) => requests.reduce((total, request) => total + request.bytes, 0);
  return {
    ms,
    bytesToUsable: pageBytesToUsable + sum(workers.filter((request) => request.end <= at)),
    bytesInAll: pageBytes + sum(workers),
  };
}

/// The floor: the one-file page, in a new browser profile.
async function floorVisit(browser, server) {
  const { context, page } = await openPhonePage(browser);
  try {
    const phone = await asPhone(page, FLOOR);
    return await measureVisit(phone, () => page.goto(server.url + FLOOR.path, { waitUntil: 'commit' }));
  } finally {
    await context.close();
  }
}

/// The first visit to a screen in `page` of a new browser profile; it lasts
/// until the service worker controls the page, so its bytes include the
/// worker's install.
async function firstVisit(page, server, screen) {
  const phone = await asPhone(page, screen);
  const result = await measureVisit(
    phone,
    () => page.goto(server.url + screen.path, { waitUntil: 'commit' }),
    () => controlled(page),
  );
  await page.close();
  return result;
}

/// Coming back to a screen in a new tab of the same profile: the service
/// worker is installed and active, the caches warm. Leaves the tab open.
async function repeatVisit(context, server, screen) {
  const phone = await asPhone(await context.newPage(), screen);
  const result = await measureVisit(phone, () => phone.page.goto(server.url + screen.path, { waitUntil: 'commit' }));
  return { phone, result };
}

/// The tab of the repeat visit reloaded with no connection at all.
async function offlineVisit(phone) {
  await phone.goOffline();
  return measureVisit(phone, () => phone.page.reload({ waitUntil: 'commit' }));
}

/// First, repeat and offline visits to `screen` in one new browser profile.
async function visits(browser, server, screen) {
  const { context, page } = await openPhonePage(browser);
  try {
    const first = await firstVisit(page, server, screen);
    const { phone, result: repeat } = await repeatVisit(context, server, screen);
    const offline = await offlineVisit(phone);
    return { first, repeat, offline };
  } finally {
    await context.close();
  }
}

/// What Chromium offers and what the server answers, as it decides the bytes:
/// the Accept-Encoding of the page's request, the Content-Encodings of each
/// kind of response, on a first visit to `screen` (not slowed down).
async function encodings(browser, server, screen) {
  const { context, page } = await openPhonePage(browser);
  // The page, the API, and every other file by its extension.
  const kind = (request) => {
    const path = new URL(request.url()).pathname;
    if (request.isNavigationRequest()) return 'page';
    if (path.startsWith('/api/')) return 'API';
    return path.split('.').pop();
  };
  const seen = [];
  page.on('response', (response) => {
    const request = response.request();
    seen.push(
      Promise.all([request.allHeaders(), response.allHeaders()]).then(([sent, received]) => ({
        kind: kind(request),
        accepted: request.isNavigationRequest() ? sent['accept-encoding'] : undefined,
        encoding: received['content-encoding'] ?? 'none',
      })),
    );
  });
  try {
    await page.goto(server.url + screen.path);
    await page.locator(screen.usable.at(-1)).first().waitFor({ timeout: VISIT_TIMEOUT_MS });
    const responses = await withTimeout(Promise.all(seen), 30_000, 'the headers of every response');
    return {
      accepted: responses.find((r) => r.accepted)?.accepted,
      answered: responses.reduce((kinds, r) => kinds.set(r.kind, new Set(kinds.get(r.kind)).add(r.encoding)), new Map()),
    };
  } finally {
    await context.close();
  }
}

/// The one-file page of the floor, written into the served copy of the
/// build: the consultation's title, summary and body, styled by the app's
/// own stylesheet inline, and no script. Its empty icon keeps the browser
/// from asking for `/favicon.ico`, so the page is the one request. Its
/// compressed copies are made as the build makes every page's, so the server
/// sends it the same way.
function writeFloorPage(dist) {
  const text = (localized) => localized[CONSULTATION.default_language];
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const css = readdirSync(dist).filter((name) => name.endsWith('.css')).map((name) => readFileSync(join(dist, name), 'utf8'));
  const body = text(CONSULTATION.body).split(/\n\s*\n/).map((paragraph) => `<p>${escape(paragraph)}</p>`);
  const html = `<!DOCTYPE html>
<html lang="${CONSULTATION.default_language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(text(CONSULTATION.title))}</title>
<link rel="icon" href="data:,">
<style>${css.join('\n')}</style>
</head>
<body>
<main>
<article class="consultation">
<h1>${escape(text(CONSULTATION.title))}</h1>
<p class="lead">${escape(text(CONSULTATION.summary))}</p>
<div class="body">${body.join('\n')}</div>
</article>
</main>
</body>
</html>
`;
  const file = FLOOR.path.slice(1);
  writeFileSync(join(dist, file), html);
  writeCompressedCopies(dist, [file]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const figure = (n) => Math.round(n).toLocaleString('en-US');

/// One row of the table: medians of `results`, the ratio to the floor, and
/// the target with whether it is met.
function row(name, results, floorMs, target) {
  const ms = median(results.map((r) => r.ms));
  const ratio = ms / floorMs;
  let goal = '';
  if (target === 'first') goal = `≤ ${FIRST_VISIT_TARGET}× floor: ${ratio <= FIRST_VISIT_TARGET ? 'met' : 'not met'}`;
  if (target === 'warm') goal = `≤ ${WARM_VISIT_TARGET_MS} ms: ${ms <= WARM_VISIT_TARGET_MS ? 'met' : 'not met'}`;
  return [
    name,
    figure(ms),
    `${ratio.toFixed(2)}×`,
    figure(median(results.map((r) => r.bytesToUsable))),
    figure(median(results.map((r) => r.bytesInAll))),
    goal,
    results.map((r) => figure(r.ms)).join(' '),
  ];
}

function printTable(rows) {
  const header = ['visit', 'ms', 'floor', 'bytes to usable', 'bytes in all', 'target', 'each run (ms)'];
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((cells) => cells[column].length)));
  // Names and targets read left-aligned, figures right-aligned.
  const left = new Set([0, 5, 6]);
  for (const cells of all) {
    const line = cells.map((cell, column) => (left.has(column) ? cell.padEnd(widths[column]) : cell.padStart(widths[column])));
    console.log(line.join('  ').trimEnd());
  }
}

async function main() {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '3' }, addr: { type: 'string' } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of at least 1, not ${values.runs}`);

  const build = copyOfBuild();
  writeFloorPage(build.dist);
  let server;
  let browser;
  const stop = async () => {
    await browser?.close();
    server?.stop();
    build.remove();
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => stop().finally(() => process.exit(130)));
  }
  try {
    server = await startServer({ dist: build.dist, addr: values.addr });
    browser = await launchBrowser();
    const floor = [];
    const screens = Object.fromEntries(Object.keys(SCREENS).map((name) => [name, { first: [], repeat: [], offline: [] }]));
    // Runs take turns so that a busy moment of the machine is shared out.
    for (let run = 1; run <= runs; run++) {
      console.error(`run ${run} of ${runs}`);
      floor.push(await floorVisit(browser, server));
      for (const [name, screen] of Object.entries(SCREENS)) {
        const { first, repeat, offline } = await visits(browser, server, screen);
        screens[name].first.push(first);
        screens[name].repeat.push(repeat);
        screens[name].offline.push(offline);
      }
    }
    const { accepted, answered } = await encodings(browser, server, SCREENS.consultation);

    const floorMs = median(floor.map((r) => r.ms));
    console.log(
      `\nChromium ${browser.version()}, ${CPU_SLOWDOWN}× CPU slowdown, ${(NETWORK.downloadThroughput * 8) / 1000} kbit/s ` +
        `down and up, ${NETWORK.latency} ms round trip; median of ${runs} run${runs === 1 ? '' : 's'}, ` +
        'a new browser profile for each first visit',
    );
    console.log(`Accept-Encoding sent: ${accepted}`);
    const answers = [...answered].map(([kind, encodings]) => `${kind} ${[...encodings].join('/')}`);
    console.log(`Content-Encoding answered: ${answers.join(', ')}\n`);
    const rows = [row(`floor: ${FLOOR.path}`, floor, floorMs, null)];
    for (const [name, screen] of Object.entries(SCREENS)) {
      rows.push(row(`${name} ${screen.path}, first visit`, screens[name].first, floorMs, 'first'));
      rows.push(row(`${name}, repeat visit`, screens[name].repeat, floorMs, 'warm'));
      rows.push(row(`${name}, offline`, screens[name].offline, floorMs, 'warm'));
    }
    printTable(rows);
  } finally {
    await stop();
  }
}

await main();
