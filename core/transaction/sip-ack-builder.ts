// The AckBuilder for real SIP bytes (RFC 3261 §17.1.1.3): the ACK a client transaction sends
// for a non-2xx final response to its INVITE.
//
//   "The ACK request constructed by the client transaction MUST contain values for the Call-ID,
//    From, and Request-URI that are equal to the values of those header fields in the request
//    passed to the transport by the client transaction ... The To header field in the ACK MUST
//    equal the To header field in the response being acknowledged ... The ACK MUST contain a
//    single Via header field, and this MUST be equal to the top Via header field of the original
//    request. The CSeq header field in the ACK MUST contain the same value for the sequence number
//    as was present in the original request, but the method parameter MUST be equal to "ACK".
//    If the INVITE request whose response is being acknowledged had Route header fields, those
//    header fields MUST appear in the ACK."
//
// Runs once per failed INVITE (not a hot path), so it allocates its result; the views are reused.
import { SipMessageView } from '../sip/view.js';
import { parse, createParseOptions } from '../sip/parser.js';
import { H } from '../sip/header-ids.js';
import { HeaderValueCursor } from '../sip/values.js';
import { CSeqValue, decodeCSeq } from '../sip/decode/cseq.js';
import { type AckBuilder } from './outputs.js';
import { asciiBytes as ascii } from '../bytes/ascii.js';


const ACK_SP = ascii('ACK ');
const SP_VERSION_CRLF = ascii(' SIP/2.0\r\n');
const VIA = ascii('Via: ');
const ROUTE = ascii('Route: ');
const MAX_FORWARDS = ascii('Max-Forwards: 70\r\n');
const FROM = ascii('From: ');
const TO = ascii('To: ');
const CALL_ID = ascii('Call-ID: ');
const CSEQ = ascii('CSeq: ');
const SP_ACK_CRLF = ascii(' ACK\r\n');
const CRLF = ascii('\r\n');
const END = ascii('Content-Length: 0\r\n\r\n');

export class SipAckBuilder implements AckBuilder {
  private readonly request = new SipMessageView();
  private readonly response = new SipMessageView();
  private readonly values = new HeaderValueCursor();
  private readonly cseq = new CSeqValue();
  private readonly options = createParseOptions({ datagram: true });
  // Pieces of the ACK as (buffer, offset, length) triples, reused between calls.
  private readonly bufs: Uint8Array[] = [];
  private readonly offs: number[] = [];
  private readonly lens: number[] = [];

  buildAck(request: Uint8Array, requestOff: number, requestLen: number, response: Uint8Array, responseOff: number, responseLen: number): Uint8Array | null {
    const req = this.request;
    const res = this.response;
    if (parse(request, requestOff, requestLen, req, this.options) <= 0) return null;
    if (parse(response, responseOff, responseLen, res, this.options) <= 0) return null;
    const from = req.find(H.FROM);
    const callId = req.find(H.CALL_ID);
    const cseq = req.find(H.CSEQ);
    const to = res.find(H.TO);
    if (from < 0 || callId < 0 || cseq < 0 || to < 0) return null;
    const cseqOff = req.valueOff[cseq]!;
    if (decodeCSeq(request, cseqOff, cseqOff + req.valueLen[cseq]!, this.cseq) !== 0) return null;
    this.values.reset(req, H.VIA);
    if (!this.values.next()) return null;

    this.bufs.length = this.offs.length = this.lens.length = 0;
    this.whole(ACK_SP);
    this.span(request, req.uriOff, req.uriLen);
    this.whole(SP_VERSION_CRLF);
    this.whole(VIA);
    this.span(request, this.values.off, this.values.len);
    this.whole(CRLF);
    for (let i = 0; i < req.headerCount; i++) {
      if (req.headerId[i] !== H.ROUTE) continue;
      this.whole(ROUTE);
      this.span(request, req.valueOff[i]!, req.valueLen[i]!);
      this.whole(CRLF);
    }
    this.whole(MAX_FORWARDS);
    this.header(FROM, request, req.valueOff[from]!, req.valueLen[from]!);
    this.header(TO, response, res.valueOff[to]!, res.valueLen[to]!);
    this.header(CALL_ID, request, req.valueOff[callId]!, req.valueLen[callId]!);
    this.whole(CSEQ);
    this.span(request, this.cseq.seqOff, this.cseq.seqLen);
    this.whole(SP_ACK_CRLF);
    this.whole(END);

    let total = 0;
    for (let i = 0; i < this.lens.length; i++) total += this.lens[i]!;
    const out = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < this.bufs.length; i++) {
      const b = this.bufs[i]!;
      const o = this.offs[i]!;
      const n = this.lens[i]!;
      for (let j = 0; j < n; j++) out[at + j] = b[o + j]!;
      at += n;
    }
    return out;
  }

  private whole(b: Uint8Array): void {
    this.span(b, 0, b.length);
  }

  private span(b: Uint8Array, off: number, len: number): void {
    this.bufs.push(b);
    this.offs.push(off);
    this.lens.push(len);
  }

  private header(name: Uint8Array, b: Uint8Array, off: number, len: number): void {
    this.whole(name);
    this.span(b, off, len);
    this.whole(CRLF);
  }
}
