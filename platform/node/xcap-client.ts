// Drives the sans-I/O XCAP publishers of core/presence/xcap over node:net: one TCP connection per
// request (the request says Connection: close, as Kamailio's xcap_server answers), every wait
// bounded. approveWatcher / denyWatcher resolve once the server stored a policy that includes
// the decision (decisions made while a PUT is in flight ride on the next, coalesced PUT).
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  PresRulesPublisher, XcapDocumentPublisher, BytesDocument, Auid, type XcapAccount, type XcapPolicyEvent, type SubHandling,
} from '../../core/presence/xcap/index.js';
import type { WatcherTable } from '../../core/presence/watchers.js';

export interface NodeXcapOptions {
  /** XCAP server address (Kamailio with xhttp serves HTTP on its SIP TCP port). */
  readonly host: string;
  readonly port: number;
  /** XCAP root path (default "/xcap-root", Kamailio's xcap_server default). */
  readonly root?: string;
  /** The user's SIP URI (XUI) and digest credentials. */
  readonly xui: string;
  readonly username: string;
  readonly password: string;
  /** Bound on one request (connect + answer); default 5 s. */
  readonly timeoutMs?: number;
}

export type XcapOutcome =
  | { readonly ok: true; readonly status: number; readonly etag: string }
  | { readonly ok: false; readonly status: number; readonly reason: string };

interface Waiter { revision: number; resolve: (o: XcapOutcome) => void }

/** Node's entropy for digest cnonces. */
function nodeRandom(): () => number {
  return () => randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
}

/** Runs one publisher: request → connection → response, until nothing is due. */
class PublisherDriver {
  private running = false;
  private readonly waiters: Waiter[] = [];
  private lastFailure: Extract<XcapPolicyEvent, { kind: 'policy-failed' }> | null = null;

  constructor(private readonly publisher: XcapDocumentPublisher, private readonly revision: () => number, private readonly options: NodeXcapOptions) {}

  /** Resolves when the server stored the current revision (or the PUT carrying it failed). */
  flush(): Promise<XcapOutcome> {
    const revision = this.revision();
    this.publisher.retry();
    return new Promise((resolve) => {
      this.waiters.push({ revision, resolve });
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let request: Uint8Array | null;
      while ((request = this.publisher.pollRequest()) !== null) {
        await this.exchange(Buffer.from(request));
        this.settle();
      }
      this.settle();
      this.settleRest();
    } finally {
      this.running = false;
    }
  }

  private settle(): void {
    let e: XcapPolicyEvent | undefined;
    while ((e = this.publisher.pollEvent()) !== undefined) {
      if (e.kind === 'policy-failed') this.lastFailure = e;
      for (let i = 0; i < this.waiters.length; i++) {
        const w = this.waiters[i]!;
        if (e.revision < w.revision) continue;
        w.resolve(e.kind === 'policy-stored' ? { ok: true, status: e.status, etag: e.etag } : { ok: false, status: e.status, reason: e.reason });
        this.waiters.splice(i--, 1);
      }
    }
  }

  /** Nothing more will be sent: whoever still waits learns how it ended (never a hanging promise). */
  private settleRest(): void {
    if (this.publisher.busy) return;
    const f = this.lastFailure;
    for (const w of this.waiters.splice(0)) {
      w.resolve(!this.publisher.dirty ? { ok: true, status: 200, etag: this.publisher.etag } : { ok: false, status: f?.status ?? 0, reason: f?.reason ?? 'not sent' });
    }
  }

  private exchange(request: Buffer): Promise<void> {
    const pub = this.publisher;
    const timeoutMs = this.options.timeoutMs ?? 5000;
    return new Promise((resolve) => {
      let finished = false;
      let socket: Socket | null = null;
      const end = (failure: string | null): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (failure !== null) pub.onConnectionFailed(failure);
        socket?.destroy();
        resolve();
      };
      const timer = setTimeout(() => end(`no complete answer within ${timeoutMs} ms`), timeoutMs);
      socket = connect({ host: this.options.host, port: this.options.port });
      socket.on('connect', () => socket!.write(request));
      socket.on('data', (chunk: Buffer) => {
        if (pub.onResponseBytes(chunk, 0, chunk.length)) end(null);
      });
      socket.on('end', () => { pub.onConnectionClosed(); end(null); });
      socket.on('error', (err) => end(`connection failed: ${err.message}`));
      socket.on('close', () => { if (!finished) { pub.onConnectionClosed(); end(null); } });
    });
  }
}

/** The presentity's XCAP side: its pres-rules policy and other documents (rls-services). */
export class NodeXcapClient {
  readonly presRules: PresRulesPublisher;
  private readonly account: XcapAccount;
  private readonly rulesDriver: PublisherDriver;
  private readonly documents = new Map<string, { doc: BytesDocument; driver: PublisherDriver; publisher: XcapDocumentPublisher }>();

  constructor(readonly options: NodeXcapOptions) {
    this.account = {
      root: options.root ?? '/xcap-root', host: `${options.host}:${options.port}`, xui: options.xui,
      username: options.username, password: options.password, random: { random: nodeRandom() },
    };
    this.presRules = new PresRulesPublisher(this.account);
    this.rulesDriver = new PublisherDriver(this.presRules, () => this.presRules.rules.revision, options);
  }

  /** RFC 5025 "allow" for this watcher, stored on the server. */
  approveWatcher(uri: string): Promise<XcapOutcome> {
    return this.decide(uri, 'allow');
  }

  /** "block" (rejected) or "polite-block". */
  denyWatcher(uri: string, polite = false): Promise<XcapOutcome> {
    return this.decide(uri, polite ? 'polite-block' : 'block');
  }

  /** Carries out the allow / deny answers the user gave in a winfo watcher table (RFC 3857). */
  carryOutDecisions(table: WatcherTable): Promise<XcapOutcome> {
    this.presRules.takeDecisionsFrom(table);
    return this.rulesDriver.flush();
  }

  decide(uri: string, handling: SubHandling): Promise<XcapOutcome> {
    if (!this.presRules.decide(uri, handling)) return Promise.resolve({ ok: false, status: 0, reason: 'pres-rules table full' });
    return this.rulesDriver.flush();
  }

  /** PUTs a whole document of an application usage (e.g. rls-services, written by writeRlsServices). */
  putDocument(auid: Auid, bytes: Uint8Array, document = 'index'): Promise<XcapOutcome> {
    const key = `${auid}/${document}`;
    let entry = this.documents.get(key);
    if (entry === undefined) {
      const doc = new BytesDocument();
      const publisher = new XcapDocumentPublisher(this.account, doc, auid, document);
      entry = { doc, publisher, driver: new PublisherDriver(publisher, () => doc.revision, this.options) };
      this.documents.set(key, entry);
    }
    entry.doc.set(bytes);
    return entry.driver.flush();
  }
}
