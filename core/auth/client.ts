// The UAC side of digest auth as one preallocated object: it reads 401/407 challenges, keeps
// what it needs from them (the received packet buffer is reused, so realm, nonce, opaque and
// the algorithm token are copied into fixed storage), decides whether to retry (retry-policy.ts),
// counts nonces (nc 00000001, 00000002 ... per nonce, RFC 7616 §3.4) and writes Authorization /
// Proxy-Authorization headers into a SipWriter, with a fresh cnonce per request.
//
// Typical use, for a REGISTER:
//   auth.beginRequest();                      // a new request (not a retry)
//   ...write request headers...; auth.writeHeaders(writer, 'REGISTER', uri);  // preemptive if cached
//   on 401/407: if (auth.onResponse(view) === AUTH_RETRY) rebuild with CSeq+1 and writeHeaders again
//
// RFC 7616 §3.7 / RFC 8760 §2.4: when one response carries several challenges for the same realm
// (e.g. SHA-256 and MD5), the first one we support is used.
import { asciiEqualsIgnoreCase } from '../bytes/ascii.js';
import { TypedArena } from '../bytes/typed-arena.js';
import { H } from '../sip/header-ids.js';
import type { SipWriterBase } from '../sip/writer.js';
import { QOP_AUTH, QOP_AUTH_INT, QOP_NONE } from './algorithm.js';
import { AuthorizationFields, writeAuthorization } from './authorization-writer.js';
import { DigestChallenge, decodeChallenge, P_OPAQUE } from './challenge.js';
import { CNONCE_LENGTH, CnonceGenerator, type RandomSource } from './cnonce.js';
import type { Credential, CredentialStore } from './credential-store.js';
import { DigestComputer, DigestComputerBase } from './digest.js';
import {
  E_AUTH_NO_CHALLENGE, E_AUTH_NO_CREDENTIALS, E_AUTH_TOO_LONG, E_AUTH_TOO_MANY_REALMS, E_AUTH_UNKNOWN_SCHEME,
  E_AUTH_UNSUPPORTED_ALGORITHM, E_AUTH_UNSUPPORTED_QOP,
} from './errors.js';
import {
  AUTH_RETRY, CHALLENGE_NEW, CHALLENGE_NEW_STALE, CHALLENGE_SAME_NONCE, retryDecision, SENT_ANSWERED, SENT_FRESH,
  SENT_PREEMPTIVE,
} from './retry-policy.js';

export { AUTH_RETRY };

/** What the client needs of a parsed message: SipMessageView has this shape. */
export interface HeaderSource {
  readonly buf: Uint8Array;
  readonly headerCount: number;
  readonly headerId: ArrayLike<number>;
  readonly valueOff: ArrayLike<number>;
  readonly valueLen: ArrayLike<number>;
}

export interface DigestClientOptions {
  /** Entropy for cnonces, from the host. */
  random: RandomSource;
  credentials: CredentialStore;
  /** Realms (each of WWW and Proxy) remembered at once; default 4. */
  maxRealms?: number;
  /** stale=true retries allowed in one request chain; default 2. */
  maxStaleRetries?: number;
  /** Storage per copied value (realm, nonce, opaque); default 256 bytes each. */
  maxValueBytes?: number;
  /** Choose auth-int over auth when both are offered (the body is then hashed); default false. */
  preferAuthInt?: boolean;
  /** Send H(username:realm) when the server offers userhash=true (RFC 7616 §3.4.4); default false. */
  useUserhash?: boolean;
  /**
   * Scratch shared with other clients (see DigestWorkspace); default: a workspace of its own. Its
   * maxValueBytes must be at least this client's.
   */
  workspace?: DigestWorkspaceBase;
}

const DEFAULT_VALUE_BYTES = 256;

/**
 * What a client uses only inside one call (decoding a challenge, computing and writing one
 * credentials value) and keeps nothing in between: several clients of one single-threaded owner
 * (the UA's registrar and request clients) can share it. Its digest computer, challenge decoder
 * and header scratch are ~6 KiB of QuickJS heap.
 */
export class DigestWorkspaceBase {
  /** The most recent challenge decoded by any client using this workspace. */
  readonly challenge = new DigestChallenge();
  readonly fields = new AuthorizationFields();
  readonly cnonce = new Uint8Array(CNONCE_LENGTH);
  readonly scratch: Uint8Array;
  /** `computer`: a DigestComputerBase with the hashers wanted (DigestWorkspace: MD5 and SHA-256). */
  constructor(readonly computer: DigestComputerBase, readonly maxValueBytes = DEFAULT_VALUE_BYTES) {
    // Room for the longest value: three copied values, a SHA-256 response and the fixed text.
    this.scratch = new Uint8Array(3 * 2 * maxValueBytes + 1024);
  }
}

