// Writes a brotli copy (`.br`, quality 11) and a gzip copy (`.gz`, level 9)
// next to every file of the built app that compresses, so the server sends
// each phone the smallest form it accepts without compressing anything per
// request (`baraza serve` picks the copy by `Accept-Encoding`). Compressing
// once at build time affords the slowest, tightest settings.
//
// Run by scripts/post-build.mjs, last: a copy must be made from the final
// bytes of its file.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/// The kinds of file worth compressing: text, and wasm. Images and fonts are
/// compressed already.
export const COMPRESSIBLE = ['.html', '.js', '.mjs', '.wasm', '.css', '.json', '.webmanifest', '.svg', '.txt', '.xml'];
/// The compressed copies' suffixes, by the encoding each stands for.
export const COPIES = { br: '.br', gzip: '.gz' };

export const isCompressible = (path) => COMPRESSIBLE.includes(extname(path).toLowerCase());
export const isCompressedCopy = (path) => Object.values(COPIES).some((suffix) => path.endsWith(suffix));

/// `bytes` as brotli at its best (quality 11), told the input's size and, but
/// for wasm, that it is text: both let the encoder choose better.
export function brotli(bytes, path) {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_MODE]: extname(path).toLowerCase() === '.wasm'
        ? constants.BROTLI_MODE_GENERIC
        : constants.BROTLI_MODE_TEXT,
    },
  });
}

export const gzip = (bytes) => gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });

/// Every file under `dir` but the compressed copies, as sorted paths relative
/// to `dir` with `/` between folders.
export function builtFiles(dir) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!isCompressedCopy(name)) files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/// Writes the `.br` and `.gz` copies of the compressible files under `dir`
/// (all of them, or only `files`, paths relative to `dir`), replacing older
/// ones; answers the paths compressed.
export function writeCompressedCopies(dir, files = builtFiles(dir)) {
  const compressed = files.filter(isCompressible);
  for (const file of compressed) {
    const path = join(dir, file);
    const bytes = readFileSync(path);
    writeFileSync(path + COPIES.br, brotli(bytes, path));
    writeFileSync(path + COPIES.gzip, gzip(bytes));
  }
  return compressed;
}
