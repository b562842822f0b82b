// The citizen app's service worker: it keeps the app shell (the page, its
// script, WebAssembly, style, manifest and icons) on the phone, so that after
// one online visit the app opens with no connection at all. Consultations
// are kept by the app itself (IndexedDB); the API is never answered from here.
//
// Every build writes the two values below (scripts/precache.mjs, run by
// scripts/post-build.mjs after each build): the files of that very build, and a hash of their
// contents. A build that changes any file therefore makes a new worker with a
// new cache, which waits until the citizen chooses to reload.

const VERSION = 'unbuilt';
const SHELL = [];

const CACHE_PREFIX = 'baraza-shell-';
const CACHE = CACHE_PREFIX + VERSION;
const PAGE = '/index.html';

self.addEventListener('install', (event) => {
  // All or nothing: if one file fails, this version is not installed and the
  // one in use stays. No skipWaiting here: an open page must never run with
  // files of another build, so the new version waits for the citizen.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
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
  } else if (request.mode === 'navigate') {
    // Every other address is one of the app's own routes (`/c/{id}`).
    event.respondWith(fromShell(PAGE, request));
  }
});

function isUnder(path, prefix) {
  return path === prefix || path.startsWith(prefix + '/');
}

async function fromShell(path, request) {
  const kept = await caches.open(CACHE).then((cache) => cache.match(path));
  return kept ?? fetch(request);
}
