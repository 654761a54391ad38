// CSeq, Call-ID, Max-Forwards, Content-Length, Expires, Min-Expires, Retry-After, with values from
// RFC 4475 wsinv (leading zeros, folded CSeq), scalar02 and scalarlg (overlarge values).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CSeqValue, CallIdValue, DECODE_OK, E_DEC_BAD_CALL_ID, E_DEC_BAD_COMMENT, E_DEC_BAD_METHOD, E_DEC_BAD_NUMBER,
  E_DEC_EMPTY, E_DEC_OUT_OF_RANGE, E_DEC_TRAILING_BYTES, NumberValue, RetryAfterValue, decodeCSeq, decodeCallId,
  decodeContentLength, decodeExpires, decodeMaxForwards, decodeMinExpires, decodeRetryAfter,
} from '../../core/sip/decode/index.js';
import { M } from '../../core/sip/header-ids.js';
import { at, field, text } from './helpers.js';

const cseq = new CSeqValue();
const callId = new CallIdValue();
const num = new NumberValue();
const retry = new RetryAfterValue();

test('CSeq: wsinv "0009\\r\\n  INVITE" (leading zeros, folded LWS)', () => {
  const f = field('0009\r\n  INVITE');
  assert.is(decodeCSeq(f.buf, f.off, f.end, cseq), DECODE_OK);
  assert.is(cseq.seq, 9);
  assert.is(text(f.buf, cseq.seqOff, cseq.seqLen), '0009');
  assert.is(text(f.buf, cseq.methodOff, cseq.methodLen), 'INVITE');
  assert.is(cseq.methodId, M.INVITE);
});

test('CSeq: extension method keeps its span with M.OTHER; 2^31-1 is the limit', () => {
  let f = field('2147483647 NEWMETHOD');
  assert.is(decodeCSeq(f.buf, f.off, f.end, cseq), DECODE_OK);
  assert.is(cseq.seq, 2147483647);
  assert.is(cseq.methodId, M.OTHER);
  assert.is(text(f.buf, cseq.methodOff, cseq.methodLen), 'NEWMETHOD');
  f = field('2147483648 INVITE');
  assert.is(decodeCSeq(f.buf, f.off, f.end, cseq), E_DEC_OUT_OF_RANGE);
  assert.is(cseq.errorOffset, f.off + 9);
});

test('CSeq: scalar02 and scalarlg overlarge sequence numbers', () => {
  for (const v of ['36893488147419103232 REGISTER', '9292394834772304023312 OPTIONS']) {
    const f = field(v);
    assert.is(decodeCSeq(f.buf, f.off, f.end, cseq), E_DEC_OUT_OF_RANGE, v);
    assert.ok(cseq.errorOffset >= f.off && cseq.errorOffset < f.end);
  }
});

test('CSeq: malformed', () => {
  const cases: [string, number, number | string][] = [
    ['', E_DEC_EMPTY, 0],
    ['INVITE', E_DEC_BAD_NUMBER, 0],
    ['12', E_DEC_EMPTY, 2],
    ['12INVITE', E_DEC_BAD_METHOD, 'I'],
    ['12 INVITE x', E_DEC_TRAILING_BYTES, ' x'],
    ['12 @', E_DEC_BAD_METHOD, '@'],
  ];
  for (const [v, code, where] of cases) {
    const f = field(v);
    assert.is(decodeCSeq(f.buf, f.off, f.end, cseq), code, v);
    assert.is(cseq.errorOffset, typeof where === 'number' ? f.off + where : at(f, where), `${v} offset`);
  }
});

test('Call-ID: word@word, word only, and word characters from the torture tests', () => {
  let f = field('wsinv.ndaksdj@192.0.2.1');
  assert.is(decodeCallId(f.buf, f.off, f.end, callId), DECODE_OK);
  assert.is(text(f.buf, callId.localOff, callId.localLen), 'wsinv.ndaksdj');
  assert.is(text(f.buf, callId.hostOff, callId.hostLen), '192.0.2.1');
  assert.is(text(f.buf, callId.off, callId.len), 'wsinv.ndaksdj@192.0.2.1');
  f = field('esc01.239409asdfakjkn23onasd0-3234');
  assert.is(decodeCallId(f.buf, f.off, f.end, callId), DECODE_OK);
  assert.is(callId.hostOff, -1);
  f = field('a<b>:c"d/[e]?{f}\\~`\'()!%*_+-.@x');
  assert.is(decodeCallId(f.buf, f.off, f.end, callId), DECODE_OK);
});

