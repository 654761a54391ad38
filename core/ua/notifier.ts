// The notifier side of the UA (RFC 6665 §4.2): our own phone as somebody's busy-lamp target
// (dialog package, RFC 4235) and, peer to peer, as its own presence agent (RFC 3856 §5/§6).
//
// The application says which packages it serves and under which policy (`serve`), and what the
// current state is (`setDialogState` for the dialog package — the UA writes each watcher's
// dialog-info document with that watcher's own version, RFC 4235 §4.1.2 — or `notify` with a
// ready body for any package). The UA does the rest: answers SUBSCRIBEs (200 with the granted
// Expires and a Contact, 489/403/481/503), sends the NOTIFY that must follow every accepted
// SUBSCRIBE (§4.2.1), one on each state change, the final "terminated" one on unsubscribe,
// expiry, rejection or shutdown (§4.2.2), and drops a watcher whose NOTIFY fails (481, timeout:
// §4.2.2 "the notifier MUST remove the subscription"). RFC 5839: every NOTIFY carries the state's
// entity-tag (SIP-ETag); a SUBSCRIBE whose Suppress-If-Match names it gets 204 and no NOTIFY.
//
// It never calls the application: a watcher that needs a decision (policy 'ask') is a `watcher`
// event, answered with `authorizeWatcher`. Bounded: at most `maxWatchers` subscriptions (all
// packages together); one more gets 503 with Retry-After (the soonest expiry, RFC 3261 §21.5.4).
import { H, M } from '../sip/header-ids.js';
import type { SipMessageView } from '../sip/view.js';
import { decodeText } from '../sip/view.js';
import { createUasDialog, type Dialog } from '../dialog/index.js';
import { WatcherMachine, grantedExpires, suppressesNotify, type WatcherCause } from '../event/notifier-machine.js';
import type { EventPackage } from '../event/packages.js';
import { writeDialogInfo, type PublishedDialog } from '../packages/dialog-info-writer.js';
import type { Endpoint } from './config.js';
import type { UaEvent } from './events.js';
import { contactUriIs, readAddressUri, readContactUri, readExpires, readRecordRoutes, readTag, tagLength } from './message-reading.js';
import { RequestSpec } from './request-writer.js';
import { WITH_CONTACT } from './response-writer.js';
import { bareUri, dialogHop, parseSipUri } from './uri-target.js';
// Type-only: partial presence (RFC 5263) is pulled in by notifier-partial.ts, not by every notifier.
import type { PidfDiffWriter } from '../presence/partial/pidf-diff-writer.js';

/** Who may watch: anyone; only peers we know (the proxy, or an AOR we subscribe to); or ask the application each time. */
export type WatcherPolicy = 'everyone' | 'known-peers' | 'ask';

export interface ServeOptions {
  /** Default: 'known-peers' with a registrar, 'everyone' peer to peer (the same rule as inbound MESSAGE). */
  readonly policy?: WatcherPolicy;
  /** Longest subscription granted (seconds, RFC 6665 §4.2.1.1 lets the notifier shorten). Default 3600. */
  readonly maxExpires?: number;
}

export const DIALOG_INFO_TYPE = 'application/dialog-info+xml';
const PIDF_TYPE = 'application/pidf+xml';
const PIDF_DIFF_TYPE = 'application/pidf-diff+xml';
/** Room for one dialog-info document (a desk phone has a handful of dialogs). */
const DIALOG_INFO_BYTES = 4096;
/** RFC 6665 §4.2.2 "probation": the phone goes away for a while; watchers retry after this. */
const SHUTDOWN_RETRY_AFTER_S = 60;

class ServedPackage {
  contentType = '';
  body: Uint8Array | null = null;
  /** The dialog package's state; the body is then written per watcher (its own version). */
  dialogs: readonly PublishedDialog[] | null = null;
  /** Entity-tag of the current state (RFC 5839 §6): changes with every state change. */
  etag = '';
  constructor(readonly pkg: EventPackage, public policy: WatcherPolicy, public maxExpires: number) {}
}

