// A test-only, one-line stand-in for SIP messages, so the transaction layer can be driven
// without the real parser. Requests: "Q <methodId> <branch> <sentBy> <seq>\n"; responses:
// "S <status> <branch> <cseqMethodId> <seq>\n". The branch is a span of the message bytes, as it
// would be in a parsed view. An ACK (§17.1.1.3) is "Q 2 <branch of the INVITE> <sentBy> <seq>".
import { TransactionKey, type AckBuilder } from '../../core/transaction/index.js';
import { hashBytesCaseless } from '../../core/transaction/hash.js';

const METHOD_ACK = 2;

export function encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function decodeText(bytes: Uint8Array, off = 0, len = bytes.length): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export interface TinyMessage {
  isRequest: boolean;
  methodId: number;
  status: number;
  branch: string;
  sentBy: string;
  seq: number;
}

export function tinyRequest(methodId: number, branch: string, sentBy: string, seq: number): Uint8Array {
  return encode(`Q ${methodId} ${branch} ${sentBy} ${seq}\n`);
}

export function tinyResponse(status: number, branch: string, cseqMethodId: number, seq: number): Uint8Array {
  return encode(`S ${status} ${branch} ${cseqMethodId} ${seq}\n`);
}

export function parseTiny(bytes: Uint8Array, off = 0, len = bytes.length): TinyMessage {
  const parts = decodeText(bytes, off, len).trimEnd().split(' ');
  const isRequest = parts[0] === 'Q';
  return {
    isRequest,
    methodId: isRequest ? Number(parts[1]) : Number(parts[3]),
    status: isRequest ? 0 : Number(parts[1]),
    branch: parts[2]!,
    sentBy: isRequest ? parts[3]! : '',
    seq: Number(parts[4]),
  };
}

/** Fills `key` from a tiny message; the branch span points into `bytes`. */
export function tinyKey(bytes: Uint8Array, key: TransactionKey, off = 0, len = bytes.length): TinyMessage {
  const m = parseTiny(bytes, off, len);
  key.reset();
  key.isRequest = m.isRequest;
  // The branch is the third space-separated field.
  let at = off;
  let spaces = 0;
  while (spaces < 2) if (bytes[at++] === 0x20) spaces++;
  key.setBranch(bytes, at, m.branch === '-' ? 0 : m.branch.length);
  if (m.isRequest) {
    key.methodId = m.methodId;
    key.cseqMethodId = m.methodId;
    key.sentByHash = hashBytesCaseless(encode(m.sentBy), 0, m.sentBy.length);
  } else {
    key.statusCode = m.status;
    key.cseqMethodId = m.methodId;
  }
  return m;
}

/** The ACK for a non-2xx final response, built as §17.1.1.3 describes (here: from the INVITE's fields). */
export const tinyAckBuilder: AckBuilder & { built: number } = {
  built: 0,
  buildAck(request, requestOff, requestLen) {
    const r = parseTiny(request, requestOff, requestLen);
    this.built++;
    return tinyRequest(METHOD_ACK, r.branch, r.sentBy, r.seq);
  },
};
