// Prints where a wasm's bytes go, from twiggy's list of every item with its
// size (`twiggy top -f csv`, of a wasm that keeps its function names): the
// biggest items, then the total per crate, each with its share of the wasm
// without its name section (which phones never download), and the size of
// the wasm phones download. Run by scripts/wasm-size:
//
//   node scripts/wasm-crates.mjs NAME TOP.csv SHIPPED.wasm

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotli } from './compress.mjs';

const BIGGEST = 40;

/// The rows of a CSV text (RFC 4180: quoted fields, doubled quotes).
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else if (char !== '\r') {
      field += char;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/// Whether twiggy's item is part of the name section (`-g`'s function and
/// local names), which the shipped wasm leaves out.
const isNameSection = (item) => /^"[a-z ]+ names" subsection$/.test(item) || item.startsWith("custom section 'name'");

// The start of a type or path in a demangled name: `<`, references,
// pointers, slices, tuples and `dyn` come before its first segment, which
// may carry the crate's disambiguator (`core[c5930c85a12de822]`).
const LEADING = /^(?:[<&*[( ]|mut |const |dyn )*/;
const FIRST_SEGMENT = /^([A-Za-z_]\w*)(?:\[[0-9a-f]+\])?::/;
const crateOfPath = (path) => FIRST_SEGMENT.exec(path.replace(LEADING, ''))?.[1];

/// The crate an item's code comes from, as its demangled name says: the first
/// path segment; for `<Type as Trait>::f` the type's crate, or the trait's
/// when the type is a primitive or a generic parameter; `core` for a
/// primitive's own methods (`<char>::f`). Items that are not Rust functions
/// are put in groups in parentheses.
export function crateOf(item) {
  if (/^(__wbg_|__wbindgen_|__externref_)/.test(item)) return 'wasm_bindgen';
  const crate = crateOfPath(item);
  if (crate) return crate;
  if (item.startsWith('<')) {
    const asTrait = / as (.*)$/.exec(item);
    const traitCrate = asTrait && crateOfPath(asTrait[1]);
    if (traitCrate) return traitCrate;
    if (/^<[a-z0-9_]+>::/.test(item)) return 'core';
  }
  if (/^data segment|^data\[/.test(item)) return '(data)';
  if (/^(code|func)\[\d+\]$/.test(item)) return '(unnamed functions)';
  if (/^[A-Za-z_][\w.$]*$/.test(item)) return '(other symbols)';
  return '(wasm structure: types, tables, imports, exports, headers)';
}

/// twiggy's rows without its header and the name section: `{ item, bytes }`.
export function items(csv) {
  const [header, ...rows] = parseCsv(csv);
  const name = header.indexOf('Name');
  const size = header.indexOf('ShallowSize');
  return rows
    .filter((row) => row.length > size && !isNameSection(row[name]))
    .map((row) => ({ item: row[name], bytes: Number(row[size]) }));
}

/// The crates' totals, biggest first.
export function byCrate(rows) {
  const totals = new Map();
  for (const { item, bytes } of rows) {
    const crate = crateOf(item);
    totals.set(crate, (totals.get(crate) ?? 0) + bytes);
  }
  return [...totals].map(([crate, bytes]) => ({ crate, bytes })).sort((a, b) => b.bytes - a.bytes);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);
const share = (bytes, total) => `${((100 * bytes) / total).toFixed(1)}%`.padStart(7);
/// An item's name without the hashes the compiler adds, cut short when long.
function readable(item) {
  const name = item.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
  return name.length > 150 ? `${name.slice(0, 149)}…` : name;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name, csvPath, shippedPath] = process.argv.slice(2);
  if (!shippedPath) throw new Error('usage: node scripts/wasm-crates.mjs NAME TOP.csv SHIPPED.wasm');
  const rows = items(readFileSync(csvPath, 'utf8')).sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`\n${name}: ${kb(total).trim()} of code and data (names left out), ${rows.length} items`);
  console.log(`\n  the ${BIGGEST} biggest items`);
  for (const { item, bytes } of rows.slice(0, BIGGEST)) console.log(`${kb(bytes)}${share(bytes, total)}  ${readable(item)}`);
  console.log('\n  per crate');
  for (const { crate, bytes } of byCrate(rows)) console.log(`${kb(bytes)}${share(bytes, total)}  ${crate}`);
  const shipped = readFileSync(shippedPath);
  console.log(`\n  as phones download it (wasm-opt -Oz, no names): ${kb(shipped.length).trim()} raw, ` +
    `${kb(brotli(shipped, shippedPath).length).trim()} brotli`);
}
