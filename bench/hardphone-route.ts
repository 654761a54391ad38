// What the benchmark asks of our parser for each message: parse it into the reusable view and
// read the four fields a phone routes every message by (top Via branch, From tag, Call-ID,
// CSeq number) — the same work the peer adapters in peers/ do. Engine-neutral so the same file
// runs under Node and inside QuickJS. Allocates nothing per message.
import { SipMessageView, parse, H, type ParseOptions } from '../core/sip/index.js';
import { ViaValue, decodeVia, NameAddrValue, decodeNameAddr, CSeqValue, decodeCSeq } from '../core/sip/decode/index.js';

export class RouteReader {
  readonly view = new SipMessageView();
  private readonly via = new ViaValue();
  private readonly from = new NameAddrValue();
  private readonly cseq = new CSeqValue();
  private readonly options: ParseOptions = { datagram: true, allowBareLf: false, allowSpaceBeforeColon: false, allowAnyReasonBytes: false };

  /** Returns branch length + From-tag length + Call-ID length + CSeq number, or -1. */
  read(buf: Uint8Array, off: number, len: number): number {
    const view = this.view;
    if (parse(buf, off, len, view, this.options) <= 0) return -1;
    const viaIndex = view.find(H.VIA);
    const fromIndex = view.find(H.FROM);
    const callIdIndex = view.find(H.CALL_ID);
    const cseqIndex = view.find(H.CSEQ);
    if (viaIndex < 0 || fromIndex < 0 || callIdIndex < 0 || cseqIndex < 0) return -1;
    const viaStart = view.valueOff[viaIndex]!;
    if (decodeVia(buf, viaStart, viaStart + view.valueLen[viaIndex]!, this.via) !== 0) return -1;
    const fromStart = view.valueOff[fromIndex]!;
    if (decodeNameAddr(buf, fromStart, fromStart + view.valueLen[fromIndex]!, this.from) !== 0) return -1;
    const cseqStart = view.valueOff[cseqIndex]!;
    if (decodeCSeq(buf, cseqStart, cseqStart + view.valueLen[cseqIndex]!, this.cseq) !== 0) return -1;
    const branchLen = this.via.branchLen > 0 ? this.via.branchLen : 0;
    const tagLen = this.from.tagLen > 0 ? this.from.tagLen : 0;
    return branchLen + tagLen + view.valueLen[callIdIndex]! + this.cseq.seq;
  }
}
