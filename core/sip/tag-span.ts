// The tag of a message's From or To (RFC 3261 §19.3, §20.20, §20.39): tag-param = "tag" EQUAL token.
// The transaction key (RFC 2543 matching), the response echo (does To carry a tag?) and the
// dialog lookup all ask for it; the first ask decodes the whole name-addr (a malformed one has no
// usable tag) and the view keeps the answer until the next parse.
import { H } from './header-ids.js';
import { NameAddrValue, decodeNameAddr } from './decode/name-addr.js';
import type { SipMessageView } from './view.js';

const nameAddr = new NameAddrValue();

/**
 * Offset into view.buf of the tag of the first To (`id` H.TO) or From (any other id: H.FROM)
 * header, or -1 when that header is absent, does not decode, or has no tag. The length is in
 * view.toTagLen / view.fromTagLen (0 when -1).
 */
export function tagSpan(view: SipMessageView, id: number): number {
  if (id === H.TO) {
    if (view.toTagOff === -2) {
      const off = decodeTag(view, H.TO);
      view.toTagLen = off < 0 ? 0 : nameAddr.tagLen;
      view.toTagOff = off;
    }
    return view.toTagOff;
  }
  if (view.fromTagOff === -2) {
    const off = decodeTag(view, H.FROM);
    view.fromTagLen = off < 0 ? 0 : nameAddr.tagLen;
    view.fromTagOff = off;
  }
  return view.fromTagOff;
}

function decodeTag(view: SipMessageView, id: number): number {
  const i = view.find(id);
  if (i < 0) return -1;
  const off = view.valueOff[i]!;
  if (decodeNameAddr(view.buf, off, off + view.valueLen[i]!, nameAddr) !== 0) return -1;
  return nameAddr.tagOff;
}