export class Watcher {
  /** The application was told of it (a `watcher` event): it will be told of its end too. A fetch is not announced. */
  announced = false;
  /** Documents sent: RFC 4235 §4.1.2 counts versions per document, not per NOTIFY (a pending one carries none). */
  documents = 0;
  /** RFC 5263: the watcher's Accept lists application/pidf-diff+xml (presence, with partial PIDF on). */
  partial = false;
  /** RFC 5263: the next document is full state (the first, and the one after each SUBSCRIBE). */
  partialFull = true;
  /** The PIDF this watcher was last sent (the application's body, by reference): the next diff's base. */
  partialSent: Uint8Array | null = null;
  constructor(
    readonly id: number, readonly served: ServedPackage, readonly dialog: Dialog, readonly from: string,
    /** Where NOTIFYs go when the remote target is no usable URI: where the SUBSCRIBE came from. */
    readonly source: Endpoint, readonly machine: WatcherMachine,
  ) {}
}

/** What the notifier needs from the UA around it (UserAgent, core/ua/user-agent.ts, implements it). */
export interface NotifierHost {
  /** Answers the SUBSCRIBE being handled (its echo is captured). */
  respond(status: number, extras: number, expires: number, retryAfter: number): void;
  /** Sends a NOTIFY as a client transaction owned by watcher `id`; null when sent or queued, else why not. */
  sendNotify(spec: RequestSpec, watcherId: number): string | null;
  isKnownPeer(from: Endpoint, fromUri: string): boolean;
  emit(e: UaEvent): void;
  warn(code: string, message: string): void;
}

/** What the UA hands the notifier when it is enabled (UserAgent.enableNotifier). */
export interface NotifierSettings {
  readonly maxWatchers: number;
  readonly aor: string;
  readonly localTag: string;
  readonly etagPrefix: string;
  readonly transport: Endpoint['transport'];
  readonly defaultPolicy: WatcherPolicy;
}

export type NotifierModule = (settings: NotifierSettings, host: NotifierHost) => UaNotifier;

/** Pass to UserAgent.enableNotifier: the UA holds only a type reference, so this is what pulls the notifier into a bundle. */
export const notifierModule: NotifierModule = (s, host) => {
  const n = new UaNotifier(s.maxWatchers, s.aor, s.localTag, s.etagPrefix, s.transport, s.defaultPolicy);
  n.attach(host);
  return n;
};

export class UaNotifier {
  private readonly served: ServedPackage[] = [];
  /** Served package names, lower case, for matchEventPackage. */
  readonly names: string[] = [];
  private readonly watchers: (Watcher | null)[];
  /** Watchers by id (NOTIFY responses find theirs without a scan). */
  private readonly watcherIds = new Map<number, Watcher>();
  /**
   * The earliest watcher expiry, recomputed only after an expiry changed (grant, end, free): the
   * UA asks for it after every message, which must not cost a pass over every watcher.
   */
  private earliestExpiry = Number.POSITIVE_INFINITY;
  private expiriesChanged = false;
  private etagSeq = 0;
  private nextWatcherId = 1;
  private readonly scratch = new Uint8Array(DIALOG_INFO_BYTES);
  /** Partial presence (notifier-partial.ts): null, every watcher gets the application's PIDF. */
  private partialWriter: PidfDiffWriter | null = null;
  /** Content-Type of the body bodyFor() just gave (pidf-diff+xml when it wrote one). */
  private bodyType = '';

  constructor(
    readonly maxWatchers: number,
    private readonly aor: string,
    private readonly localTag: string,
    private readonly etagPrefix: string,
    private readonly transport: Endpoint['transport'],
    private readonly defaultPolicy: WatcherPolicy,
  ) {
    this.watchers = new Array<Watcher | null>(maxWatchers).fill(null);
  }

  /** Watchers of `presence` that accept application/pidf-diff+xml get partial notifications (RFC 5263). */
  usePartialPidf(writer: PidfDiffWriter): void {
    this.partialWriter = writer;
  }

  serve(pkg: EventPackage, opts: ServeOptions): void {
    const policy = opts.policy ?? this.defaultPolicy;
    const maxExpires = opts.maxExpires ?? 3600;
    const known = this.find(pkg.name);
    if (known !== null) { known.policy = policy; known.maxExpires = maxExpires; return; }
    const s = new ServedPackage(pkg, policy, maxExpires);
    if (pkg.name === 'dialog') s.dialogs = []; // no calls yet: an empty full document means "idle"
    s.etag = this.nextEtag();
    this.served.push(s);
    this.names.push(pkg.name);
  }

  isServed(event: string): boolean {
    return this.find(event) !== null;
  }

