// The interface texts of every language, checked against English and the
// code: the same keys, the same `{values}`, the plural forms each language
// has, nothing left in English but a short reviewed list, and no text that
// no code shows. (A key the code uses and English lacks fails the build:
// build.rs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flatten, isPlural, languages, readLocale } from '../../scripts/texts.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const english = flatten(readLocale('en'));
const others = languages().filter((tag) => tag !== 'en');

/// Texts that rightly read the same as in English, by language: the brand,
/// format strings, and words the language shares with English.
const SAME_AS_ENGLISH = {
  ar: ['clerk.answer_problem', 'staff.change_line'],
  es: ['app.name', 'answer.no', 'clerk.answer_problem', 'results.list_separator', 'staff.change_line'],
  fr: [
    'app.name',
    'home.title',
    'results.col_actions',
    'results.col_option',
    'results.col_points',
    'results.list_separator',
    'results.points',
    'staff.item_filter',
    'staff_tools.paper_col_item',
    'staff_tools.receipt_consultation',
  ],
  ru: ['clerk.answer_problem', 'results.list_separator', 'staff.change_line'],
  sw: ['app.name', 'clerk.answer_problem', 'results.percent', 'results.list_separator', 'staff.change_line'],
  'zh-Hans': ['app.name', 'results.percent'],
};

/// Keys the build scripts read rather than the app's code.
const USED_BY_THE_BUILD = ['language_name', 'app.manifest_name', 'home.intro'];

const placeholders = (text) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
const forms = (value) => (isPlural(value) ? Object.entries(value) : [['other', value]]);

test('every language has exactly the texts of English', () => {
  for (const tag of others) {
    const texts = flatten(readLocale(tag));
    assert.deepEqual(Object.keys(texts).sort(), Object.keys(english).sort(), `${tag} has other keys than en`);
  }
});

test('every text has the values of its English text and no empty form', () => {
  for (const tag of languages()) {
    for (const [key, value] of Object.entries(flatten(readLocale(tag)))) {
      const wanted = placeholders(forms(english[key]).find(([category]) => category === 'other')[1]);
      for (const [category, text] of forms(value)) {
        assert.ok(text.trim(), `${tag} ${key} (${category}) is empty`);
        assert.ok(!text.includes('{{'), `${tag} ${key}: write {name}, not {{ name }}`);
        const have = placeholders(text);
        for (const name of have) assert.ok(wanted.has(name), `${tag} ${key} (${category}) has {${name}}, unknown to en`);
        // A singular or dual may say the number in words; the rest show it.
        if (category === 'other') assert.deepEqual(have, wanted, `${tag} ${key}: other values than en`);
      }
    }
  }
});

test('plural texts have exactly the plural forms of their language', () => {
  for (const tag of languages()) {
    const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories.slice().sort();
    for (const [key, value] of Object.entries(flatten(readLocale(tag)))) {
      assert.equal(isPlural(value), isPlural(english[key]), `${tag} ${key}: plural in one language only`);
      if (isPlural(value)) assert.deepEqual(Object.keys(value).sort(), categories, `${tag} ${key}`);
    }
  }
});

test('nothing is left in English but the reviewed list', () => {
  for (const tag of others) {
    const texts = flatten(readLocale(tag));
    const same = Object.keys(texts)
      .filter((key) => JSON.stringify(texts[key]) === JSON.stringify(english[key]))
      .sort();
    assert.deepEqual(same, (SAME_AS_ENGLISH[tag] ?? []).slice().sort(), `${tag}: texts equal to English`);
  }
});

/// Every key the code names: the app's `tr!(a.b)`, `text!(locale, a.b)`,
/// `key!(a.b)`…, and the server's `text(language, "poster.b")`.
function keysInCode() {
  const used = new Set(USED_BY_THE_BUILD);
  const walk = (dir, pattern) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path, pattern);
      else if (name.endsWith('.rs')) {
        for (const match of readFileSync(path, 'utf8').matchAll(pattern)) used.add(match[1] ?? match[2]);
      }
    }
  };
  walk(
    join(ROOT, 'src'),
    /\b(?:tr|tr_with|tr_count|key)!\(\s*([a-z_]+(?:\.[a-z_0-9]+)+)|\b(?:text|text_count)!\([^,]+,\s*([a-z_]+(?:\.[a-z_0-9]+)+)/g,
  );
  walk(join(ROOT, 'crates/server/src'), /\btext\([^,()]+,\s*"([a-z_]+(?:\.[a-z_0-9]+)+)"/g);
  return used;
}

test('every text is shown by some code, and the code names no missing text', () => {
  const used = keysInCode();
  const unused = Object.keys(english).filter((key) => !used.has(key));
  assert.deepEqual(unused, [], 'texts no code shows');
  const missing = [...used].filter((key) => !(key in english));
  assert.deepEqual(missing, [], 'texts the code names that English lacks');
});
