// The citizen app's service worker: it keeps the app shell (the page, its
// script, WebAssembly, style, manifest and icons) and the texts of every
// interface language used on the phone, so that after one online visit the
// app opens with no connection at all. Consultations are kept by the app
// itself (IndexedDB); the API is never answered from here.
//
// Every build writes the two values below (scripts/precache.mjs, run by
// scripts/post-build.mjs after each build): the files of that very build, and a hash of their
// contents. A build that changes any file therefore makes a new worker with a
// new cache, which waits until the citizen chooses to reload.

const VERSION = 'unbuilt';
const SHELL = [];

const CACHE_PREFIX = 'baraza-shell-';
const CACHE = CACHE_PREFIX + VERSION;
// The citizen pages: the two first loads (`/` and a consultation's), and the
// later screens'.
const PAGE = '/index.html';
const CONSULTATION_PAGE = '/consultation/index.html';
const LATER_PAGE = '/later/index.html';
// Where each language's texts are, for the first load's page and for the
// later screens' (which has texts of its own), and the cache in which the
// pages' loader (public/texts.js) keeps those of every language used on
// this phone.
const TEXTS = '/texts/';
const LATER_TEXTS = '/later/texts/';
const TEXTS_USED = 'baraza-texts';

self.addEventListener('install', (event) => {
  // All or nothing: if one file fails, this version is not installed and the
  // one in use stays. No skipWaiting here: an open page must never run with
  // files of another build, so the new version waits for the citizen. The
  // languages used so far are fetched anew with the version's other files.
  event.waitUntil(
    (async () => {
      const used = await caches.open(TEXTS_USED).then((cache) => cache.keys());
      const paths = used.map((request) => new URL(request.url).pathname).filter((path) => path.startsWith(TEXTS));
      const texts = paths.flatMap((path) => [path, laterTexts(path)]);
      await caches.open(CACHE).then((cache) => cache.addAll([...new Set([...SHELL, ...texts])]));
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // A language the page kept after this version's install had begun (on
      // the first visit the page fetches its texts while the worker
      // installs): its texts and the later screens' are kept now, before
      // the worker takes over, so that they open in it with no connection.
      const used = await caches.open(TEXTS_USED).then((cache) => cache.keys());
      for (const path of used.map((request) => new URL(request.url).pathname).filter((path) => path.startsWith(TEXTS))) {
        await keep(path);
        await keep(laterTexts(path));
      }
      // On the first visit this lets the open page be served offline too.
      await self.clients.claim();
    })(),
  );
});

// The page asks for this when the citizen chooses to reload into the new version.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // The API, and the staff side (a bundle of its own, never kept on phones),
  // always go to the network.
  if (url.origin !== self.location.origin || isUnder(url.pathname, '/api') || isUnder(url.pathname, '/staff')) return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fromShell(url.pathname, request));
  } else if (url.pathname.startsWith(TEXTS) || url.pathname.startsWith(LATER_TEXTS)) {
    event.respondWith(texts(url.pathname, request));
    // A language new on this phone: the later screens' texts in it are
    // kept too, so that they open in it with no connection.
    if (url.pathname.startsWith(TEXTS)) event.waitUntil(keep(laterTexts(url.pathname)));
  } else if (request.mode === 'navigate' && !isPoster(url.pathname)) {
    // Every other address but a consultation's printed poster (made by the
    // server) is one of the app's own routes.
    event.respondWith(fromShell(pageOf(url.pathname), request));
  }
});

// The page that serves a citizen address: the same table as core's
// `pages::page_of` (crates/core/src/pages.rs), which the server follows;
// tests/pages.json holds the examples both are tested against.
function pageOf(path) {
  const segments = path.split('/').filter((segment) => segment !== '');
  const [first, , third] = segments;
  const later =
    (segments.length === 1 && (first === 'mine' || first === 'device')) ||
    (segments.length === 3 && first === 'c' && third === 'results');
  if (later) return LATER_PAGE;
  return segments.length === 2 && first === 'c' ? CONSULTATION_PAGE : PAGE;
}

/// `/c/{id}/poster`: a page the server draws, never the app's.
function isPoster(path) {
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.length === 3 && segments[0] === 'c' && segments[2] === 'poster';
}

function isUnder(path, prefix) {
  return path === prefix || path.startsWith(prefix + '/');
}

async function fromShell(path, request) {
  const kept = await caches.open(CACHE).then((cache) => cache.match(path));
  return kept ?? fetch(request);
}

// The later screens' texts in the language of first-load texts at `path`.
function laterTexts(path) {
  return LATER_TEXTS + path.slice(TEXTS.length);
}

// Keeps `path` with this version, unless it is kept already; a failure
// (no connection) leaves it to the next time.
async function keep(path) {
  const cache = await caches.open(CACHE);
  if (await cache.match(path)) return;
  try {
    const response = await fetch(path);
    if (response.ok) await cache.put(path, response);
  } catch {
    // Offline: kept the next time the language's texts are fetched.
  }
}

// A language's texts: this version's copy, else the server's (kept with this
// version from then on), else, with no connection, the copy the page kept
// when the language was last used.
async function texts(path, request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(path);
  if (kept) return kept;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (offline) {
    const used = await caches.open(TEXTS_USED).then((cache) => cache.match(path));
    if (used) return used;
    throw offline;
  }
}
