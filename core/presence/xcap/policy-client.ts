// Carries the presentity's watcher decisions to its presence server, sans I/O: approveWatcher /
// denyWatcher change the local pres-rules policy (pres-rules.ts) and the whole document is PUT to
// the user's pres-rules URI on the XCAP server (RFC 4825 §7.1, RFC 5025 §9). The server's
// presence module then moves the watcher's subscription: allow → active with state, block →
// terminated;reason=rejected (RFC 5025 §3.2.1, RFC 3857 §5.1).
//
// One PUT is in flight at a time; decisions made meanwhile coalesce into the next PUT, which
// carries the newest policy (a document PUT replaces the previous one, so sending the latest
// state once is enough). A 401 is answered with digest credentials (core/auth, RFC 7616 over
// HTTP) and the same newest document; later PUTs send credentials preemptively.
//
// Host contract: after every command, pollRequest() gives the bytes of the next request (or null);
// the host opens a connection to the XCAP server, writes them, feeds what comes back to
// onResponseBytes() and calls onConnectionClosed() at EOF (or onConnectionFailed()). Outcomes
// arrive through pollEvent().
import { DigestClient, AUTH_RETRY } from '../../auth/client.js';
import { CredentialStore } from '../../auth/credential-store.js';
import { DigestChallenge, decodeChallenge } from '../../auth/challenge.js';
import type { RandomSource } from '../../auth/cnonce.js';
import { XmlWriter } from '../../xml/writer.js';
import { XmlError } from '../../xml/errors.js';
import { Ok, Err, type Result } from '../../result.js';
import { utf8ToString } from '../../xml/bytes.js';
import type { WatcherTable } from '../watchers.js';
import { WatcherDecision } from '../watchers.js';
import { PresRules, type SubHandling } from './pres-rules.js';
import { Auid, XCAP_CONTENT_TYPE, xcapUserDocumentPath } from './uri.js';
import { HTTP_DONE, HttpResponseReader, writeHttpRequest, type HttpRequestSpec } from './http.js';

export interface XcapAccount {
  /** XCAP root path on the server (Kamailio's xcap_server default: "/xcap-root"). */
  readonly root: string;
  /** Host header value: the server's host[:port]. */
  readonly host: string;
  /** The presentity's SIP URI (the XUI, RFC 4825 §4). */
  readonly xui: string;
  readonly username: string;
  readonly password: string;
  readonly random: RandomSource;
  /** Bytes for one document / request / response (default 8 KiB / 10 KiB / 8 KiB). */
  readonly documentBytes?: number;
  readonly requestBytes?: number;
  readonly responseBytes?: number;
}

export type XcapPolicyEvent =
  /** The server stored the policy up to `revision` (every decision made before it). */
  | { readonly kind: 'policy-stored'; readonly revision: number; readonly status: number; readonly etag: string }
  /** The PUT failed; the policy stays dirty (retry() or the next decision sends it again). */
  | { readonly kind: 'policy-failed'; readonly revision: number; readonly status: number; readonly reason: string };

const AUTH_RETRIES_PER_PUT = 2;

/** What an XcapDocumentPublisher keeps on the server: a revision counter and a writer. */
export interface XcapDocumentSource {
  /** Grows with every change (the publisher sends when it is above what the server stored). */
  readonly revision: number;
  write(out: Uint8Array, start: number, end: number, writer: XmlWriter): Result<number, XmlError>;
}

/** A document whose bytes the application sets (e.g. an rls-services document, rls-services.ts). */
export class BytesDocument implements XcapDocumentSource {
  revision = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  set(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.revision++;
  }
  write(out: Uint8Array, start: number, end: number): Result<number, XmlError> {
    if (start + this.bytes.length > end) return Err(XmlError.OutputFull);
    out.set(this.bytes, start);
    return Ok(start + this.bytes.length);
  }
}

/** Keeps one XCAP document on the server up to date: PUT of the newest state, one at a time. */
export class XcapDocumentPublisher {
  /** The document path on the server (RFC 4825 §6). */
  readonly path: string;
  /** Newest document revision the server confirmed; 0 at start (an untouched source is not sent). */
  storedRevision = 0;
  etag = '';
  private readonly doc: Uint8Array;
  private readonly request: Uint8Array;
  private readonly response: HttpResponseReader;
  private readonly xml = new XmlWriter();
  private readonly auth: DigestClient;
  private readonly challenge = new DigestChallenge();
  private readonly realm = new Uint8Array(256);
  private realmLen = 0;
  private readonly authValue = new Uint8Array(1024);
  private readonly spec: HttpRequestSpec;
  private inFlight = false;
  private sentRevision = -1;
  private authRetries = 0;
  /** A failed PUT is not repeated on its own: the next change or retry() sends again. */
  protected stalled = false;
  private readonly events: XcapPolicyEvent[] = [];

  constructor(readonly account: XcapAccount, readonly source: XcapDocumentSource, auid: Auid, document = 'index') {
    this.path = xcapUserDocumentPath(account.root, auid, account.xui, document);
    this.doc = new Uint8Array(account.documentBytes ?? 8192);
    this.request = new Uint8Array(account.requestBytes ?? 10240);
    this.response = new HttpResponseReader(account.responseBytes ?? 8192);
    this.auth = new DigestClient({ random: account.random, credentials: new CredentialStore().set(null, account.username, account.password) });
    this.spec = {
      method: 'PUT', target: this.path, host: account.host, contentType: XCAP_CONTENT_TYPE[auid],
      authorization: null, authorizationLen: 0, ifMatch: '', connectionClose: true,
    };
  }

  /** Sends the current document again after a failure. */
  retry(): void {
    this.stalled = false;
  }