/** A workspace whose computer has both hashers, MD5 and SHA-256. */
export class DigestWorkspace extends DigestWorkspaceBase {
  constructor(maxValueBytes = DEFAULT_VALUE_BYTES) {
    super(new DigestComputer(), maxValueBytes);
  }
}

class AuthSlot {
  inUse = false;
  proxy = false;
  readonly realm: Uint8Array;
  realmLen = 0;
  realmEscaped = false;
  readonly nonce: Uint8Array;
  nonceLen = 0;
  nonceEscaped = false;
  readonly opaque: Uint8Array;
  opaqueLen = 0;
  hasOpaque = false;
  readonly algorithmToken: Uint8Array;
  algorithmLen = 0;
  algorithm = 0;
  qop = QOP_NONE;
  userhash = false;
  /** Nonce count already used with the current nonce. */
  nc = 0;
  /** DigestClientBase.nonceClock when this nonce was cached: a request written before then did not use it. */
  nonceAt = 0;
  sent = SENT_FRESH;
  challengedThisChain = false;
  staleRetries = 0;
  /** The response round in which this slot last took a challenge. */
  round = 0;
  credential: Credential | null = null;

  constructor(cap: number) {
    // One buffer for the four values (core/bytes/typed-arena.ts says why).
    const arena = new TypedArena(3 * cap + ALGORITHM_TOKEN_BYTES);
    this.realm = arena.u8(cap);
    this.nonce = arena.u8(cap);
    this.opaque = arena.u8(cap);
    this.algorithmToken = arena.u8(ALGORITHM_TOKEN_BYTES);
  }
}

const ALGORITHM_TOKEN_BYTES = 32;

function copyInto(dst: Uint8Array, src: Uint8Array, off: number, len: number): void {
  for (let i = 0; i < len; i++) dst[i] = src[off + i];
}

function sameBytes(a: Uint8Array, aLen: number, b: Uint8Array, bOff: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let i = 0; i < aLen; i++) if (a[i] !== b[bOff + i]) return false;
  return true;
}

/**
 * DigestClient with the workspace given, never one of its own: what the user agent builds, so that
 * the SHA-256 a default workspace brings stays out of a phone that does not pass UaModules.sha256.
 * SHA-256 challenges are then unsupported unless the workspace's computer has a SHA-256 hasher.
 */
export class DigestClientBase {
  /** The most recent challenge decoded (valid until the next onChallenge/onResponse of a client sharing the workspace). */
  readonly challenge: DigestChallenge;
  readonly computer: DigestComputerBase;
  /** Why the last onResponse/onChallenge gave up (0 when it did not). */
  lastError = 0;

  // Indexed loops over the slots, never for-of: QuickJS and XS allocate an iterator per for-of.
  /**
   * Realm slots, made on a realm's first challenge and reused after (up to maxRealms): a phone
   * hears from one realm, and each slot holds ~1 KiB of value buffers.
   */
  protected readonly slots: AuthSlot[] = [];
  private readonly maxRealms: number;
  private readonly fields: AuthorizationFields;
  private readonly cnonces: CnonceGenerator;
  private readonly cnonce: Uint8Array;
  private readonly scratch: Uint8Array;
  private readonly store: CredentialStore;
  private readonly maxStaleRetries: number;
  private readonly maxValueBytes: number;
  private readonly preferAuthInt: boolean;
  private readonly useUserhash: boolean;
  protected round = 0;
  /** Counts nonces cached (any realm): a request notes it when written (see restoreSentState). */
  nonceClock = 0;
  /** nonceClock when the request being answered was written (Infinity: unknown, it used the cached nonces). */
  private sentClock = Infinity;

  constructor(options: DigestClientOptions & { readonly workspace: DigestWorkspaceBase }) {
    this.maxRealms = options.maxRealms ?? 4;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_VALUE_BYTES;
    this.cnonces = new CnonceGenerator(options.random);
    this.store = options.credentials;
    this.maxStaleRetries = options.maxStaleRetries ?? 2;
    this.preferAuthInt = options.preferAuthInt ?? false;
    this.useUserhash = options.useUserhash ?? false;
    const w = options.workspace;
    if (w.maxValueBytes < this.maxValueBytes) throw new RangeError(`digest client: the shared workspace holds ${w.maxValueBytes}-byte values, this client needs ${this.maxValueBytes}`);
    this.challenge = w.challenge;
    this.computer = w.computer;
    this.fields = w.fields;
    this.cnonce = w.cnonce;
    this.scratch = w.scratch;
  }

