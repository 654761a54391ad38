import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CpimView, parseCpim, CPIM_OK, E_CPIM_BAD_HEADER } from '../../core/im/cpim.js';
import {
  ImdnReader, ImdnRequest, readImdnRequest, writeImdnDocument, writeImdnRequestMessage, writeImdnNotificationMessage,
  imdnRequestMessageLength, parseDispositions, formatDispositions, imdnErrorName,
  IMDN_OK, IMDN_NOT_REQUESTED, E_IMDN_XML, E_IMDN_WRONG_ROOT, E_IMDN_NO_MESSAGE_ID, E_IMDN_NO_NOTIFICATION, E_IMDN_BAD_STATUS,
  E_IMDN_NO_DATETIME, E_IMDN_NO_SPACE, E_IMDN_BAD_VALUE, NS_IMDN_XML,
  DISPOSITION_POSITIVE_DELIVERY, DISPOSITION_NEGATIVE_DELIVERY, DISPOSITION_DISPLAY, DISPOSITION_PROCESSING,
} from '../../core/im/imdn.js';
import { MultipartReader, MultipartPart, MULTIPART_PART, E_MP_UNTERMINATED } from '../../core/mime/multipart.js';
import { XmlError } from '../../core/xml/errors.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
const load = (f: string) => new Uint8Array(readFileSync(join(corpus, f)));
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const str = (b: Uint8Array, off = 0, end = b.length) => Buffer.from(b.subarray(off, end)).toString('utf8');
const LENIENT = { allowMissingSeparator: true };

test('RFC 5438 §7.1.1: the IM asks for positive and negative delivery', () => {
  const b = load('rfc5438/7.1.1-cpim-im.cpim');
  const view = new CpimView();
  // RFC text error 1: no empty line between the message headers and the MIME headers. Strict
  // CPIM reading reports it (E_CPIM_BAD_HEADER at the text); the named leniency reads it.
  assert.is(parseCpim(b, 0, b.length, view), E_CPIM_BAD_HEADER);
  assert.is(parseCpim(b, 0, b.length, view, LENIENT), CPIM_OK);
  const req = new ImdnRequest();
  assert.is(readImdnRequest(view, req), IMDN_OK);
  assert.is(req.messageId, '34jk324j');
  assert.is(req.dateTimeText, '2006-04-04T12:16:49-05:00');
  assert.is(req.dateTime, Date.UTC(2006, 3, 4, 17, 16, 49));
  assert.is(req.dispositions, DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_NEGATIVE_DELIVERY);
  assert.is(req.from, 'Alice <im:alice@example.com>');
  assert.is(req.to, 'Bob <im:bob@example.com>');
  // RFC text error 2: Content-length says 12; the content as printed is 11 octets + CRLF.
  assert.is(view.contentLength, 12);
  assert.is(view.bodyLen, 13);
});

for (const [file, kind, status, ownId] of [
  ['rfc5438/7.2.1.1-cpim-imdn-delivery.cpim', 'delivery', 'delivered', 'd834jied93rf'],
  ['rfc5438/7.2.1.2-cpim-imdn-display.cpim', 'display', 'displayed', 'dfjkleriou432333'],
] as const) {
  test(`RFC 5438 ${file.split('/')[1]!.split('-')[0]}: ${kind} notification for 34jk324j`, () => {
    const b = load(file);
    const view = new CpimView();
    assert.is(parseCpim(b, 0, b.length, view, LENIENT), CPIM_OK);
    // RFC text error: "Content-length: ..." is a placeholder, reported as "no length".
    assert.is(view.contentLength, -1);
    assert.is(str(b, view.contentTypeOff, view.contentTypeOff + view.contentTypeLen), 'message/imdn+xml');
    // The IMDN's own CPIM headers: it has its own id and asks for nothing (§7.2.1.1).
    const req = new ImdnRequest();
    assert.is(readImdnRequest(view, req), IMDN_NOT_REQUESTED);
    assert.is(req.messageId, ownId);
    // RFC text error: the printed IMDN has no DateTime header.
    assert.is(req.dateTimeText, '');
    const r = new ImdnReader();
    assert.is(r.read(b, view.bodyOff, view.bodyOff + view.bodyLen), IMDN_OK, imdnErrorName(r.read(b, view.bodyOff, view.bodyOff + view.bodyLen)));
    assert.is(r.messageId, '34jk324j');
    assert.is(r.kind, kind);
    assert.is(r.status, status);
    assert.is(r.recipientUri, 'im:bob@example.com');
    assert.is(r.originalRecipientUri, 'im:bob@example.com', 'the ">" on the next line is legal XML (S before ">")');
    // RFC text error: <datetime> should copy the IM's DateTime (2006-…), the example says 2008.
    assert.is(r.dateTimeText, '2008-04-04T12:16:49-05:00');
    assert.is.not(r.dateTimeText, '2006-04-04T12:16:49-05:00');
  });
}

