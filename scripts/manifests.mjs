// Writes the web app manifest once per interface language, from the locale
// files: `manifest.<lang>.webmanifest` beside the built `manifest.webmanifest`
// (public/), which holds what every language shares. The app points
// `<link rel="manifest">` at the citizen's language, so an installed app is
// named and described in it; the plain `manifest.webmanifest` is filled in
// the default language, for a browser that has not run the app.
//
// Run by scripts/post-build.mjs before the files phones keep are listed.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOCALES = join(ROOT, 'locales');
const DEFAULT_LANGUAGE = 'en';
const MANIFEST = 'manifest.webmanifest';

/// The manifest of `shared` in the language `lang` whose texts are `texts`
/// (a locale file's contents).
export function manifestIn(shared, lang, texts) {
  return {
    ...shared,
    name: texts.app.manifest_name,
    short_name: texts.app.name,
    description: texts.home.intro,
    lang,
    // CLDR's writing direction of the language, as the browser knows it.
    dir: new Intl.Locale(lang).textInfo.direction,
  };
}

/// Writes the manifests into the built folder `dir`; answers the languages
/// written, or `[]` when `dir` has no manifest (the staff build).
export function writeManifests(dir) {
  const base = join(dir, MANIFEST);
  if (!existsSync(base)) return [];
  const shared = JSON.parse(readFileSync(base, 'utf8'));
  const languages = readdirSync(LOCALES)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  for (const lang of languages) {
    const manifest = manifestIn(shared, lang, JSON.parse(readFileSync(join(LOCALES, `${lang}.json`), 'utf8')));
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(dir, `manifest.${lang}.webmanifest`), text);
    if (lang === DEFAULT_LANGUAGE) writeFileSync(base, text);
  }
  return languages;
}