  /** Live watchers (pending or active), of one package or all. */
  watcherCount(event?: string): number {
    let n = 0;
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i];
      if (w && (w.machine.state === 'active' || w.machine.state === 'pending') && (event === undefined || w.served.pkg.name === event)) n++;
    }
    return n;
  }

  /** Records held, including ended ones whose final NOTIFY is not answered yet. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.watchers.length; i++) if (this.watchers[i]) n++;
    return n;
  }

  /** New state for every watcher of `event`: a fixed body (dialog package: replaces the written documents). */
  setBody(event: string, contentType: string, body: Uint8Array, now: number): boolean {
    const s = this.find(event);
    if (s === null) return false;
    s.contentType = contentType;
    s.body = body;
    s.dialogs = null;
    this.changed(s, now);
    return true;
  }

  setDialogs(dialogs: readonly PublishedDialog[], now: number): boolean {
    const s = this.find('dialog');
    if (s === null) return false;
    s.dialogs = dialogs.slice();
    s.body = null;
    this.changed(s, now);
    return true;
  }

  /** The application's decision on a pending watcher (policy 'ask', RFC 6665 §4.2.1.3). */
  authorize(id: number, allow: boolean, now: number): boolean {
    const w = this.byId(id);
    if (w === null || w.machine.state !== 'pending') return false;
    if (allow) w.machine.activate();
    else { w.machine.end('rejected'); this.expiriesChanged = true; }
    this.sendNotify(w, now);
    return true;
  }

  /** Ends every subscription (shutdown): terminated;reason=probation;retry-after (§4.2.2). */
  terminateAll(now: number): void {
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i];
      if (w && (w.machine.state === 'active' || w.machine.state === 'pending')) this.end(w, 'shutdown', now);
    }
  }

  nextDeadline(): number {
    if (this.expiriesChanged) {
      this.expiriesChanged = false;
      let t = Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.watchers.length; i++) {
        const w = this.watchers[i];
        if (w && w.machine.expiresAt < t) t = w.machine.expiresAt;
      }
      this.earliestExpiry = t;
    }
    return this.earliestExpiry;
  }

  handleTimeout(now: number): void {
    if (now < this.nextDeadline()) return;
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i];
      // §4.2.2: not refreshed in time: "terminated;reason=timeout".
      if (w && now >= w.machine.expiresAt) this.end(w, 'expired', now);
    }
  }

  /** The in-dialog CSeq for a NOTIFY re-sent with credentials after a 401/407. */
  nextCSeq(watcherId: number): number {
    const w = this.byId(watcherId);
    return w !== null ? w.dialog.nextLocalSeq() : -1;
  }

  /** The final response to a NOTIFY of watcher `id` (408 for a timeout, 503 for a transport error). */
  onNotifyResponse(id: number, status: number, now: number): void {
    const w = this.byId(id);
    if (w === null) return;
    if (status >= 200 && status < 300) {
      // A newer state (or the final NOTIFY) waited behind this one: send it; else a final one is done.
      if (w.machine.notifyAnswered()) this.sendNotify(w, now);
      else if (w.machine.state === 'terminating') this.free(w, now, '');
      return;
    }
    // §4.2.2: 481 says the subscriber is gone; a timeout or any other failure, that it cannot be told.
    if (w.machine.state !== 'terminating') this.host.warn('watcher-dropped', `${w.from} stopped answering our ${w.served.pkg.name} NOTIFYs (${status}): subscription removed`);
    this.free(w, now, status === 481 ? 'gone' : 'notify-failed');
  }

  // ---- SUBSCRIBE (RFC 6665 §4.2.1) ----------------------------------------------------

  private host!: NotifierHost;

  attach(host: NotifierHost): void {
    this.host = host;
  }

  /**
   * An incoming SUBSCRIBE whose Event is one of `names` (index `pkgIndex`); `view` holds it,
   * `cseq` is its CSeq number, `from` where it came from.
   */
  onSubscribe(view: SipMessageView, pkgIndex: number, cseq: number, from: Endpoint, now: number): void {
    const s = this.served[pkgIndex]!;
    const host = this.host;
    const callIdAt = view.find(H.CALL_ID);
    const callIdOff = view.valueOff[callIdAt]!;
    const callIdLen = view.valueLen[callIdAt]!;
    const fromTagOff = readTag(view, H.FROM);
    const fromTagLen = tagLength;
    const toTagOff = readTag(view, H.TO);
    const toTagLen = tagLength;
    if (fromTagOff < 0) { host.respond(400, 0, -1, -1); return; }
    const requested = readExpires(view);
    const suppressIfMatch = readSuppressIfMatch(view);

    if (toTagOff >= 0) {
      // A refresh or an unsubscribe inside an existing subscription (§4.2.1.2 / §4.1.2.3).
      const w = this.findDialog(view.buf, callIdOff, callIdLen, toTagOff, toTagLen, fromTagOff, fromTagLen);
      if (w === null || w.served !== s || w.machine.state === 'terminating' || w.machine.state === 'terminated') { host.respond(481, 0, -1, -1); return; }
      if (!w.dialog.acceptRemoteSeq(cseq)) { host.respond(500, 0, -1, -1); return; }
      // §12.2: a target refresh. The same Contact again (the usual case) makes no string: a new
      // one per refresh was garbage, and in V8 a rope of one node per character (decodeText).
      if (!contactUriIs(view, w.dialog.remoteTarget)) w.dialog.refreshTarget(readContactUri(view));
      const granted = grantedExpires(requested, s.pkg.defaultExpires, s.maxExpires);
      if (granted === 0) {
        host.respond(200, WITH_CONTACT, 0, -1);
        this.end(w, 'unsubscribe', now);
        return;
      }
      w.machine.grant(now, granted);
      this.expiriesChanged = true;
      // RFC 5263: the NOTIFY that answers a refresh carries full state (the watcher may have lost track).
      w.partial = this.acceptsPartial(view, s);
      w.partialFull = true;
      if (w.machine.state === 'active' && suppressesNotify(suppressIfMatch, s.etag) && !w.machine.inFlight) {
        host.respond(204, WITH_CONTACT, granted, -1);
        return;
      }
      host.respond(200, WITH_CONTACT, granted, -1);
      this.sendNotify(w, now);
      return;
    }

    // A new subscription (§4.2.1.1).
    const fromUri = readAddressUri(view, H.FROM);
    if (s.policy === 'known-peers' && !host.isKnownPeer(from, fromUri)) {
      host.respond(403, 0, -1, -1);
      host.warn('watcher-refused', `SUBSCRIBE ${s.pkg.name} from ${fromUri} refused by the known-peers policy`);
      return;
    }
    let free = -1;
    for (let i = 0; i < this.watchers.length; i++) if (this.watchers[i] === null) { free = i; break; }
    if (free < 0) {
      host.respond(503, 0, -1, this.retryAfterWhenFull(now));
      host.warn('watchers-full', `SUBSCRIBE ${s.pkg.name} from ${fromUri} refused with 503: all ${this.maxWatchers} watcher slots are in use`);
      return;
    }
    const granted = grantedExpires(requested, s.pkg.defaultExpires, s.maxExpires);
    const dialog = createUasDialog(
      { callId: decodeText(view.buf, callIdOff, callIdLen), localTag: this.localTag, localUri: this.aor, remoteUri: fromUri },
      { remoteTag: decodeText(view.buf, fromTagOff, fromTagLen), contactUri: readContactUri(view), recordRoutes: readRecordRoutes(view), secure: false },
      cseq, false,
    );
    const pending = s.policy === 'ask' && granted > 0;
    const w = new Watcher(this.nextWatcherId, s, dialog, fromUri, from, new WatcherMachine(pending));
    this.nextWatcherId++;
    w.partial = this.acceptsPartial(view, s);
    this.watchers[free] = w;
    this.watcherIds.set(w.id, w);
    w.machine.grant(now, granted);
    this.expiriesChanged = true;
    if (granted === 0) {
      // A fetch (§4.4.3 of RFC 3265, kept by 6665): the current state once, then terminated.
      host.respond(200, WITH_CONTACT, 0, -1);
      this.end(w, 'fetch', now);
      return;
    }
    w.announced = true;
    host.emit({ kind: 'watcher', id: w.id, event: s.pkg.name, from: fromUri, state: w.machine.state === 'pending' ? 'pending' : 'active', reason: '', at: now });
    // RFC 6665 §8.3.1 deprecates 202: a pending subscription is a 200 and a NOTIFY saying "pending".
    if (!pending && suppressesNotify(suppressIfMatch, s.etag)) {
      host.respond(204, WITH_CONTACT, granted, -1);
      return;
    }
    host.respond(200, WITH_CONTACT, granted, -1);
    this.sendNotify(w, now);
  }

  // ---- Inside ------------------------------------------------------------------------

  private changed(s: ServedPackage, now: number): void {
    s.etag = this.nextEtag();
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i];
      // Pending watchers learn nothing of the state until authorised (§4.2.1.3).
      if (w && w.served === s && w.machine.state === 'active') this.sendNotify(w, now);
    }
  }

  private end(w: Watcher, cause: WatcherCause, now: number): void {
    w.machine.end(cause);
    this.expiriesChanged = true;
    if (cause === 'shutdown') w.machine.retryAfter = SHUTDOWN_RETRY_AFTER_S;
    // The final NOTIFY goes even when one is in flight: it is queued behind it (claimNotify → dirty).
    this.sendNotify(w, now);
  }

  private sendNotify(w: Watcher, now: number): void {
    const m = w.machine;
    if (!m.claimNotify()) return;
    const s = w.served;
    const d = w.dialog;
    const spec = new RequestSpec();
    spec.method = 'NOTIFY';
    spec.methodId = M.NOTIFY;
    const t = d.requestTarget();
    spec.requestUri = t.requestUri;
    spec.routes = t.routes;
    spec.to = `<${d.remoteUri}>;tag=${d.remoteTag}`;
    spec.fromTag = d.localTag;
    spec.callId = d.callId;
    spec.cseq = d.nextLocalSeq();
    spec.contact = true;
    spec.event = s.pkg.name;
    spec.subscriptionState = m.subscriptionState(now);
    // §4.2.1.3: a pending subscription's NOTIFY carries no state; a rejected one neither.
    const withState = m.state === 'active' || (m.state === 'terminating' && m.reason !== 'rejected');
    if (withState) {
      const body = this.bodyFor(w);
      if (body !== null) { spec.body = body; spec.contentType = s.dialogs !== null ? DIALOG_INFO_TYPE : this.bodyType; }
      spec.etag = s.etag;
    }
    const first = t.routes.length > 0 ? parseSipUri(bareUri(t.routes[0]!)) : parseSipUri(t.requestUri);
    // A WebSocket UA answers over the flow the SUBSCRIBE came in on (uri-target.ts dialogHop).
    spec.destination = dialogHop(first, this.transport, w.source) ?? w.source;
    const err = this.host.sendNotify(spec, w.id);
    if (err !== null) {
      this.host.warn('notify-not-sent', `NOTIFY ${s.pkg.name} to ${w.from} not sent: ${err}`);
      this.free(w, now, 'notify-failed');
    }
  }

  private bodyFor(w: Watcher): Uint8Array | null {
    const s = w.served;
    this.bodyType = s.contentType;
    if (s.dialogs === null) return w.partial && s.body !== null ? this.partialBody(w, s.body) : s.body;
    // RFC 4235 §4.1.2: version starts at 0 per subscription, +1 per document; full state each time.
    const out = this.scratch;
    const n = writeDialogInfo({ version: w.documents++, state: 'full', entity: this.aor, dialogs: s.dialogs }, out);
    if (!n.ok) {
      this.host.warn('dialog-info-too-large', `dialog-info document does not fit ${DIALOG_INFO_BYTES} bytes (xml error ${n.val})`);
      return null;
    }
    // A copy of exactly its size: the request may wait in the queue while the next one is written.
    return out.slice(0, n.val);
  }

  /**
   * RFC 5263 / RFC 5262: pidf-full for the first NOTIFY and after each SUBSCRIBE, then pidf-diff
   * from what this watcher was sent last (version + 1 each, RFC 5262 §3.1); the plain PIDF when
   * the body is no PIDF or cannot be written so. A NOTIFY that fails ends the subscription
   * (onNotifyResponse), so the watcher never holds a version other than the one we diff from.
   */
  private partialBody(w: Watcher, pidf: Uint8Array): Uint8Array {
    const writer = this.partialWriter!;
    if (this.bodyType.toLowerCase().split(';')[0]!.trim() !== PIDF_TYPE) return pidf;
    let out = this.partialScratch;
    const room = pidf.length * 2 + 256;
    if (out.length < room) out = this.partialScratch = new Uint8Array(room);
    const version = w.documents;
    let n = !w.partialFull && w.partialSent !== null ? writer.writeDiff(w.partialSent, 0, w.partialSent.length, pidf, 0, pidf.length, version, out) : -1;
    if (n < 0) n = writer.writeFull(pidf, 0, pidf.length, version, out);
    if (n < 0) return pidf;
    w.documents = (version + 1) % 4294967296;
    w.partialSent = pidf;
    w.partialFull = false;
    this.bodyType = PIDF_DIFF_TYPE;
    // A copy of exactly its size: the request may wait in the queue while the next one is written.
    return out.slice(0, n);
  }

  private partialScratch = new Uint8Array(0);

  /** Partial PIDF on, the presence package, and the SUBSCRIBE's Accept lists application/pidf-diff+xml (RFC 5263). */
  private acceptsPartial(view: SipMessageView, s: ServedPackage): boolean {
    if (this.partialWriter === null || s.pkg.name !== 'presence') return false;
    for (let i = view.find(H.ACCEPT); i >= 0; i = view.find(H.ACCEPT, i + 1)) {
      // Accept = media-range [accept-params] *(COMMA …) (RFC 3261 §20.1); q=0 means "not acceptable".
      const value = decodeText(view.buf, view.valueOff[i]!, view.valueLen[i]!).toLowerCase();
      for (const range of value.split(',')) {
        const [type, ...params] = range.split(';');
        if (type!.trim() !== PIDF_DIFF_TYPE) continue;
        if (!params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p))) return true;
      }
    }
    return false;
  }

  private free(w: Watcher, now: number, reason: string): void {
    const wasLive = w.announced && w.machine.state !== 'terminated';
    const endReason = reason !== '' ? reason : w.machine.reason;
    w.machine.drop();
    for (let i = 0; i < this.watchers.length; i++) if (this.watchers[i] === w) this.watchers[i] = null;
    if (this.watcherIds.get(w.id) === w) this.watcherIds.delete(w.id);
    this.expiriesChanged = true;
    if (wasLive) this.host.emit({ kind: 'watcher', id: w.id, event: w.served.pkg.name, from: w.from, state: 'terminated', reason: endReason, at: now });
  }

  private retryAfterWhenFull(now: number): number {
    const soonest = this.nextDeadline();
    const s = soonest === Number.POSITIVE_INFINITY ? 60 : Math.ceil((soonest - now) / 1000);
    return Math.max(1, Math.min(s, 3600));
  }

  private find(event: string): ServedPackage | null {
    const lower = event.toLowerCase();
    for (let i = 0; i < this.served.length; i++) if (this.served[i]!.pkg.name === lower) return this.served[i]!;
    return null;
  }

  private byId(id: number): Watcher | null {
    return this.watcherIds.get(id) ?? null;
  }

  private findDialog(buf: Uint8Array, callIdOff: number, callIdLen: number, localTagOff: number, localTagLen: number, remoteTagOff: number, remoteTagLen: number): Watcher | null {
    for (let i = 0; i < this.watchers.length; i++) {
      const w = this.watchers[i];
      if (w && w.dialog.matches(buf, callIdOff, callIdLen, localTagOff, localTagLen, remoteTagOff, remoteTagLen)) return w;
    }
    return null;
  }

  private nextEtag(): string {
    return `${this.etagPrefix}${(++this.etagSeq).toString(36)}`;
  }
}

/** Suppress-If-Match (RFC 5839 §7.2: `Suppress-If-Match = "Suppress-If-Match" HCOLON ( entity-tag / "*" )`), '' when absent. */
export function readSuppressIfMatch(view: SipMessageView): string {
  const i = view.find(H.SUPPRESS_IF_MATCH);
  if (i < 0) return '';
  const off = view.valueOff[i]!;
  const len = view.valueLen[i]!;
  const buf = view.buf;
  let a = off;
  let b = off + len;
  while (a < b && (buf[a] === 32 || buf[a] === 9)) a++;
  while (b > a && (buf[b - 1] === 32 || buf[b - 1] === 9)) b--;
  // entity-tag = token (RFC 3903 §11.3.1): no separators; anything else is not a tag we issued.
  for (let k = a; k < b; k++) {
    const c = buf[k]!;
    if (c <= 32 || c >= 127 || c === 44 || c === 59 || c === 34) return '';
  }
  return decodeText(buf, a, b - a);
}
