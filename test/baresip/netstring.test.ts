// ctrl_tcp framing: netstrings counted in bytes, fed whole or split anywhere; ANSI colour codes
// stripped from baresip's output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetstringReader, encodeNetstring, stripAnsi } from '../support/baresip/netstring.js';

// A real reply captured from baresip 1.0.0 (reginfo), colour codes included.
const REGINFO = '{"response":true,"ok":true,"data":"\\n--- User Agents (1) ---\\n> sip:bob@127.0.0.1    \\u001B[32mOK \\u001B[;m kamailio Expires 300s\\n","token":"t1"}';

test('encode: byte length, colon, payload, comma', () => {
  assert.is(encodeNetstring('hello').toString('latin1'), '5:hello,');
  assert.is(encodeNetstring('').toString('latin1'), '0:,');
  // "ü" is two bytes in UTF-8: the length counts bytes.
  assert.is(encodeNetstring('ü').toString('utf8'), '2:ü,');
});

test('two netstrings in one chunk, then one split at every byte position', () => {
  const both = Buffer.concat([encodeNetstring(REGINFO), encodeNetstring('{"event":true,"type":"REGISTER_OK"} ü')]);
  assert.equal(new NetstringReader().push(both), [REGINFO, '{"event":true,"type":"REGISTER_OK"} ü']);
  for (let cut = 0; cut <= both.length; cut++) {
    const reader = new NetstringReader();
    const out = [...reader.push(both.subarray(0, cut)), ...reader.push(both.subarray(cut))];
    assert.equal(out, [REGINFO, '{"event":true,"type":"REGISTER_OK"} ü'], `cut at ${cut}`);
    assert.is(reader.error, undefined);
  }
});

test('fed one byte at a time', () => {
  const bytes = encodeNetstring(REGINFO);
  const reader = new NetstringReader();
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) out.push(...reader.push(bytes.subarray(i, i + 1)));
  assert.equal(out, [REGINFO]);
  assert.equal(JSON.parse(out[0]!).token, 't1');
});

test('bad framing is reported, not thrown, and stops the reader', () => {
  const cases: Array<[string, RegExp]> = [
    ['3:abc;', /comma/],
    ['03:abc,', /bad length/],
    ['x:abc,', /bad length/],
    ['12345678901', /no colon/],
    ['99999999:', /over/],
  ];
  for (const [input, why] of cases) {
    const reader = new NetstringReader(1 << 20);
    assert.equal(reader.push(Buffer.from(input, 'latin1')), [], input);
    assert.match(reader.error ?? '', why, input);
    assert.equal(reader.push(Buffer.from('2:ok,', 'latin1')), [], 'nothing after an error');
  }
});

test('stripAnsi removes baresip colour codes and keeps the text', () => {
  const data = JSON.parse(REGINFO).data as string;
  assert.is(stripAnsi(data), '\n--- User Agents (1) ---\n> sip:bob@127.0.0.1    OK  kamailio Expires 300s\n');
  assert.is(stripAnsi('\x1b[31m404 Not Found\x1b[;m'), '404 Not Found');
});

test.run();