test('RFC 5438 §8.1: processing notification, printed with the SIP Content-Type line in front', () => {
  const b = load('rfc5438/8.1-cpim-imdn-processing.cpim');
  const view = new CpimView();
  // RFC text error: the outer "Content-type: Message/CPIM" and an empty line precede the CPIM
  // message; read naively, that line becomes the CPIM MIME header and the real CPIM the content.
  assert.is(parseCpim(b, 0, b.length, view, LENIENT), CPIM_OK);
  assert.is(str(b, view.contentTypeOff, view.contentTypeOff + view.contentTypeLen), 'Message/CPIM');
  const r = new ImdnReader();
  assert.is(r.read(b, view.bodyOff, view.bodyOff + view.bodyLen), E_IMDN_XML, 'the headers are not XML');
  assert.is(r.xmlError, XmlError.TextOutsideRoot);
  // Skipping the outer header reads the message.
  const start = str(b).indexOf('\r\n\r\n') + 4;
  assert.is(parseCpim(b, start, b.length, view, LENIENT), CPIM_OK);
  const req = new ImdnRequest();
  // RFC text error: no NS / imdn.Message-ID / DateTime headers on this IMDN at all.
  assert.is(readImdnRequest(view, req), IMDN_NOT_REQUESTED);
  assert.is(req.messageId, '');
  assert.is(r.read(b, view.bodyOff, view.bodyOff + view.bodyLen), IMDN_OK);
  assert.equal([r.messageId, r.kind, r.status], ['34jk324j', 'processing', 'processed']);
});

test('RFC 5438 §8.3: aggregated IMDNs in multipart/mixed, with two RFC text errors reported', () => {
  const b = load('rfc5438/8.3-cpim-imdn-aggregated.cpim');
  const view = new CpimView();
  // Error 1: the folded Content-type (boundary on a continuation line) is not a header line.
  assert.is(parseCpim(b, 0, b.length, view, LENIENT), E_CPIM_BAD_HEADER);
  assert.ok(str(b, view.errorOffset).trimStart().startsWith('boundary="imdn-boundary"'));
  // Error 2: the closing delimiter lacks its trailing "--": both parts read, then unterminated.
  const body = str(b).indexOf('\r\n\r\n') + 4;
  const boundary = enc('imdn-boundary');
  const mp = new MultipartReader(4).reset(b, body, b.length, boundary, 0, boundary.length);
  const part = new MultipartPart();
  const r = new ImdnReader();
  const seen: string[] = [];
  let code: number;
  while ((code = mp.next(part)) === MULTIPART_PART) {
    assert.is(r.read(b, part.bodyOff, part.bodyOff + part.bodyLen), IMDN_OK);
    seen.push(`${r.messageId} ${r.kind} ${r.status}`);
  }
  assert.equal(seen, ['34jk324j delivery delivered', '34jk324j display displayed']);
  assert.is(code, E_MP_UNTERMINATED);
});

test('IMDN document failures carry codes and positions', () => {
  const r = new ImdnReader();
  const d = (inner: string) => enc(`<imdn xmlns="${NS_IMDN_XML}">${inner}</imdn>`);
  const head = '<message-id>m1</message-id><datetime>2008-04-04T12:16:49Z</datetime>';
  assert.is(r.read(d(`${head}<delivery-notification><status><delivered/></status></delivery-notification>`)), IMDN_OK);
  assert.is(r.dateTime, Date.UTC(2008, 3, 4, 12, 16, 49));
  assert.is(r.read(enc('<imdn><message-id>m</message-id></imdn>')), E_IMDN_WRONG_ROOT);
  assert.is(r.read(d('<datetime>2008-04-04T12:16:49Z</datetime><delivery-notification><status><delivered/></status></delivery-notification>')), E_IMDN_NO_MESSAGE_ID);
  assert.is(r.read(d(head)), E_IMDN_NO_NOTIFICATION);
  assert.is(r.read(d(`${head}<display-notification><status><delivered/></status></display-notification>`)), E_IMDN_BAD_STATUS, 'delivered is not a display status');
  assert.ok(r.errorPosition > 0);
  assert.is(r.read(d(`${head}<delivery-notification><status><exploded/></status></delivery-notification>`)), E_IMDN_BAD_STATUS);
  assert.is(r.read(d(`${head}<delivery-notification><status></status></delivery-notification>`)), E_IMDN_BAD_STATUS);
  assert.is(r.read(d('<message-id>m</message-id><delivery-notification><status><failed/></status></delivery-notification>')), E_IMDN_NO_DATETIME);
  assert.is(r.read(d(`<message-id>${'x'.repeat(1000)}</message-id>`)), E_IMDN_NO_MESSAGE_ID, 'an overlong id is dropped, not kept half');
  assert.is(r.truncatedFields, 1);
  assert.is(r.read(enc('<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>')), E_IMDN_XML);
  assert.is(r.xmlError, XmlError.UnexpectedEnd);
});

