// Fills a TransactionKey from a parsed SipMessageView: the glue between core/sip and the
// transaction engine (which itself never parses). Reads the top Via (branch, sent-by), the
// CSeq method and, for requests without the RFC 3261 magic cookie, the RFC 2543 matching
// fields (§17.2.3). Allocation-free: the decoders' output objects are owned by the reader.
import { type SipMessageView } from '../sip/view.js';
import { H } from '../sip/header-ids.js';
import { HeaderValueCursor } from '../sip/values.js';
import { ViaValue, decodeVia, TRANSPORT_TLS, TRANSPORT_WSS } from '../sip/decode/via.js';
import { CSeqValue, decodeCSeq } from '../sip/decode/cseq.js';
import { tagSpan } from '../sip/tag-span.js';
import { type TransactionKey } from './key.js';
import { FNV_OFFSET, hashBytes, hashBytesCaseless, hashNumber } from './hash.js';

export const KEY_OK = 0;
/** No Via header: §8.2 / §18.1.2 — a request cannot be answered, a response is discarded. */
export const KEY_ERROR_NO_VIA = -1;
export const KEY_ERROR_BAD_VIA = -2;
export const KEY_ERROR_NO_CSEQ = -3;
export const KEY_ERROR_BAD_CSEQ = -4;

/** Default ports for a Via sent-by without one (§18.2.2 "default port for the transport"). */
const DEFAULT_PORT = 5060;
const DEFAULT_TLS_PORT = 5061;
const COMMA = 0x2c;

export class TransactionKeyReader {
  private readonly values = new HeaderValueCursor();
  private readonly via = new ViaValue();
  private readonly cseq = new CSeqValue();
  /** The top Via span of the last read (for callers that need it, e.g. building responses). */
  topViaOff = 0;
  topViaLen = 0;
  /** The transport of the top Via (TRANSPORT_* of core/sip/decode/via.ts). */
  transportId = 0;
  /** The CSeq number of the last read. */
  cseqNumber = -1;

  /** The top Via decoded by the last read (valid when it returned KEY_OK): callers that need
   *  more of it (where responses go, §18.2.2) need not decode it again. */
  get topVia(): ViaValue {
    return this.via;
  }

  // Locals are `var`: QuickJS checks a let/const (TDZ) on every use (see core/sip/parser.ts).
  /** Fills `key` from `view`; returns KEY_OK or a negative KEY_ERROR_*. */
  read(view: SipMessageView, key: TransactionKey): number {
    key.reset();
    this.cseqNumber = -1;
    var buf = view.buf;
    key.isRequest = view.isRequest;
    key.methodId = view.isRequest ? view.methodId : 0;
    key.statusCode = view.isRequest ? 0 : view.statusCode;

    var c = view.find(H.CSEQ);
    if (c < 0) return KEY_ERROR_NO_CSEQ;
    var cseqOff = view.valueOff[c]!;
    if (decodeCSeq(buf, cseqOff, cseqOff + view.valueLen[c]!, this.cseq) !== 0) return KEY_ERROR_BAD_CSEQ;
    key.cseqMethodId = this.cseq.methodId;
    this.cseqNumber = this.cseq.seq;

    // The top Via value. Usually the first Via line holds one value (no comma in it: one native
    // search says so) and it is that line's span; otherwise the value cursor splits the list.
    // Skipping the cursor's unbalanced check is safe: it only flags a '"' or '<' outside a closed
    // quoted-string, which decodeVia rejects anyway.
    var viaOff = -1;
    var viaLen = 0;
    var first = view.find(H.VIA);
    if (first < 0) return KEY_ERROR_NO_VIA;
    var firstOff = view.valueOff[first]!;
    var firstLen = view.valueLen[first]!;
    // Searched backwards from the value's end: that scan stops at the buffer's start, a forward
    // one could run through a large receive buffer past the message.
    if (firstLen > 0 && buf.lastIndexOf(COMMA, firstOff + firstLen - 1) < firstOff) {
      viaOff = firstOff;
      viaLen = firstLen;
    } else {
      const values = this.values;
      values.reset(view, H.VIA);
      if (!values.next()) return KEY_ERROR_NO_VIA;
      viaOff = values.off;
      viaLen = values.len;
      this.topViaOff = viaOff;
      this.topViaLen = viaLen;
      if (values.unbalanced) return KEY_ERROR_BAD_VIA;
    }
    this.topViaOff = viaOff;
    this.topViaLen = viaLen;
    var via = this.via;
    if (decodeVia(buf, viaOff, viaOff + viaLen, via) !== 0) return KEY_ERROR_BAD_VIA;
    this.transportId = via.transportId;
    if (via.branchOff >= 0) key.setBranch(buf, via.branchOff, via.branchLen);
    if (!view.isRequest) return KEY_OK;

    // §17.2.3 rule 2: sent-by, host compared case-insensitively, absent port = transport default.
    var h = hashBytesCaseless(buf, via.hostOff, via.hostLen);
    var port = via.port >= 0 ? via.port : via.transportId === TRANSPORT_TLS || via.transportId === TRANSPORT_WSS ? DEFAULT_TLS_PORT : DEFAULT_PORT;
    key.sentByHash = hashNumber(port, h);

    // The To tag only serves RFC 2543 matching (§17.2.3: with the magic cookie the branch alone
    // identifies the transaction), so a request with the cookie does not decode To here.
    if (key.hasMagicCookie()) return KEY_OK;
    key.toTagHash = this.tagHash(view, H.TO);
    // RFC 2543 fallback: Request-URI, From tag, Call-ID, CSeq number and the whole top Via.
    h = hashBytes(buf, view.uriOff, view.uriLen, FNV_OFFSET);
    h = hashNumber(this.tagHash(view, H.FROM), h);
    var callId = view.find(H.CALL_ID);
    if (callId >= 0) h = hashBytes(buf, view.valueOff[callId]!, view.valueLen[callId]!, h);
    h = hashNumber(this.cseq.seq, h);
    h = hashBytes(buf, viaOff, viaLen, h);
    key.legacyHash = h === 0 ? 1 : h;
    return KEY_OK;
  }

  /** Hash of the tag parameter of From/To, 0 when there is none. */
  private tagHash(view: SipMessageView, id: number): number {
    const off = tagSpan(view, id);
    if (off < 0) return 0;
    const h = hashBytes(view.buf, off, id === H.TO ? view.toTagLen : view.fromTagLen);
    return h === 0 ? 1 : h;
  }
}
