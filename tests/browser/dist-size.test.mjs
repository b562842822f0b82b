// A guard against accidents: each side of the app, compressed, stays under
// 300 KB. The citizen side is measured without the staff side, which
// citizens never download. The real budget for 2G phones is lower and comes
// with its own benchmark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { citizenSide, staffSide } from '../../scripts/dist-size.mjs';
import { DIST } from './harness.mjs';

const LIMIT_BYTES = 300 * 1024;

for (const [side, measure] of [['citizen', citizenSide], ['staff', staffSide]]) {
  test(`the ${side} side is under 300 KB gzip in total`, () => {
    const { files, gzip } = measure(DIST);
    assert.ok(files.some((f) => f.path.endsWith('.wasm')), `the ${side} side holds no wasm: it was not built`);
    assert.ok(gzip <= LIMIT_BYTES, `the ${side} side is ${gzip} bytes gzip, over the ${LIMIT_BYTES} byte guard`);
  });
}
