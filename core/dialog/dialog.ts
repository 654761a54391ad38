// A SIP dialog (RFC 3261 §12): the peer-to-peer relationship a SUBSCRIBE or INVITE creates,
// identified by Call-ID, local tag and remote tag, carrying the route set, the remote target
// and both CSeq spaces. Dialog state is created once per dialog, so it keeps plain strings;
// matching an incoming message against dialogs compares bytes in place and allocates nothing.

export type DialogState = 'early' | 'confirmed' | 'terminated';

/** What a dialog needs to know about its own end. */
export interface LocalParty {
  readonly callId: string;
  readonly localTag: string;
  /** From URI of requests we send (our AOR), as written in the header (without tag). */
  readonly localUri: string;
  /** To URI of requests we send (the peer's AOR). */
  readonly remoteUri: string;
}

/** What a response (UAC) or request (UAS) tells about the other end (§12.1.1, §12.1.2). */
export interface RemoteParty {
  readonly remoteTag: string;
  /** The URI of the peer's Contact, or '' when it sent none (then the remote URI is used). */
  readonly contactUri: string;
  /** Record-Route values in the order they appear in the message, each a name-addr or URI. */
  readonly recordRoutes: readonly string[];
  readonly secure: boolean;
}

/** Where an in-dialog request goes (§12.2.1.1): Request-URI and Route header values. */
export interface RequestTarget {
  readonly requestUri: string;
  readonly routes: readonly string[];
}

/** The routes of a dialog without a route set (shared: RequestTarget.routes is read-only). */
const NO_ROUTES: readonly string[] = [];

export class Dialog {
  state: DialogState;
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  remoteTarget: string;
  /** Route set: fixed when the dialog is created (§12.1.1: "the route set MUST NOT change"), except from an early to a confirmed dialog. */
  routeSet: readonly string[];
  localSeq: number;
  /** -1 until the peer sends a request in the dialog (§12.1.1: "empty"). */
  remoteSeq: number;
  readonly secure: boolean;
  /** Whether we sent the request that created the dialog. */
  readonly isUac: boolean;

  constructor(isUac: boolean, local: LocalParty, remote: RemoteParty, routeSet: string[], localSeq: number, remoteSeq: number, state: DialogState) {
    this.isUac = isUac;
    this.callId = local.callId;
    this.localTag = local.localTag;
    this.remoteTag = remote.remoteTag;
    this.localUri = local.localUri;
    this.remoteUri = local.remoteUri;
    this.remoteTarget = remote.contactUri !== '' ? remote.contactUri : local.remoteUri;
    // No Record-Route (a notifier's own NOTIFY, a proxy that does not record-route): every such
    // dialog shares one empty route set instead of keeping an array of its own.
    this.routeSet = routeSet.length === 0 ? NO_ROUTES : routeSet;
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
    this.secure = remote.secure;
    this.state = state;
  }

  /** §12.2.1.1: "the CSeq number MUST be incremented by one". */
  nextLocalSeq(): number {
    this.localSeq = (this.localSeq + 1) >>> 0;
    if (this.localSeq > 0x7fffffff) this.localSeq = 1;
    return this.localSeq;
  }

  /**
   * §12.2.2: a request with a CSeq lower than the last one seen is out of order and answered
   * 500; an equal one is a retransmission the transaction layer absorbs. Returns false for out
   * of order.
   */
  acceptRemoteSeq(seq: number): boolean {
    if (this.remoteSeq >= 0 && seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** §12.2.1.2 / §12.2.2: a target refresh request or its 2xx replaces the remote target. */
  refreshTarget(contactUri: string): void {
    if (contactUri !== '') this.remoteTarget = contactUri;
  }

  /** An early dialog becomes confirmed by a 2xx, which may bring a new route set (§12.1.2, §13.2.2.4). */
  confirm(remote: RemoteParty): void {
    this.state = 'confirmed';
    this.refreshTarget(remote.contactUri);
    if (this.isUac) this.routeSet = remote.recordRoutes.length === 0 ? NO_ROUTES : remote.recordRoutes.slice().reverse();
  }

  /**
   * §12.2.1.1: with a loose router first in the route set (`;lr`), the Request-URI is the remote
   * target and the Route headers are the route set; with a strict router, the Request-URI is that
   * router's URI, and the remote target is appended as the last Route.
   */
  requestTarget(): RequestTarget {
    if (this.routeSet.length === 0) return { requestUri: this.remoteTarget, routes: NO_ROUTES };
    const first = this.routeSet[0]!;
    if (isLooseRoute(first)) return { requestUri: this.remoteTarget, routes: this.routeSet };
    return { requestUri: uriOf(first), routes: [...this.routeSet.slice(1), `<${this.remoteTarget}>`] };
  }

  /** Matches an incoming message's Call-ID and tags (our tag = To for requests we receive) in place. */
  matches(buf: Uint8Array, callIdOff: number, callIdLen: number, localTagOff: number, localTagLen: number, remoteTagOff: number, remoteTagLen: number): boolean {
    return equalsAscii(buf, callIdOff, callIdLen, this.callId, false)
      && equalsAscii(buf, localTagOff, localTagLen, this.localTag, false)
      && equalsAscii(buf, remoteTagOff, remoteTagLen, this.remoteTag, false);
  }
}

/** §12.1.2: the UAC's route set is the Record-Route of the response, reversed. */
export function createUacDialog(local: LocalParty, remote: RemoteParty, localSeq: number, early: boolean): Dialog {
  return new Dialog(true, local, remote, remote.recordRoutes.slice().reverse(), localSeq, -1, early ? 'early' : 'confirmed');
}

/** §12.1.1: the UAS's route set is the Record-Route of the request, in order. */
export function createUasDialog(local: LocalParty, remote: RemoteParty, remoteSeq: number, early: boolean): Dialog {
  return new Dialog(false, local, remote, remote.recordRoutes.slice(), 0, remoteSeq, early ? 'early' : 'confirmed');
}

/** A route is loose when its URI carries the `lr` parameter (RFC 3261 §19.1.1). */
export function isLooseRoute(route: string): boolean {
  const uri = uriOf(route);
  const params = uri.indexOf(';');
  if (params < 0) return false;
  for (const p of uri.slice(params + 1).split(';')) {
    const name = p.split('=')[0]!.trim().toLowerCase();
    if (name === 'lr') return true;
  }
  return false;
}

/** The URI inside a name-addr (`"x" <sip:a;lr>;p=1` → `sip:a;lr`), or the value itself. */
export function uriOf(nameAddr: string): string {
  const open = nameAddr.indexOf('<');
  if (open < 0) return nameAddr.trim();
  const close = nameAddr.indexOf('>', open);
  return nameAddr.slice(open + 1, close < 0 ? undefined : close).trim();
}

function equalsAscii(buf: Uint8Array, off: number, len: number, s: string, caseless: boolean): boolean {
  if (len !== s.length) return false;
  if (len > 0 && off < 0) return false;
  for (let i = 0; i < len; i++) {
    let a = buf[off + i]!;
    let b = s.charCodeAt(i);
    if (caseless) {
      if (a >= 65 && a <= 90) a += 32;
      if (b >= 65 && b <= 90) b += 32;
    }
    if (a !== b) return false;
  }
  return true;
}
