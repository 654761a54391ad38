// Which session a frame belongs to (RFC 4975 §6, §7.3): a passive endpoint accepts a connection
// before it knows whose it is; the first frame's To-Path names the session by its session-id.
// The host parses the first frame into a view, reads the span here, and hands the connection to
// the MsrpSession whose localUri carries that id.
import type { MsrpFrameView } from './view.js';
import { MH } from './header-ids.js';
import { Span, firstUriSpan, sessionIdSpan } from './uri.js';

const uriSpan = new Span();

/** The session-id of the first To-Path URI of a parsed frame, into `out`; false when there is none. */
export function frameSessionId(view: MsrpFrameView, out: Span): boolean {
  if (view.headerCount < 1 || view.headerId[0] !== MH.TO_PATH) return false;
  return firstUriSpan(view.buf, view.valueOff[0]!, view.valueLen[0]!, uriSpan) && sessionIdSpan(view.buf, uriSpan.off, uriSpan.len, out);
}

/** True when the frame's To-Path session-id is `sessionId` (case-sensitive, §6.1). */
export function frameIsForSession(view: MsrpFrameView, sessionId: string, scratch: Span = new Span()): boolean {
  if (!frameSessionId(view, scratch) || scratch.len !== sessionId.length) return false;
  for (let i = 0; i < scratch.len; i++) if (view.buf[scratch.off + i] !== sessionId.charCodeAt(i)) return false;
  return true;
}
