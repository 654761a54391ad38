// Requests the UA sends (RFC 3261 §8.1.1), written with SipWriter straight into a pool slot.
// A RequestSpec says what the request is (method, URIs, dialog identifiers, the headers its
// method needs); the writer adds what every request carries: a fresh Via branch with rport
// (RFC 3581), Max-Forwards, From with our tag, Contact where the method wants one, User-Agent,
// the digest credentials the DigestClient has cached, Content-Type and Content-Length.
// Writing allocates nothing: the fixed header values are built once, in the constructor.
import type { DigestClientBase } from '../auth/client.js';
import { H, M, methodName } from '../sip/header-ids.js';
import { SipWriterBase } from '../sip/writer.js';
import { viaToken } from '../transport/kinds.js';
import type { Endpoint, ResolvedUaConfig } from './config.js';
import { fillHex } from './random-tokens.js';

const MAGIC_COOKIE = 'z9hG4bK';
const BRANCH_RANDOM_DIGITS = 16;
/** Bytes of every Via branch we write: our client transactions keep exactly this much of each. */
export const BRANCH_BYTES = MAGIC_COOKIE.length + BRANCH_RANDOM_DIGITS;

/** Methods we accept as a UAS (Allow, RFC 3261 §20.5): INVITE is left out, we take no calls. */
export const ALLOW_VALUE = 'ACK, BYE, CANCEL, OPTIONS, MESSAGE, SUBSCRIBE, NOTIFY';
/** Bodies we accept in requests sent to us (OPTIONS answer, 415 answers). */
export const ACCEPT_VALUE = 'text/plain, message/cpim, application/pidf+xml, application/simple-message-summary, application/dialog-info+xml';

// What a RequestSpec starts with; both are replaced, never changed in place, so every spec (one
// per subscription, publication, queued request) shares these instead of two objects of its own.
/** A request outside any dialog: no Route headers (shared, never changed). */
export const NO_ROUTES: readonly string[] = [];
const NO_DESTINATION: Endpoint = { transport: 'udp', address: '', port: 0 };

function methodIdOf(name: string): number {
  for (let id = 1; ; id++) {
    const known = methodName(id);
    if (known === '') return M.OTHER;
    if (known === name) return id;
  }
}

/** One outgoing request, kept by the UA until its transaction ends (a retry after a challenge rewrites it with CSeq + 1). */
export class RequestSpec {
  /** M.* id of the method; `method` is its name (one field for both: see `method`). */
  methodId = 0;
  requestUri = '';
  /** The To header value, including the remote tag inside a dialog. */
  to = '';
  fromTag = '';
  callId = '';
  cseq = 1;
  /** Route header values in order (a dialog's route set, RFC 3261 §12.2.1.1). */
  routes: readonly string[] = NO_ROUTES;
  /** Expires header, or -1 for none. */
  expires = -1;
  /** Event header (SUBSCRIBE, PUBLISH), or ''. */
  event = '';
  accept = '';
  /** SIP-If-Match (RFC 3903 §4.3), or ''. */
  ifMatch = '';
  /** Subscription-State of a NOTIFY we send (RFC 6665 §8.2.3), or ''. */
  subscriptionState = '';
  /** SIP-ETag of a NOTIFY we send (RFC 5839 §6), or ''. */
  etag = '';
  /** Suppress-If-Match of a SUBSCRIBE refresh (RFC 5839 §5, §7.2), or ''. */
  suppressIfMatch = '';
  /** Supported option tags (e.g. `eventlist`, RFC 4662 §4.1), or ''. */
  supported = '';
  contentType = '';
  body: Uint8Array | null = null;
  contact = false;
  destination: Endpoint = NO_DESTINATION;

  /**
   * The method name, kept as methodId: every method the UA sends has an id (M.*). An accessor and
   * not a field because QuickJS sizes an object's property array in steps (13, 19, 28 slots of 8
   * bytes): with 19 fields a spec (one per subscription, one per transaction in flight) takes
   * 208 bytes instead of 280.
   */
  get method(): string {
    return methodName(this.methodId);
  }
  set method(name: string) {
    const id = methodIdOf(name);
    if (id === M.OTHER) throw new RangeError(`RequestSpec: no method id for "${name}"`);
    this.methodId = id;
  }
}

export class RequestWriter {
  readonly writer = new SipWriterBase();
  /** The branch of the last request written (bytes of `branch`), for OutgoingRequest. */
  readonly branch = new Uint8Array(BRANCH_BYTES);
  private readonly viaPrefix: string;
  /** The Via for a request that leaves a UDP account over TCP (RFC 3261 §18.1.1 size rule). */
  private readonly viaPrefixTcp: string;
  private readonly accountTransport: string;
  private readonly viaSuffix = ';rport';
  private readonly fromPrefix: string;
  readonly contactValue: string;
  private readonly userAgent: string;
  private readonly random: () => number;