  /** Local changes the server has not confirmed yet. */
  get dirty(): boolean {
    return this.source.revision > this.storedRevision;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  /**
   * The next request to send on a new connection (bytes valid until the next call), or null when
   * nothing is due: one in flight already, nothing changed, or stalled after a failure.
   */
  pollRequest(): Uint8Array | null {
    if (this.inFlight || this.stalled || !this.dirty) return null;
    const written = this.source.write(this.doc, 0, this.doc.length, this.xml);
    if (!written.ok) {
      this.stalled = true;
      this.events.push({ kind: 'policy-failed', revision: this.source.revision, status: 0, reason: 'the document does not fit documentBytes' });
      return null;
    }
    const docLen = written.val;
    if (this.authRetries === 0) this.auth.beginRequest();
    const spec = this.spec;
    spec.authorization = null;
    spec.authorizationLen = 0;
    if (this.realmLen > 0) {
      const n = this.auth.writeValueFor(this.realm, 0, this.realmLen, false, this.authValue, 0, this.authValue.length, 'PUT', this.path);
      if (n > 0) { spec.authorization = this.authValue; spec.authorizationLen = n; }
    }
    const n = writeHttpRequest(this.request, 0, this.request.length, spec, this.doc, 0, docLen);
    if (n < 0) {
      this.stalled = true;
      this.events.push({ kind: 'policy-failed', revision: this.source.revision, status: 0, reason: 'request does not fit requestBytes' });
      return null;
    }
    this.inFlight = true;
    this.sentRevision = this.source.revision;
    this.response.reset();
    return this.request.subarray(0, n);
  }

  /** Bytes of the answer; returns true once the response is complete (the connection may be closed). */
  onResponseBytes(buf: Uint8Array, off: number, len: number): boolean {
    if (!this.inFlight) return false;
    const r = this.response.push(buf, off, len);
    if (r === HTTP_DONE) { this.complete(); return true; }
    if (r < 0) { this.fail(0, `bad HTTP response (code ${r} at ${this.response.errorPosition})`); return true; }
    return false;
  }

  /** The connection ended (EOF). A response delimited by the close completes here. */
  onConnectionClosed(): void {
    if (!this.inFlight) return;
    const r = this.response.finish();
    if (r === HTTP_DONE) this.complete();
    else this.fail(0, `connection closed before a complete response (code ${r})`);
  }

  onConnectionFailed(reason: string): void {
    if (!this.inFlight) return;
    this.fail(0, reason);
  }

  pollEvent(): XcapPolicyEvent | undefined {
    return this.events.shift();
  }

  private complete(): void {
    const res = this.response;
    this.inFlight = false;
    const status = res.status;
    if (status >= 200 && status < 300) {
      this.authRetries = 0;
      this.storedRevision = this.sentRevision;
      this.etag = res.etagOff >= 0 ? utf8ToString(res.buf, res.etagOff, res.etagOff + res.etagLen) : '';
      this.events.push({ kind: 'policy-stored', revision: this.sentRevision, status, etag: this.etag });
      return;
    }
    if (status === 401 && res.authenticateOff >= 0 && this.authRetries < AUTH_RETRIES_PER_PUT) {
      const end = res.authenticateOff + res.authenticateLen;
      const r = this.auth.onChallenge(res.buf, res.authenticateOff, end, false);
      if (r === AUTH_RETRY && decodeChallenge(res.buf, res.authenticateOff, end, this.challenge) === 0 && this.challenge.realmLen <= this.realm.length) {
        this.realm.set(res.buf.subarray(this.challenge.realmOff, this.challenge.realmOff + this.challenge.realmLen));
        this.realmLen = this.challenge.realmLen;
        this.authRetries++;
        return; // pollRequest() sends the newest document with credentials
      }
    }
    this.authRetries = 0;
    this.fail(status, status === 401 ? 'credentials refused' : `XCAP server answered ${status}`);
  }

  private fail(status: number, reason: string): void {
    this.inFlight = false;
    this.authRetries = 0;
    this.stalled = true;
    this.events.push({ kind: 'policy-failed', revision: this.sentRevision, status, reason });
  }
}

/** The presentity's pres-rules document (RFC 5025) with the watcher decisions as its API. */
export class PresRulesPublisher extends XcapDocumentPublisher {
  readonly rules: PresRules;

  constructor(account: XcapAccount, maxRules = 64) {
    const rules = new PresRules(maxRules);
    super(account, rules, Auid.PresRules);
    this.rules = rules;
  }

  /** RFC 5025 sub-handling "allow": the watcher sees our presence. */
  approveWatcher(uri: string): boolean {
    return this.decide(uri, 'allow');
  }

  /** "block" (the subscription is rejected) or, `polite`, "polite-block" (accepted, sees nothing useful). */
  denyWatcher(uri: string, polite = false): boolean {
    return this.decide(uri, polite ? 'polite-block' : 'block');
  }

  /** Any sub-handling, e.g. "confirm" to be asked again. False when the rule table is full. */
  decide(uri: string, handling: SubHandling): boolean {
    if (!this.rules.set(uri, handling)) return false;
    this.retry();
    return true;
  }

  /** Carries out the decisions the user made in a winfo watcher table (RFC 3857: allow / deny prompts). */
  takeDecisionsFrom(table: WatcherTable): number {
    let n = 0;
    let slot: number;
    while ((slot = table.takeDecision()) >= 0) {
      const w = table.watchers[slot]!;
      if (!w.inUse || w.uri.isEmpty) continue;
      if (w.decision === WatcherDecision.Approved) this.approveWatcher(w.uri.text());
      else if (w.decision === WatcherDecision.Denied) this.denyWatcher(w.uri.text());
      n++;
    }
    return n;
  }

}
