// Engine-neutral: what the parser and decoders make of each message. Runs under Node (imported
// by the test) and inside QuickJS (bundled by sip-entry.ts); the test demands identical output.
import { SipMessageView, parse, createParseOptions, H, HeaderValueCursor } from '../../core/sip/index.js';
import { CSeqValue, decodeCSeq, ViaValue, decodeVia } from '../../core/sip/decode/index.js';

export interface Verdict {
  consumed: number;
  errorOffset: number;
  isRequest: boolean;
  status: number;
  headers: number;
  viaValues: number;
  topBranchLen: number;
  cseq: number;
  contentLength: number;
  bodyLen: number;
  callId: string;
}

export function verdicts(messages: readonly (readonly number[])[]): Verdict[] {
  const view = new SipMessageView({ maxMessageBytes: 65535, maxHeaders: 128, maxBodyBytes: 65535 });
  const options = createParseOptions({ datagram: true });
  const vias = new HeaderValueCursor();
  const via = new ViaValue();
  const cseq = new CSeqValue();
  const out: Verdict[] = [];
  for (const m of messages) {
    const buf = new Uint8Array(m);
    const consumed = parse(buf, 0, buf.length, view, options);
    const v: Verdict = { consumed, errorOffset: -1, isRequest: false, status: 0, headers: 0, viaValues: 0, topBranchLen: -1, cseq: -1, contentLength: -1, bodyLen: -1, callId: '' };
    if (consumed <= 0) {
      v.errorOffset = view.errorOffset;
    } else {
      v.isRequest = view.isRequest;
      v.status = view.statusCode;
      v.headers = view.headerCount;
      vias.reset(view, H.VIA);
      let first = true;
      while (vias.next()) {
        if (first && decodeVia(buf, vias.off, vias.off + vias.len, via) === 0) v.topBranchLen = via.branchLen;
        first = false;
        v.viaValues++;
      }
      const c = view.find(H.CSEQ);
      if (c >= 0 && decodeCSeq(buf, view.valueOff[c]!, view.valueOff[c]! + view.valueLen[c]!, cseq) === 0) v.cseq = cseq.seq;
      v.contentLength = view.contentLength;
      v.bodyLen = view.bodyLen;
      const i = view.find(H.CALL_ID);
      if (i >= 0) v.callId = view.headerValueText(i);
    }
    out.push(v);
  }
  return out;
}