  /** Call when starting a new request (not a retry of a challenged one). */
  beginRequest(): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      s.sent = SENT_FRESH;
      s.challengedThisChain = false;
      s.staleRetries = 0;
    }
  }

  /**
   * What the request now being answered carried, when several requests share this client: the
   * retry policy must judge a 401/407 by what *that* request sent (SENT_FRESH: no credentials,
   * SENT_PREEMPTIVE: credentials from a cached nonce, SENT_ANSWERED: credentials answering a
   * challenge of its own chain), not by whatever another request sent last. Call it right before
   * onResponse(). Without it, two SUBSCRIBEs challenged together lose the second one: the first's
   * retry marks the realm answered, and the second's fresh challenge looks like a refused password.
   */
  restoreSentState(sent: number, writtenAt = Infinity): void {
    // Requests share the cache: another one's challenge may have replaced a realm's nonce since
    // this request was written. A challenge with that newer nonce is then not "the same nonce we
    // used" (a refused answer): this request carried the older one, and stale=true earns a retry.
    this.sentClock = writtenAt;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.inUse) continue;
      s.sent = sent;
      if (sent !== SENT_ANSWERED) { s.challengedThisChain = false; s.staleRetries = 0; }
    }
  }

  /** Forgets every cached challenge (account changed, unregistered). */
  forget(): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) { const s = slots[i]; s.inUse = false; s.nc = 0; s.credential = null; }
    this.beginRequest();
  }

  /** Number of realms with a cached challenge (each gets a header from writeHeaders). */
  get activeRealms(): number {
    let n = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i].inUse) n++;
    return n;
  }

  /**
   * Handles a 401/407: every WWW-Authenticate and Proxy-Authenticate header of the message.
   * Returns AUTH_RETRY when the request should be sent again with writeHeaders(), or a negative
   * E_AUTH_* reason to give up (also in lastError).
   */
  onResponse(msg: HeaderSource): number {
    this.round++;
    const r = this.responseRound(msg);
    this.sentClock = Infinity;
    return r;
  }

  private responseRound(msg: HeaderSource): number {
    let retry = false;
    let firstProblem = 0;
    const n = msg.headerCount;
    for (let i = 0; i < n; i++) {
      const id = msg.headerId[i];
      if (id !== H.WWW_AUTHENTICATE && id !== H.PROXY_AUTHENTICATE) continue;
      const off = msg.valueOff[i];
      const r = this.challengeRound(msg.buf, off, off + msg.valueLen[i], id === H.PROXY_AUTHENTICATE);
      if (r === AUTH_RETRY) retry = true;
      else if (r < 0) {
        // A scheme or algorithm we cannot do is not fatal while another challenge works.
        const skippable = r === E_AUTH_UNKNOWN_SCHEME || r === E_AUTH_UNSUPPORTED_ALGORITHM || r === E_AUTH_UNSUPPORTED_QOP;
        if (!skippable) { this.lastError = r; return r; }
        if (firstProblem === 0) firstProblem = r;
      }
    }
    if (retry) { this.lastError = 0; return AUTH_RETRY; }
    this.lastError = firstProblem !== 0 ? firstProblem : E_AUTH_NO_CHALLENGE;
    return this.lastError;
  }

  protected challengeRound(buf: Uint8Array, off: number, end: number, proxy: boolean): number {
    const ch = this.challenge;
    const d = decodeChallenge(buf, off, end, ch);
    if (d < 0) return d;
    // ALG_UNSUPPORTED, or SHA-256 with a computer that has no SHA-256 hasher.
    if (!this.computer.supports(ch.algorithm)) return E_AUTH_UNSUPPORTED_ALGORITHM;
    const qop = this.chooseQop(ch.qop);
    if (qop < 0) return qop;
    const cap = this.maxValueBytes;
    if (ch.realmLen > cap || ch.nonceLen > cap || ch.opaqueLen > cap || ch.algorithmLen > 32) return E_AUTH_TOO_LONG;

    let slot: AuthSlot | null = null;
    let free: AuthSlot | null = null;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.inUse) { if (free === null) free = s; continue; }
      if (s.proxy === proxy && sameBytes(s.realm, s.realmLen, buf, ch.realmOff, ch.realmLen)) { slot = s; break; }
    }
    if (slot !== null && slot.round === this.round) return 0; // a preferred challenge for this realm came first
    const credential = this.store.lookup(buf, ch.realmOff, ch.realmLen, ch.realmEscaped);
    if (credential === null) return E_AUTH_NO_CREDENTIALS;

    let decision: number;
    if (slot === null) {
      if (free === null) {
        if (!(slots.length < this.maxRealms)) return E_AUTH_TOO_MANY_REALMS;
        free = new AuthSlot(cap);
        slots.push(free);
      }
      slot = free;
      slot.sent = SENT_FRESH;
      slot.staleRetries = 0;
      slot.nonceLen = 0;
      decision = AUTH_RETRY;
    } else {
      const same = slot.nonceAt <= this.sentClock && sameBytes(slot.nonce, slot.nonceLen, buf, ch.nonceOff, ch.nonceLen);
      const kind = same ? CHALLENGE_SAME_NONCE : ch.stale ? CHALLENGE_NEW_STALE : CHALLENGE_NEW;
      decision = retryDecision(slot.sent, kind, slot.staleRetries, this.maxStaleRetries);
      if (decision === AUTH_RETRY && kind === CHALLENGE_NEW_STALE && slot.sent !== SENT_FRESH) slot.staleRetries++;
    }
    if (decision !== AUTH_RETRY) return decision;

    const newNonce = !sameBytes(slot.nonce, slot.nonceLen, buf, ch.nonceOff, ch.nonceLen);
    slot.inUse = true;
    slot.proxy = proxy;
    slot.round = this.round;
    slot.credential = credential;
    copyInto(slot.realm, buf, ch.realmOff, ch.realmLen);
    slot.realmLen = ch.realmLen;
    slot.realmEscaped = ch.realmEscaped;
    copyInto(slot.nonce, buf, ch.nonceOff, ch.nonceLen);
    slot.nonceLen = ch.nonceLen;
    slot.nonceEscaped = ch.nonceEscaped;
    slot.hasOpaque = (ch.present & P_OPAQUE) !== 0;
    copyInto(slot.opaque, buf, ch.opaqueOff, ch.opaqueLen);
    slot.opaqueLen = ch.opaqueLen;
    copyInto(slot.algorithmToken, buf, ch.algorithmOff, ch.algorithmLen);
    slot.algorithmLen = ch.algorithmLen;
    slot.algorithm = ch.algorithm;
    slot.qop = qop;
    slot.userhash = ch.userhash && this.useUserhash;
    if (newNonce) { slot.nc = 0; slot.nonceAt = ++this.nonceClock; }
    slot.challengedThisChain = true;
    return AUTH_RETRY;
  }

  private chooseQop(offered: number): number {
    if (offered === QOP_NONE) return QOP_NONE;
    if (this.preferAuthInt && (offered & QOP_AUTH_INT) !== 0) return QOP_AUTH_INT;
    if ((offered & QOP_AUTH) !== 0) return QOP_AUTH;
    if ((offered & QOP_AUTH_INT) !== 0) return QOP_AUTH_INT;
    return E_AUTH_UNSUPPORTED_QOP;
  }

  /**
   * Writes one Authorization / Proxy-Authorization header per cached realm into `w` (between
   * its header calls). Returns the number of headers written or a negative code (the writer's
   * sticky error, or an E_AUTH_* one).
   */
  writeHeaders(w: SipWriterBase, method: string, uri: string,
    body?: Uint8Array, bodyOff: number = 0, bodyLen: number = body ? body.length - bodyOff : 0): number {
    let count = 0;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s.inUse) continue;
      const n = this.writeValue(s, this.scratch, 0, this.scratch.length, method, uri, body, bodyOff, bodyLen);
      if (n < 0) return n;
      w.headerIdBytes(s.proxy ? H.PROXY_AUTHORIZATION : H.AUTHORIZATION, this.scratch, 0, n);
      if (w.error !== 0) return w.error;
      count++;
    }
    return count;
  }

  protected writeValue(s: AuthSlot, out: Uint8Array, off: number, end: number, method: string, uri: string,
    body: Uint8Array | undefined, bodyOff: number, bodyLen: number): number {
    const cred = s.credential;
    if (cred === null) return E_AUTH_NO_CREDENTIALS;
    const c = this.computer.clearSpans();
    const nc = s.nc + 1;
    c.algorithm = s.algorithm;
    c.qop = s.qop;
    c.username = cred.username;
    c.password = cred.password;
    c.realmBuf = s.realm; c.realmOff = 0; c.realmLen = s.realmLen; c.realmEscaped = s.realmEscaped;
    c.nonceBuf = s.nonce; c.nonceOff = 0; c.nonceLen = s.nonceLen; c.nonceEscaped = s.nonceEscaped;
    if (s.qop !== QOP_NONE) {
      this.cnonces.next(this.cnonce, 0);
      c.cnonceBuf = this.cnonce; c.cnonceOff = 0; c.cnonceLen = CNONCE_LENGTH;
    }
    c.nc = nc;
    c.method = method;
    c.uri = uri;
    if (body !== undefined) { c.bodyBuf = body; c.bodyOff = bodyOff; c.bodyLen = bodyLen; }
    let r = c.compute();
    if (r < 0) return r;
    const f = this.fields;
    f.userhash = s.userhash;
    if (s.userhash) {
      r = c.computeUserhash();
      if (r < 0) return r;
      f.userhashBuf = c.userhash; f.userhashLen = c.hexLength;
    }
    f.username = cred.username;
    f.realmBuf = s.realm; f.realmOff = 0; f.realmLen = s.realmLen;
    f.nonceBuf = s.nonce; f.nonceOff = 0; f.nonceLen = s.nonceLen;
    f.uri = uri;
    f.responseBuf = c.response; f.responseLen = c.hexLength;
    f.algorithmBuf = s.algorithmToken; f.algorithmOff = 0; f.algorithmLen = s.algorithmLen;
    f.cnonceBuf = this.cnonce; f.cnonceOff = 0; f.cnonceLen = s.qop !== QOP_NONE ? CNONCE_LENGTH : 0;
    f.hasOpaque = s.hasOpaque;
    f.opaqueBuf = s.opaque; f.opaqueOff = 0; f.opaqueLen = s.opaqueLen;
    f.qop = s.qop;
    f.nc = nc;
    const n = writeAuthorization(out, off, end, f);
    if (n < 0) return n;
    // Only a header actually produced consumes a nonce count and counts as "sent".
    s.nc = nc;
    s.sent = s.challengedThisChain ? SENT_ANSWERED : SENT_PREEMPTIVE;
    return n;
  }
}

