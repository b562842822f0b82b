// The page's language loader (public/texts.js) picks the language the app
// starts in and starts fetching its texts at once. Run here as a browser
// runs it, with the language list the build writes in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { languages } from '../../scripts/texts.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LOADER = readFileSync(join(ROOT, 'public/texts.js'), 'utf8')
  .replaceAll('%LANGUAGES%', languages().join(' '))
  .replaceAll('%TEXTS%', '/texts/');

/// Runs the loader in a page whose browser prefers `preferred` and whose
/// citizen chose `stored` before; answers what it set and what it fetched.
function load({ stored = null, preferred = [] } = {}) {
  const fetched = [];
  const window = {};
  vm.runInNewContext(LOADER, {
    window,
    self: {},
    navigator: { languages: preferred, language: preferred[0] },
    localStorage: { getItem: (key) => (key === 'baraza.language' ? stored : null) },
    fetch: (url) => {
      fetched.push(url);
      return Promise.resolve({ ok: true, text: () => Promise.resolve('{}') });
    },
  });
  return { language: window.baraza.language, fetched, texts: window.baraza.texts };
}

test('the choice made before wins, and its texts are fetched at once', () => {
  assert.deepEqual(load({ stored: 'ar', preferred: ['fr-FR'] }).fetched, ['/texts/ar.json']);
  assert.equal(load({ stored: 'ar', preferred: ['fr-FR'] }).language, 'ar');
});

test('otherwise the first of the browser languages the app speaks', () => {
  assert.equal(load({ stored: 'klingon', preferred: ['fr'] }).language, 'fr');
  assert.equal(load({ preferred: ['de-DE', 'sw-KE', 'fr'] }).language, 'sw');
  assert.equal(load({ preferred: ['ES-419'] }).language, 'es');
  assert.equal(load({ preferred: ['ru_RU'] }).language, 'ru');
});

test('Chinese in its simplified script only', () => {
  for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK']) {
    assert.equal(load({ preferred: [tag, 'en'] }).language, 'zh-Hans', tag);
  }
  for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-CN']) {
    assert.equal(load({ preferred: [tag, 'fr'] }).language, 'fr', tag);
  }
});

test('English when nothing matches', () => {
  assert.equal(load({ preferred: ['de', 'pt-BR'] }).language, 'en');
  assert.equal(load().language, 'en');
});

test('the texts of a language are fetched once however often asked', async () => {
  const { texts, fetched } = load({ preferred: ['fr'] });
  await Promise.all([texts('fr'), texts('fr'), texts('ar')]);
  assert.deepEqual(fetched, ['/texts/fr.json', '/texts/ar.json']);
});
