// message-summary bodies (RFC 3842) from the RFC's own flow, plus the edge cases servers send.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessageSummary, MessageSummary, MessagesWaiting, MwiError, Count } from '../../core/packages/message-summary.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies', 'rfc3842');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The body of a corpus NOTIFY: everything after the first empty line. */
function notifyBody(file: string): { buf: Uint8Array; start: number } {
  const buf = new Uint8Array(readFileSync(join(corpus, file)));
  for (let i = 0; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return { buf, start: i + 4 };
  }
  throw new Error(`no body in ${file}`);
}

function parse(text: string): MessageSummary {
  const out = new MessageSummary();
  const buf = enc(text);
  parseMessageSummary(buf, 0, buf.length, out);
  return out;
}

const account = (buf: Uint8Array, s: MessageSummary): string => new TextDecoder().decode(buf.subarray(s.accountStart, s.accountEnd));

test('RFC 3842 A3: Messages-Waiting yes, account, Voice-Message 2/8 (0/2)', () => {
  const { buf, start } = notifyBody('A3-NOTIFY.sip');
  const s = new MessageSummary();
  assert.is(parseMessageSummary(buf, start, buf.length, s), MwiError.None);
  assert.is(s.waiting, MessagesWaiting.Yes);
  assert.ok(s.lampOn);
  assert.is(account(buf, s), 'sip:alice@vmail.example.com');
  assert.is(s.count('voice-message', Count.New), 2);
  assert.is(s.count('voice-message', Count.Old), 8);
  assert.is(s.count('voice-message', Count.UrgentNew), 0);
  assert.is(s.count('voice-message', Count.UrgentOld), 2);
  assert.is(s.count('fax-message', Count.New), -1);
});

test('RFC 3842 A5: summary followed by opt-msg-headers (per-message headers are not summary lines)', () => {
  const { buf, start } = notifyBody('A5-NOTIFY.sip');
  const s = new MessageSummary();
  assert.is(parseMessageSummary(buf, start, buf.length, s), MwiError.None);
  assert.is(s.count('voice-message', Count.New), 4);
  assert.is(s.count('voice-message', Count.Old), 8);
  assert.is(s.count('voice-message', Count.UrgentNew), 1);
  assert.is(s.count('voice-message', Count.UrgentOld), 2);
});

test('RFC 3842 A9 and the §3.5 status-only body', () => {
  const { buf, start } = notifyBody('A9-NOTIFY.sip');
  const s = new MessageSummary();
  assert.is(parseMessageSummary(buf, start, buf.length, s), MwiError.None);
  assert.is(s.count('voice-message', Count.New), 4);
  const only = new Uint8Array(readFileSync(join(corpus, 'body-3.5-message-summary-status-only.txt')));
  assert.is(parseMessageSummary(only, 0, only.length, s), MwiError.None);
  assert.is(s.waiting, MessagesWaiting.Yes);
  assert.is(s.accountStart, s.accountEnd, 'no account');
  assert.is(s.count('voice-message', Count.New), -1);
});

test('leniency: LF line ends, any case, spaces around HCOLON/SLASH/parens, no urgent part, several classes', () => {
  const s = parse('messages-waiting : NO\nmessage-account: sip:vm@example.com\nVOICE-MESSAGE: 0 / 3\nFax-Message: 1/0 ( 1 / 0 )\n');
  assert.is(s.error, MwiError.None);
  assert.is(s.waiting, MessagesWaiting.No);
  assert.not.ok(s.lampOn);
  assert.is(s.count('voice-message', Count.New), 0);
  assert.is(s.count('voice-message', Count.Old), 3);
  assert.is(s.count('voice-message', Count.UrgentNew), -1);
  assert.is(s.count('fax-message', Count.New), 1);
  assert.is(s.count('fax-message', Count.UrgentNew), 1);
});

test('errors are codes with positions: empty body, missing or bad status, bad counts, too large', () => {
  assert.is(parse('').error, MwiError.EmptyBody);
  assert.is(parse('\r\n\r\n').error, MwiError.EmptyBody);
  assert.is(parse('Voice-Message: 1/2\r\n').error, MwiError.MissingStatus);
  const bad = parse('Messages-Waiting: maybe\r\n');
  assert.is(bad.error, MwiError.BadStatus);
  assert.is(bad.errorPosition, 18);
  assert.is(parse('Messages-Waiting: yes\r\nVoice-Message: 1-2\r\n').error, MwiError.BadCount);
  assert.is(parse('Messages-Waiting: yes\r\nVoice-Message: 1/2 (3/4\r\n').error, MwiError.BadCount);
  assert.is(parse('Messages-Waiting: yes\r\nVoice-Message: 99999999999/2\r\n').error, MwiError.BadCount);
  assert.is(parse('Messages-Waiting: yes\r\nVoice-Message: 1/2 junk\r\n').error, MwiError.BadCount);
  assert.is(parse(`Messages-Waiting: yes\r\n${'X-Pad: 1\r\n'.repeat(1000)}`).error, MwiError.TooLarge);
});

test('random bytes never throw', () => {
  let seed = 7;
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
  const alphabet = enc('Messages-Waiting: yes no\r\nVoice-Message Fax 0123456789/()\t :x');
  const out = new MessageSummary();
  const buf = new Uint8Array(80);
  for (let i = 0; i < 20_000; i++) {
    const n = Math.floor(rnd() * 80);
    for (let j = 0; j < n; j++) buf[j] = rnd() < 0.9 ? alphabet[Math.floor(rnd() * alphabet.length)]! : Math.floor(rnd() * 256);
    const code = parseMessageSummary(buf, 0, n, out);
    assert.ok(code >= 0 && code <= 5);
    if (code !== MwiError.None) assert.ok(out.errorPosition >= 0 && out.errorPosition <= n);
  }
});

test.run();
