// The npm SIP stacks measured beside our parser. Each adapter parses one message given as a
// string (the form these libraries take off a WebSocket or socket; giving them a string
// spares them the byte decoding our parser does not need) and reads the four fields every
// received message is routed by: top Via branch, From tag, Call-ID and CSeq number.
import { createRequire } from 'node:module';
import { Parser as SipJsParser } from 'sip.js/lib/core/messages/parser.js';

const require = createRequire(import.meta.url);

export interface PeerParser {
  readonly name: string;
  /** Returns a value derived from the four fields so the work cannot be optimised away. */
  parse(text: string): number;
}

const silentLogger = { error() {}, warn() {}, log() {}, debug() {} };

const sipJs: PeerParser = {
  name: 'sip.js',
  parse(text) {
    const m = SipJsParser.parseMessage(text, silentLogger as never);
    if (!m) return -1;
    // sip.js types its parsed Via as host/port only; the branch is there at run time.
    const branch = (m.via as { branch?: string } | undefined)?.branch ?? '';
    return branch.length + (m.fromTag?.length ?? 0) + m.callId.length + m.cseq;
  },
};

const jssipParser = require('jssip/lib/Parser.js') as { parseMessage(data: string, ua: unknown): any };
const jssip: PeerParser = {
  name: 'jssip',
  parse(text) {
    const m = jssipParser.parseMessage(text, {});
    if (!m) return -1;
    const via = m.getHeader('via') as string;
    const branch = /branch=([^;,\s]+)/.exec(via)?.[1] ?? '';
    return branch.length + (m.from_tag?.length ?? 0) + m.call_id.length + m.cseq;
  },
};

const sipLib = require('sip') as { parse(text: string): any };
const sip: PeerParser = {
  name: 'sip',
  parse(text) {
    const m = sipLib.parse(text);
    if (!m) return -1;
    const branch = m.headers.via?.[0]?.params?.branch ?? '';
    return branch.length + (m.headers.from?.params?.tag?.length ?? 0) + m.headers['call-id'].length + m.headers.cseq.seq;
  },
};

export const peers: readonly PeerParser[] = [sipJs, jssip, sip];
