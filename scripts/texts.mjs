// Writes each interface language's texts for a built side of the app, and
// fills in the page's language loader (public/texts.js, inlined by trunk):
//
// - `texts/<lang>.json` beside each built page: the citizen's first loads
//   (`dist/texts/`, read by `/` and by the consultation page alike), its
//   later screens (`dist/later/texts/`) and the staff
//   side (`dist/staff/texts/`, and the editor's `dist/staff/editor/texts/`): the texts of `locales/<lang>.json` with
//   dotted keys, the form the app reads (src/lean/text.rs). The first load's file
//   leaves out the texts only the later screens show (2 KB of every
//   citizen's first load), the later screens' file the staff texts and the
//   home screen's own; the staff page's file has every text but the home
//   screen's own, the poster's, which only the server shows, those only the
//   staff's later screens show, which their own file
//   (`dist/staff/later/texts/`) has, and the editor's, which only the
//   editor's file has.
// - in the built `index.html`, the list of languages and where their texts
//   are.
//
// Run by scripts/post-build.mjs, before the files phones keep are listed.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCALES = join(ROOT, 'locales');
/// Top-level groups of texts that only the staff screens show.
const STAFF_ONLY = ['staff', 'staff_tools', 'clerk', 'problem'];
/// Top-level groups of texts that only the editor shows (`/staff/editor/`),
/// which the other staff pages leave out of their download.
const EDITOR_ONLY = ['editor'];
/// Top-level groups of texts that only the citizen's later screens (and
/// staff) show: `/mine`, `/device` and the results with their charts.
const LATER_ONLY = ['mine', 'device', 'results'];
/// Top-level groups of texts that only the staff's later screens show (the
/// receipt check, the change log's moderation entries, the paper share of
/// results) or the clerks' screen: not in the staff page's first load.
const STAFF_LATER_ONLY = ['staff_tools', 'clerk'];
/// Top-level groups of texts that only the home screen (`/`) shows: the
/// search and filters, and the offer to install the app.
const HOME_ONLY = ['find', 'install'];
/// Top-level groups of texts that only the server shows (on the printed
/// poster, crates/server/src/texts.rs): no page downloads them.
export const SERVER_ONLY = ['poster'];
const PAGE = 'index.html';
/// Pages that read the texts of another page, by where each is served: the
/// consultation page is a first load as `/` is, with the same texts, so one
/// file per language serves both and the service worker keeps it once.
const TEXTS_OF = { '/consultation/': '/' };

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
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  const textsBase = TEXTS_OF[base] ?? base;
  const tags = languages();
  if (textsBase === base) {
    const left = [
      ...SERVER_ONLY,
      ...(base === '/'
        ? [...STAFF_ONLY, ...LATER_ONLY, ...EDITOR_ONLY]
        : base === '/staff/'
          ? [...STAFF_LATER_ONLY, ...EDITOR_ONLY, ...HOME_ONLY]
          : base === '/staff/editor/'
            ? HOME_ONLY
            : base.startsWith('/staff/')
              ? [...EDITOR_ONLY, ...HOME_ONLY]
              : [...STAFF_ONLY, ...EDITOR_ONLY, ...HOME_ONLY]),
    ];
    mkdirSync(join(dir, 'texts'), { recursive: true });
    for (const tag of tags) {
      const texts = Object.fromEntries(
        Object.entries(flatten(readLocale(tag))).filter(([key]) => !left.includes(key.split('.')[0])),
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
    writeFileSync(page, html.replaceAll('%LANGUAGES%', tags.join(' ')).replaceAll('%TEXTS%', `${textsBase}texts/`));
  }
  return tags;
}
