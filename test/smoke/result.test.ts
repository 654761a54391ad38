import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ok, Err, type Result } from '../../core/result.js';

test('ts-results loads through the core shim under Node', () => {
  const good: Result<number, string> = Ok(2);
  const bad: Result<number, string> = Err('no');
  assert.is(good.ok, true);
  assert.is(good.val, 2);
  assert.is(bad.err, true);
  assert.is(bad.val, 'no');
});

test.run();