test('Disposition-Notification: tokens, case, spaces, unknown ones ignored', () => {
  const p = (s: string) => parseDispositions(enc(s), 0, enc(s).length);
  assert.is(p('positive-delivery, display'), DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY);
  assert.is(p(' Negative-Delivery ,PROCESSING,, future-thing '), DISPOSITION_NEGATIVE_DELIVERY | DISPOSITION_PROCESSING);
  assert.is(p(''), 0);
  assert.is(p('displayed'), 0, 'not a token prefix match');
  assert.is(formatDispositions(DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY), 'positive-delivery, display');
});

test('request message: written, then read back by the CPIM reader and readImdnRequest', () => {
  const out = new Uint8Array(1024);
  const m = {
    from: 'Ålice <im:alice@example.com>', to: 'Bob <im:bob@example.com>', messageId: 'Xk3j9q2Lw0',
    dateTime: '2026-11-25T22:00:00Z', dispositions: DISPOSITION_POSITIVE_DELIVERY | DISPOSITION_DISPLAY,
    contentType: 'text/plain;charset=UTF-8', content: enc('Grüße'),
  };
  const n = writeImdnRequestMessage(out, 3, m);
  assert.ok(n.ok);
  assert.is(n.val, imdnRequestMessageLength(m));
  const view = new CpimView();
  assert.is(parseCpim(out, 3, 3 + (n.val as number), view), CPIM_OK, 'strict: our output has the empty line');
  const req = new ImdnRequest();
  assert.is(readImdnRequest(view, req), IMDN_OK);
  assert.equal([req.messageId, req.dateTimeText, req.dispositions, req.from], [m.messageId, m.dateTime, m.dispositions, m.from]);
  assert.is(view.contentLength, 7);
  assert.is(str(out, view.bodyOff, view.bodyOff + view.bodyLen), 'Grüße');
  assert.ok(str(out, 3, 3 + (n.val as number)).includes('imdn.Disposition-Notification: positive-delivery, display\r\n'));
  assert.equal(writeImdnRequestMessage(out, 0, { ...m, to: 'Bob\r\nimdn.Evil: 1' }).val, E_IMDN_BAD_VALUE);
  assert.equal(writeImdnRequestMessage(new Uint8Array(50), 0, m).val, E_IMDN_NO_SPACE);
});

test('notification message: Content-Disposition, no request, document round trip', () => {
  const out = new Uint8Array(2048);
  const n = writeImdnNotificationMessage(out, 0, {
    from: 'Bob <im:bob@example.com>', to: 'Alice <im:alice@example.com>', messageId: 'n1', dateTime: '2026-11-25T22:00:05Z',
    document: { messageId: '34jk324j', dateTime: '2006-04-04T12:16:49-05:00', recipientUri: 'im:bob@example.com', kind: 'display', status: 'displayed' },
  });
  assert.ok(n.ok);
  const text = str(out, 0, n.val as number);
  assert.ok(text.includes('\r\nContent-Disposition: notification\r\n'));
  assert.not.ok(text.includes('Disposition-Notification:'), 'an IMDN never asks for an IMDN');
  const view = new CpimView();
  assert.is(parseCpim(out, 0, n.val as number, view), CPIM_OK);
  assert.is(view.contentLength, view.bodyLen);
  const r = new ImdnReader();
  assert.is(r.read(out, view.bodyOff, view.bodyOff + view.bodyLen), IMDN_OK);
  assert.equal([r.messageId, r.dateTimeText, r.kind, r.status, r.recipientUri], ['34jk324j', '2006-04-04T12:16:49-05:00', 'display', 'displayed', 'im:bob@example.com']);
  assert.is(writeImdnDocument(out, 0, { messageId: 'm', dateTime: 'd', kind: 'display', status: 'delivered' }).val, E_IMDN_BAD_VALUE);
  assert.is(writeImdnDocument(new Uint8Array(30), 0, { messageId: 'm', dateTime: 'd', kind: 'delivery', status: 'delivered' }).val, E_IMDN_NO_SPACE);
});

test.run();
