// Cuts the `#[wasm_split]` functions of a bundle out of its first download,
// each group into a wasm file of its own that the page fetches the first
// time it calls one of them (src/components/later_part.rs).
//
// Trunk cannot do it: the split must come between the compiler and
// wasm-bindgen. So trunk builds the bundle as usual, and this step, run by
// scripts/post-build.mjs before anything else, makes it again from the
// compiler's output: wasm-split-cli cuts it, wasm-bindgen makes the main
// module's script, wasm-opt -Oz (as trunk's `data-wasm-opt="z"`) shrinks
// every piece; the script and wasm trunk wrote are replaced under their own
// names, with the page's integrity hashes brought up to date. Only bundles
// linked for splitting are touched (build.rs: they keep their relocations).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { GLUE, replaceInPage } from './glue.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/// The cargo profile every page builds its wasm with (data-cargo-profile-release).
const PROFILE = 'wasm-release';
/// The loader wasm-split-cli writes beside the pieces, under this name.
const LOADER = '__wasm_split.js';

/// A name with a content hash, as trunk names its files (16 hex digits), so
/// that the server lets phones keep the file for good.
const fingerprinted = (stem, extension, bytes) =>
  `${stem}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${extension}`;

/// Whether the compiler's output at `path` was linked for splitting
/// (build.rs keeps its relocations, in a `linking` section).
export const linkedForSplitting = (path) =>
  WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(path)), 'linking').length > 0;

/// Splits the bundle in `dir`, if it was linked for splitting; answers the
/// names of the files it wrote apart from the main module.
export function splitBundle(dir) {
  // The main module's script: the one beside its wasm (not a split's loader).
  const glue = readdirSync(dir).find((file) => GLUE.test(file) && existsSync(join(dir, file.replace(/\.js$/, '_bg.wasm'))));
  if (!glue) return [];
  const name = glue.slice(0, -'.js'.length);
  const bin = name.slice(0, name.lastIndexOf('-'));
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
  const built = join(targetDir, 'wasm32-unknown-unknown', PROFILE, `${bin}.wasm`);
  if (!existsSync(built)) throw new Error(`${dir}: the compiler's output ${built} is missing`);
  if (!linkedForSplitting(built)) return [];

  const work = mkdtempSync(join(tmpdir(), 'baraza-split-'));
  try {
    const run = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    run('wasm-split-cli', ['--target', 'web', '--out-name', name, built, work]);
    // The pieces import the main module's function table and memory by the
    // names the linker gave them, which wasm-bindgen drops unless asked.
    run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--keep-lld-exports', '--out-dir', join(work, 'bindgen'), '--out-name', name, join(work, `${name}.wasm`)]);

    // The main module and its script, in place of trunk's.
    const optimize = (from, to) => run('wasm-opt', ['-Oz', from, '-o', to]);
    optimize(join(work, 'bindgen', `${name}_bg.wasm`), join(work, 'main.wasm'));
    replaceInPage(dir, `${name}_bg.wasm`, readFileSync(join(work, 'main.wasm')));

    // Each piece under a name carrying its content's hash, and the loader
    // (which names the pieces) likewise.
    let loader = readFileSync(join(work, LOADER), 'utf8');
    const written = [];
    for (const piece of readdirSync(work).filter((file) => file.endsWith('.wasm') && file !== `${name}.wasm` && file !== 'main.wasm')) {
      optimize(join(work, piece), join(work, 'piece.wasm'));
      const bytes = readFileSync(join(work, 'piece.wasm'));
      const pieceName = fingerprinted(piece.slice(0, -'.wasm'.length), 'wasm', bytes);
      writeFileSync(join(dir, pieceName), bytes);
      if (!loader.includes(`"./${piece}"`)) throw new Error(`${LOADER} does not name ${piece}`);
      loader = loader.replaceAll(`"./${piece}"`, `"./${pieceName}"`);
      written.push(pieceName);
    }
    const loaderName = fingerprinted('wasm-split', 'js', loader);
    writeFileSync(join(dir, loaderName), loader);
    written.push(loaderName);

    // The main script imports the loader by the name it had; the wasm's own
    // import of it (the key beside it) keeps that name.
    const script = readFileSync(join(work, 'bindgen', `${name}.js`), 'utf8');
    const importOfLoader = `from "./${LOADER}"`;
    if (!script.includes(importOfLoader)) throw new Error(`${glue} does not import ${LOADER}`);
    replaceInPage(dir, glue, script.replaceAll(importOfLoader, `from "./${loaderName}"`));
    return written;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