test('Call-ID: malformed', () => {
  const cases: [string, number, number | string][] = [
    ['', E_DEC_EMPTY, 0],
    ['abc@', E_DEC_BAD_CALL_ID, 4],
    ['@abc', E_DEC_BAD_CALL_ID, 0],
    ['a@b@c', E_DEC_BAD_CALL_ID, 3],
    ['a b', E_DEC_BAD_CALL_ID, ' '],
    ['a;b', E_DEC_BAD_CALL_ID, ';'],
  ];
  for (const [v, code, where] of cases) {
    const f = field(v);
    assert.is(decodeCallId(f.buf, f.off, f.end, callId), code, v);
    const expected = typeof where === 'number' ? f.off + where : at(f, where);
    assert.is(callId.errorOffset, expected, `${v} offset`);
  }
});

test('Max-Forwards: wsinv 0068; scalar02 300 is out of 0..255', () => {
  let f = field('0068');
  assert.is(decodeMaxForwards(f.buf, f.off, f.end, num), DECODE_OK);
  assert.is(num.value, 68);
  f = field('0');
  assert.is(decodeMaxForwards(f.buf, f.off, f.end, num), DECODE_OK);
  assert.is(num.value, 0);
  f = field('300');
  assert.is(decodeMaxForwards(f.buf, f.off, f.end, num), E_DEC_OUT_OF_RANGE);
  assert.is(num.errorOffset, f.off + 2);
  assert.is(num.value, -1);
});

test('Expires / Min-Expires / Content-Length: 2^32-1 accepted, scalar02 10^100 rejected', () => {
  let f = field('4294967295');
  assert.is(decodeExpires(f.buf, f.off, f.end, num), DECODE_OK);
  assert.is(num.value, 4294967295);
  f = field('4294967296');
  assert.is(decodeExpires(f.buf, f.off, f.end, num), E_DEC_OUT_OF_RANGE);
  f = field('1' + '0'.repeat(100));
  assert.is(decodeExpires(f.buf, f.off, f.end, num), E_DEC_OUT_OF_RANGE);
  assert.is(num.errorOffset, f.off + 10);
  f = field('3600');
  assert.is(decodeMinExpires(f.buf, f.off, f.end, num), DECODE_OK);
  assert.is(num.value, 3600);
  f = field('150');
  assert.is(decodeContentLength(f.buf, f.off, f.end, num), DECODE_OK);
  assert.is(num.value, 150);
  f = field('15 0');
  assert.is(decodeContentLength(f.buf, f.off, f.end, num), E_DEC_BAD_NUMBER);
  assert.is(num.errorOffset, f.off + 2);
  f = field('-1');
  assert.is(decodeContentLength(f.buf, f.off, f.end, num), E_DEC_BAD_NUMBER);
  f = field('');
  assert.is(decodeContentLength(f.buf, f.off, f.end, num), E_DEC_EMPTY);
});

test('Retry-After: scalarlg overlarge value is out of range', () => {
  const f = field('949302838503028349304023988');
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), E_DEC_OUT_OF_RANGE);
  assert.is(retry.errorOffset, f.off + 9); // "9493028385" is the first prefix above 2^32-1
});

test('Retry-After: comment (nested), duration and other params (RFC 3261 §20.33)', () => {
  let f = field('18000;duration=3600');
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), DECODE_OK);
  assert.is(retry.seconds, 18000);
  assert.is(retry.duration, 3600);
  f = field("120 (I'm in a (meeting) \\) ok) ;duration=60;x=y");
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), DECODE_OK);
  assert.is(retry.seconds, 120);
  assert.is(text(f.buf, retry.commentOff, retry.commentLen), "I'm in a (meeting) \\) ok");
  assert.is(retry.duration, 60);
  assert.is(text(f.buf, retry.paramsOff, retry.paramsLen), ';duration=60;x=y');
  f = field('5 (unterminated');
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), E_DEC_BAD_COMMENT);
  assert.is(retry.errorOffset, f.end);
  f = field('5 ' + '('.repeat(40) + ')'.repeat(40));
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), E_DEC_BAD_COMMENT);
  f = field('5;duration=99999999999');
  assert.is(decodeRetryAfter(f.buf, f.off, f.end, retry), E_DEC_OUT_OF_RANGE);
  assert.is(retry.errorOffset, at(f, '999'));
});

test.run();
