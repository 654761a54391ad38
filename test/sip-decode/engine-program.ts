// The same decoding program run on Node and inside QuickJS (see quickjs.test.ts): decodes each
// [decoder, value] pair and returns the code plus every span, so the two engines can be compared.
import * as D from '../../core/sip/decode/index.js';

type Decoder = (buf: Uint8Array, off: number, end: number, out: never) => number;

const DECODERS: Record<string, [Decoder, () => object]> = {
  uri: [D.decodeUri as Decoder, () => new D.UriValue()],
  via: [D.decodeVia as Decoder, () => new D.ViaValue()],
  from: [D.decodeNameAddr as Decoder, () => new D.NameAddrValue()],
  contact: [D.decodeContact as Decoder, () => new D.ContactValue()],
  cseq: [D.decodeCSeq as Decoder, () => new D.CSeqValue()],
  callId: [D.decodeCallId as Decoder, () => new D.CallIdValue()],
  expires: [D.decodeExpires as Decoder, () => new D.NumberValue()],
  retryAfter: [D.decodeRetryAfter as Decoder, () => new D.RetryAfterValue()],
  contentType: [D.decodeContentType as Decoder, () => new D.ContentTypeValue()],
  event: [D.decodeEvent as Decoder, () => new D.EventValue()],
  subState: [D.decodeSubscriptionState as Decoder, () => new D.SubscriptionStateValue()],
};

function flatten(o: Record<string, unknown>, prefix: string, acc: Record<string, number | boolean>): void {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'number' || typeof v === 'boolean') acc[prefix + k] = v;
    else if (k === 'uri' && v !== null && typeof v === 'object') flatten(v as Record<string, unknown>, 'uri.', acc);
  }
}

export function runDecodeProgram(cases: [string, string][]): { code: number; fields: Record<string, number | boolean> }[] {
  const results: { code: number; fields: Record<string, number | boolean> }[] = [];
  for (const [name, value] of cases) {
    const entry = DECODERS[name];
    const buf = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) buf[i] = value.charCodeAt(i) & 0xff;
    const out = entry[1]();
    const code = entry[0](buf, 0, buf.length, out as never);
    const fields: Record<string, number | boolean> = {};
    flatten(out as Record<string, unknown>, '', fields);
    results.push({ code, fields });
  }
  return results;
}
