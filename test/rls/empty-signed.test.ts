// Found by fuzzing (.tmp/fuzzcamp): a multipart/signed NOTIFY body with no part at all (its
// close-delimiter first) was refused as RlsBodyError.Multipart with multipartError 0 and whatever
// errorPosition an earlier failure had left in the reused part (53740 for a 461-byte body, or -1
// on a fresh reader). Nothing was signed, so there is no list: NotRelated at the body's start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RlsBodyReader, RlsBodyError, ResourceList, RlsApply } from '../../core/presence/rls/index.js';
import { enc } from './helpers.js';

const SIGNED = enc('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha1; boundary="sIg"');

test('multipart/signed with no part: NotRelated at the body start, nothing stale', () => {
  const reader = new RlsBodyReader();
  // First a body that fails deep inside a long input, leaving a large position behind.
  const long = enc(`${'x'.repeat(3000)}\r\n--sIg\r\nContent-Type: multipart/related\r\n\r\nunterminated`);
  assert.is(reader.read(SIGNED, 0, SIGNED.length, long, 0, long.length), RlsBodyError.Multipart);
  assert.ok(reader.errorPosition > 3000);
  for (const body of ['--sIg--\r\n', 'preamble\r\n--sIg--\r\n', 'garbage--sIg-\r\n\r\n--sIg--']) {
    const b = enc(`xyz${body}`);
    assert.is(reader.read(SIGNED, 0, SIGNED.length, b, 3, b.length), RlsBodyError.NotRelated, body);
    assert.is(reader.errorPosition, 3, body);
    assert.is(reader.multipartError, 0);
  }
});

test('through the list state: refused as a bad body, the list unchanged', () => {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const b = enc('--sIg--\r\n');
  assert.is(list.applyNotify(reader, SIGNED, 0, SIGNED.length, b, 0, b.length, 1000), RlsApply.BadBody);
  assert.is(list.count, 0);
  assert.is(reader.error, RlsBodyError.NotRelated);
  assert.is(reader.errorPosition, 0);
});

test.run();
