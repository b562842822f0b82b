// Writes each interface language's texts for a built side of the app, and
// fills in the page's language loader (public/texts.js, inlined by trunk):
//
// - `texts/<lang>.json` beside the citizen build's page (`dist/texts/`) and
//   the staff build's (`dist/staff/texts/`): the texts of `locales/<lang>.json`
//   with dotted keys, the form the app reads (src/text.rs). Citizens get only
//   the texts citizen screens use; the staff file has every text.
// - in the built `index.html`, the list of languages and where their texts
//   are. Other citizen bundles (later screens) read the citizen side's texts.
//
// Run by scripts/post-build.mjs, before the files phones keep are listed.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCALES = join(ROOT, 'locales');
/// Top-level groups of texts that only the staff screens show.
const STAFF_ONLY = ['staff', 'problem'];
/// Top-level groups of texts that only the server shows (on the printed
/// poster, crates/server/src/texts.rs): no phone needs them.
export const SERVER_ONLY = ['poster'];
const PAGE = 'index.html';

/// Whether a text of a locale file is written per plural category.
export const isPlural = (value) =>
  typeof value === 'object' && 'other' in value && Object.keys(value).every((key) => PLURAL_CATEGORIES.includes(key));
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];

/// Every text of a locale file by dotted key: a string, or texts by plural category.
export function flatten(texts, prefix = '', out = {}) {
  for (const [key, value] of Object.entries(texts)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || isPlural(value)) out[name] = value;
    else flatten(value, name, out);
  }
  return out;
}

/// The interface languages, as their files in `locales/` are named.
export const languages = () =>
  readdirSync(LOCALES)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();

export const readLocale = (language) => JSON.parse(readFileSync(join(LOCALES, `${language}.json`), 'utf8'));

/// Writes the texts of the side built into `dir` (served at `publicUrl`)
/// and fills in its page's loader; answers the languages written.
export function writeTexts(dir, publicUrl = '/') {
  const staff = publicUrl.startsWith('/staff');
  const ownTexts = staff || publicUrl === '/';
  const url = staff ? '/staff/texts/' : '/texts/';
  const tags = languages();
  if (ownTexts) {
    mkdirSync(join(dir, 'texts'), { recursive: true });
    for (const tag of tags) {
      const texts = Object.fromEntries(
        Object.entries(flatten(readLocale(tag))).filter(([key]) => {
          const group = key.split('.')[0];
          return !SERVER_ONLY.includes(group) && (staff || !STAFF_ONLY.includes(group));
        }),
      );
      writeFileSync(join(dir, 'texts', `${tag}.json`), JSON.stringify(texts));
    }
  }
  const page = join(dir, PAGE);
  if (existsSync(page)) {
    const html = readFileSync(page, 'utf8');
    if (!html.includes('%LANGUAGES%') || !html.includes('%TEXTS%')) {
      throw new Error(`${page}: the language loader (public/texts.js) is not inlined in it`);
    }
    writeFileSync(page, html.replaceAll('%LANGUAGES%', tags.join(' ')).replaceAll('%TEXTS%', url));
  }
  return ownTexts ? tags : [];
}
