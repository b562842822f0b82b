// Picks the interface language and starts fetching its texts while the app's
// WebAssembly downloads, instead of after it: trunk inlines this file into
// each page (no request of its own). The build fills in the two values in
// quotes (scripts/texts.mjs). The app reads `window.baraza` (src/language.rs).
(() => {
  const LANGUAGES = '%LANGUAGES%'.split(' ');
  const TEXTS = '%TEXTS%';
  // The citizen's choice, written by the app.
  const STORED = 'baraza.language';
  // Every language used on this phone stays in this cache; the service worker
  // keeps each of them with every new version of the app, so that switching
  // to any of them works offline.
  const USED = 'baraza-texts';

  // The language to start in: the citizen's earlier choice, else the first of
  // the browser's languages the app speaks (`fr-CA` is French; Chinese only in
  // its simplified script: `zh`, `zh-CN`, `zh-SG`, `zh-Hans-…`), else English.
  function pick(stored, preferred) {
    if (LANGUAGES.includes(stored)) return stored;
    for (const tag of preferred) {
      const parts = String(tag).toLowerCase().split(/[-_]/);
      if (parts[0] === 'zh') {
        const traditional = parts.includes('hant') || ['tw', 'hk', 'mo'].includes(parts[1]);
        if (!traditional && LANGUAGES.includes('zh-Hans')) return 'zh-Hans';
      } else if (LANGUAGES.includes(parts[0])) {
        return parts[0];
      }
    }
    return 'en';
  }

  const fetched = new Map();
  // The texts file of `language`, as text; the same promise for every call.
  function texts(language) {
    if (!fetched.has(language)) {
      const url = TEXTS + language + '.json';
      const loading = fetch(url).then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        if (self.caches) {
          const copy = response.clone();
          caches.open(USED).then((cache) => cache.put(url, copy)).catch(() => {});
        }
        return response.text();
      });
      // A failure is not kept: the next call tries again.
      loading.catch(() => fetched.delete(language));
      fetched.set(language, loading);
    }
    return fetched.get(language);
  }

  let stored = null;
  try {
    stored = localStorage.getItem(STORED);
  } catch {
    // Storage blocked: the browser's languages decide.
  }
  const language = pick(stored, navigator.languages?.length ? navigator.languages : [navigator.language]);
  window.baraza = { language, texts };
  texts(language).catch(() => {});
})();
