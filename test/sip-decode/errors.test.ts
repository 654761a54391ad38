import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as D from '../../core/sip/decode/index.js';

test('every decoder error code is in -100…-199 with a distinct name and a message', () => {
  const codes = Object.entries(D).filter(([k, v]) => k.startsWith('E_DEC_') && typeof v === 'number') as [string, number][];
  assert.ok(codes.length >= 20);
  const seen = new Set<number>();
  for (const [name, code] of codes) {
    assert.ok(code <= -100 && code >= -199, name);
    assert.not.ok(seen.has(code), `${name} duplicates ${code}`);
    seen.add(code);
    assert.is(D.decodeErrorName(code), name);
    const msg = D.decodeErrorMessage(code);
    assert.ok(msg.length > 5 && !msg.startsWith('unknown'), name);
  }
  assert.is(D.decodeErrorName(0), 'OK');
  assert.is(D.decodeErrorName(-199), 'E_DEC_UNKNOWN');
  assert.ok(D.decodeErrorMessage(-42).includes('-42'));
});

test.run();