/**
 * The digest client, with a workspace of its own (MD5 and SHA-256) unless options.workspace shares
 * one, and the calls for callers that handle one header value at a time (an HTTP client such as
 * XCAP's): the user agent uses DigestClientBase (onResponse, writeHeaders) and does not carry them.
 */
export class DigestClient extends DigestClientBase {
  constructor(options: DigestClientOptions) {
    super({ ...options, workspace: options.workspace ?? new DigestWorkspace(options.maxValueBytes ?? DEFAULT_VALUE_BYTES) });
  }

  /**
   * Handles one challenge header value buf[off, end) (proxy: it came in Proxy-Authenticate).
   * Starts its own response round: use onResponse() for messages with several challenges.
   */
  onChallenge(buf: Uint8Array, off: number, end: number, proxy: boolean): number {
    this.round++;
    const r = this.challengeRound(buf, off, end, proxy);
    this.lastError = r < 0 ? r : 0;
    return r;
  }

  /**
   * Writes the credentials value for the cached realm given as bytes (proxy or not) into
   * out[off, end). Returns its length or a negative code; E_AUTH_NO_CHALLENGE when no challenge
   * for that realm is cached.
   */
  writeValueFor(realm: Uint8Array, realmOff: number, realmLen: number, proxy: boolean,
    out: Uint8Array, off: number, end: number, method: string, uri: string,
    body?: Uint8Array, bodyOff: number = 0, bodyLen: number = body ? body.length - bodyOff : 0): number {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (s.inUse && s.proxy === proxy && sameBytes(s.realm, s.realmLen, realm, realmOff, realmLen)) {
        return this.writeValue(s, out, off, end, method, uri, body, bodyOff, bodyLen);
      }
    }
    return E_AUTH_NO_CHALLENGE;
  }
}

/** True for a scheme span equal to "Digest" (helper for callers scanning headers themselves). */
export function isDigestScheme(buf: Uint8Array, off: number, len: number): boolean {
  return asciiEqualsIgnoreCase(buf, off, len, 'Digest');
}
