// A guard against accidents: the whole app, compressed, stays under 300 KB.
// The real budget for 2G phones is lower and comes with its own benchmark.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measure } from '../../scripts/dist-size.mjs';
import { DIST } from './harness.mjs';

const LIMIT_BYTES = 300 * 1024;

test('the built app is under 300 KB gzip in total', () => {
  const { files, gzip } = measure(DIST);
  assert.ok(files.some((f) => f.path.endsWith('.wasm')), 'dist/ holds no wasm: the app was not built');
  assert.ok(gzip <= LIMIT_BYTES, `dist/ is ${gzip} bytes gzip, over the ${LIMIT_BYTES} byte guard`);
});