  constructor(config: ResolvedUaConfig, contactUser: string) {
    this.random = config.random;
    for (let i = 0; i < MAGIC_COOKIE.length; i++) this.branch[i] = MAGIC_COOKIE.charCodeAt(i);
    const host = config.localAddress.includes(':') ? `[${config.localAddress}]` : config.localAddress;
    this.viaPrefix = `SIP/2.0/${viaToken(config.transport)} ${host}:${config.localPort};branch=`;
    this.viaPrefixTcp = `SIP/2.0/TCP ${host}:${config.localPort};branch=`;
    this.accountTransport = config.transport;
    const display = config.displayName !== '' ? `"${config.displayName.replace(/["\\]/g, '\\$&')}" ` : '';
    this.fromPrefix = `${display}<${config.aor}>;tag=`;
    const user = contactUser !== '' ? `${contactUser}@` : '';
    // RFC 3261 §8.1.1.8: a request whose Request-URI or first hop is a SIPS URI carries a SIPS
    // Contact. An account's requests go to its proxy or registrar, so their scheme decides (a sips:
    // URI already means TLS: no transport parameter).
    const sips = /^sips:/i.test(config.outboundProxy ?? config.registrar ?? config.aor);
    const transport = sips ? '' : `;transport=${config.transport}`;
    const instance = config.instanceId !== '' ? `;+sip.instance="<${config.instanceId}>"` : '';
    this.contactValue = `<sip${sips ? 's' : ''}:${user}${host}:${config.localPort}${transport}>${instance}`;
    this.userAgent = config.userAgent;
  }

  /** Writes `spec` into buf[off, off+len) with a fresh branch. Returns the length or a negative writer/auth code. */
  write(buf: Uint8Array, off: number, len: number, spec: RequestSpec, auth: DigestClientBase | null): number {
    fillHex(this.random, this.branch, MAGIC_COOKIE.length, BRANCH_RANDOM_DIGITS);
    const w = this.writer;
    w.request(buf, off, len, spec.method, spec.requestUri)
      .beginId(H.VIA).text(spec.destination.transport === 'tcp' && this.accountTransport === 'udp' ? this.viaPrefixTcp : this.viaPrefix).bytes(this.branch, 0, this.branch.length).text(this.viaSuffix).end()
      .headerIdUint(H.MAX_FORWARDS, 70);
    const routes = spec.routes;
    for (let i = 0; i < routes.length; i++) w.headerId(H.ROUTE, routes[i]!);
    w.beginId(H.FROM).text(this.fromPrefix).text(spec.fromTag).end()
      .headerId(H.TO, spec.to)
      .headerId(H.CALL_ID, spec.callId)
      .beginId(H.CSEQ).uint(spec.cseq).text(' ').text(spec.method).end();
    if (spec.contact) w.headerId(H.CONTACT, this.contactValue);
    if (spec.expires >= 0) w.headerIdUint(H.EXPIRES, spec.expires);
    if (spec.event !== '') w.headerId(H.EVENT, spec.event);
    if (spec.accept !== '') w.headerId(H.ACCEPT, spec.accept);
    if (spec.ifMatch !== '') w.headerId(H.SIP_IF_MATCH, spec.ifMatch);
    if (spec.subscriptionState !== '') w.headerId(H.SUBSCRIPTION_STATE, spec.subscriptionState);
    if (spec.etag !== '') w.headerId(H.SIP_ETAG, spec.etag);
    if (spec.suppressIfMatch !== '') w.headerId(H.SUPPRESS_IF_MATCH, spec.suppressIfMatch);
    if (spec.supported !== '') w.headerId(H.SUPPORTED, spec.supported);
    // §20.5: Allow in requests that may start something the peer calls us back about.
    if (spec.methodId === M.REGISTER || spec.methodId === M.SUBSCRIBE || spec.methodId === M.OPTIONS) w.headerId(H.ALLOW, ALLOW_VALUE);
    w.headerId(H.USER_AGENT, this.userAgent);
    if (auth !== null && auth.activeRealms > 0) {
      const body = spec.body;
      const r = body !== null ? auth.writeHeaders(w, spec.method, spec.requestUri, body, 0, body.length) : auth.writeHeaders(w, spec.method, spec.requestUri);
      if (r < 0) return r;
    }
    if (spec.body !== null) {
      if (spec.contentType !== '') w.headerId(H.CONTENT_TYPE, spec.contentType);
      return w.finish(spec.body, 0, spec.body.length);
    }
    return w.finish();
  }
}
