// Lazy header decoders of core/sip: each reads one header value span (buf, off, end) into a
// caller-owned, reusable output object of offsets, returning 0 or a code in -100 … -199 with
// out.errorOffset at the fault. They work on plain byte spans, so they need no SipMessageView:
//
//   const via = new ViaValue();                       // once, at start-up
//   cursor.reset(view, H.VIA);                        // core/sip/values.ts splits on commas
//   while (cursor.next()) {
//     if (decodeVia(view.buf, cursor.off, cursor.off + cursor.len, via) !== 0) { /* 400 */ }
//     // via.branchOff / via.branchLen, via.port, via.rportPresent …
//   }
//
// Spans are (xOff, xLen) pairs, -1/-1 when absent; URI parts stay %-escaped (compare with
// escapedEquals, copy with unescapeInto) and quoted values keep their backslashes (unquoteInto).
// On an error, fields decoded before the fault stay filled; the rest are reset.
export * from './errors.js';
export {
  CHAR_CLASS, C_ALPHA, C_DIGIT, C_HEX, C_TOKEN, C_UNRESERVED, C_WORD, skipLws, spanEqualsLower, trimLwsEnd,
} from './chars.js';
export { escapedEquals, escapedSpansEqual, findBadEscape, unescapeInto } from './escape.js';
export { HOST_NONE, HOST_NAME, HOST_IPV4, HOST_IPV6, scanHost, scanIpv4, scanIpv6, type HostTarget } from './host.js';
export { PARAMS_HEADER, PARAMS_URI, PARAMS_URI_HEADERS, ParamCursor } from './params.js';
export { SCHEME_OTHER, SCHEME_SIP, SCHEME_SIPS, SCHEME_TEL, UriValue, decodeUri } from './uri.js';
export {
  TRANSPORT_OTHER, TRANSPORT_UDP, TRANSPORT_TCP, TRANSPORT_TLS, TRANSPORT_SCTP, TRANSPORT_TLS_SCTP, TRANSPORT_WS,
  TRANSPORT_WSS, ViaValue, decodeVia, lookupTransportId,
} from './via.js';
export {
  ContactValue, NameAddrValue, decodeContact, decodeFrom, decodeNameAddr, decodeRecordRoute, decodeReferTo, decodeRoute,
  decodeTo, parseQvalue,
} from './name-addr.js';
export { unquoteInto } from './quoted.js';
export { CSeqValue, MAX_CSEQ, decodeCSeq } from './cseq.js';
export { CallIdValue, decodeCallId } from './call-id.js';
export {
  MAX_FORWARDS_LIMIT, MAX_UINT32, NumberValue, decodeContentLength, decodeExpires, decodeMaxForwards,
  decodeMinExpires, decodeUnsigned,
} from './number.js';
export { RetryAfterValue, decodeRetryAfter } from './retry-after.js';
export { ContentTypeValue, decodeContentType } from './content-type.js';
export { EventValue, decodeEvent } from './event.js';
export {
  REASON_DEACTIVATED, REASON_GIVEUP, REASON_INVARIANT, REASON_NORESOURCE, REASON_OTHER, REASON_PROBATION,
  REASON_REJECTED, REASON_TIMEOUT, SUBSTATE_ACTIVE, SUBSTATE_OTHER, SUBSTATE_PENDING, SUBSTATE_TERMINATED,
  SubscriptionStateValue, decodeSubscriptionState,
} from './subscription-state.js';
export { TokenListCursor } from './token-list.js';
export { TokenValue, decodeSipETag, decodeSipIfMatch, decodeToken } from './token.js';
