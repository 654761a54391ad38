// How the two-party harness writes and reads messages: either the test-only one-line format
// (tiny-sip.ts, no parser needed) or real SIP bytes through core/sip's parser, the key reader and
// the SIP ACK builder — the same path a UA takes.
import { TransactionKey, TransactionKeyReader, SipAckBuilder, type AckBuilder, METHOD_ACK } from '../../core/transaction/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { methodName } from '../../core/sip/header-ids.js';
import { encode, parseTiny, tinyAckBuilder, tinyKey, tinyRequest, tinyResponse } from './tiny-sip.js';

export interface MessageInfo { isRequest: boolean; methodId: number; status: number; seq: number }

export interface HarnessCodec {
  readonly name: string;
  readonly ackBuilder: AckBuilder;
  /** A request and where its branch starts in the bytes. */
  request(methodId: number, branch: string, sentBy: string, seq: number): { bytes: Uint8Array; branchOff: number };
  /** A response to the request with this branch / sent-by / method / CSeq number. */
  response(status: number, branch: string, sentBy: string, methodId: number, seq: number): Uint8Array;
  /** Fills `key` (as a host would from its parsed view) and says what the message is. */
  read(bytes: Uint8Array, off: number, len: number, key: TransactionKey): MessageInfo;
  info(bytes: Uint8Array, off: number, len: number): MessageInfo;
}

export const tinyCodec: HarnessCodec = {
  name: 'tiny',
  ackBuilder: tinyAckBuilder,
  request(methodId, branch, sentBy, seq) {
    const bytes = tinyRequest(methodId, branch, sentBy, seq);
    return { bytes, branchOff: bytes.indexOf(0x20, 2) + 1 };
  },
  response(status, branch, _sentBy, methodId, seq) {
    return tinyResponse(status, branch, methodId, seq);
  },
  read(bytes, off, len, key) {
    const m = tinyKey(bytes.subarray(off, off + len), key);
    return { isRequest: m.isRequest, methodId: m.methodId, status: m.status, seq: m.seq };
  },
  info(bytes, off, len) {
    const m = parseTiny(bytes, off, len);
    return { isRequest: m.isRequest, methodId: m.methodId, status: m.status, seq: m.seq };
  },
};

const REASONS: Record<number, string> = { 100: 'Trying', 180: 'Ringing', 200: 'OK', 202: 'Accepted', 486: 'Busy Here' };

/** Real SIP over the harness: one reusable view and key reader per codec. */
export function sipCodec(): HarnessCodec {
  const view = new SipMessageView();
  const reader = new TransactionKeyReader();
  const options = createParseOptions({ datagram: true });
  const scratch = new TransactionKey();
  const readInto = (bytes: Uint8Array, off: number, len: number, key: TransactionKey): MessageInfo => {
    if (parse(bytes, off, len, view, options) <= 0) throw new Error(`harness produced unparsable SIP (${view.errorCode})`);
    const code = reader.read(view, key);
    if (code !== 0) throw new Error(`key reader failed: ${code}`);
    return { isRequest: view.isRequest, methodId: view.isRequest ? view.methodId : key.cseqMethodId, status: view.statusCode, seq: reader.cseqNumber };
  };
  return {
    name: 'sip',
    ackBuilder: new SipAckBuilder(),
    request(methodId, branch, sentBy, seq) {
      const m = methodName(methodId);
      const toTag = methodId === METHOD_ACK ? ';tag=t' + seq : '';
      const head = `${m} sip:peer@harness.example SIP/2.0\r\nVia: SIP/2.0/UDP ${sentBy};branch=`;
      const text = head + `${branch}\r\nMax-Forwards: 70\r\nFrom: <sip:me@harness.example>;tag=f${seq}\r\n` +
        `To: <sip:peer@harness.example>${toTag}\r\nCall-ID: call-${seq}@harness.example\r\nCSeq: ${seq} ${m}\r\nContent-Length: 0\r\n\r\n`;
      return { bytes: encode(text), branchOff: head.length };
    },
    response(status, branch, sentBy, methodId, seq) {
      const m = methodName(methodId);
      return encode(`SIP/2.0 ${status} ${REASONS[status] ?? 'Whatever'}\r\nVia: SIP/2.0/UDP ${sentBy};branch=${branch}\r\n` +
        `From: <sip:me@harness.example>;tag=f${seq}\r\nTo: <sip:peer@harness.example>;tag=t${seq}\r\n` +
        `Call-ID: call-${seq}@harness.example\r\nCSeq: ${seq} ${m}\r\nContent-Length: 0\r\n\r\n`);
    },
    read: readInto,
    info(bytes, off, len) {
      return readInto(bytes, off, len, scratch);
    },
  };
}
