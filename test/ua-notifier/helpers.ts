// Shared pieces of the notifier tests: two UAs peer to peer in memory (test/ua/memory-net.ts),
// and a scripted watcher (a FakePeer) that sends SUBSCRIBEs by hand and answers NOTIFYs as told.
import { MemoryNet, type FakePeer, type UaNode } from '../ua/memory-net.js';
import { H } from '../../core/sip/header-ids.js';
import { notifierModule, type Endpoint, type UaConfig } from '../../core/ua/index.js';

export const ALICE: Endpoint = { transport: 'udp', address: '10.0.0.1', port: 5060 };
export const BOB: Endpoint = { transport: 'udp', address: '10.0.0.2', port: 5070 };
export const BOB_AOR = 'sip:bob@10.0.0.2:5070';

export function pair(bobExtra: Partial<UaConfig> = {}): { net: MemoryNet; alice: UaNode; bob: UaNode } {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: ALICE.address, localPort: ALICE.port }, 11);
  const bob = net.addUa({ aor: BOB_AOR, registrar: null, localAddress: BOB.address, localPort: BOB.port, ...bobExtra }, 22);
  // Bob is the notifier of these tests (the role is opt-in: UserAgent.enableNotifier).
  bob.ua.enableNotifier(notifierModule);
  return { net, alice, bob };
}

/** A hand-driven watcher at `address`: SUBSCRIBEs with chosen headers; NOTIFYs answered with `notifyStatus`. */
export class FakeWatcher {
  readonly notifies: string[] = [];
  readonly responses: string[] = [];
  notifyStatus = 200;
  /** The To tag bob's 200 gave (our dialog's remote tag), once known. */
  remoteTag = '';
  private cseq = 0;
  private branch = 0;

  constructor(readonly peer: FakePeer, readonly callId: string, readonly fromTag: string) {
    peer.handler = (p, text, from) => {
      if (text.startsWith('SIP/2.0 ')) {
        this.responses.push(text);
        const tag = /\r\nTo: [^\r]*;tag=([^;\s\r]+)/.exec(text)?.[1];
        if (tag !== undefined && this.remoteTag === '' && /^SIP\/2\.0 2/.test(text)) this.remoteTag = tag;
        return;
      }
      if (text.startsWith('NOTIFY ')) {
        this.notifies.push(text);
        p.reply(from, this.notifyStatus, this.notifyStatus === 200 ? 'OK' : 'Call/Transaction Does Not Exist');
      }
    };
  }

  get contact(): string {
    return `sip:watcher@${this.peer.endpoint.address}:${this.peer.endpoint.port}`;
  }

  subscribe(event: string, expires: number | null, extra: string[] = [], inDialog = this.remoteTag !== ''): void {
    const ep = this.peer.endpoint;
    this.peer.request(BOB, [
      `SUBSCRIBE ${BOB_AOR} SIP/2.0`, `Via: SIP/2.0/UDP ${ep.address}:${ep.port};branch=z9hG4bKw${this.callId}${++this.branch}`, 'Max-Forwards: 70',
      `From: <sip:watcher@${ep.address}>;tag=${this.fromTag}`, `To: <${BOB_AOR}>${inDialog ? `;tag=${this.remoteTag}` : ''}`,
      `Call-ID: ${this.callId}`, `CSeq: ${++this.cseq} SUBSCRIBE`, `Contact: <${this.contact}>`, `Event: ${event}`,
      ...(expires !== null ? [`Expires: ${expires}`] : []), ...extra,
    ]);
  }

  lastResponse(): string {
    return this.responses[this.responses.length - 1] ?? '';
  }
}

export function header(text: string, name: string): string {
  return new RegExp(`\\r\\n${name}: ([^\\r]*)\\r\\n`, 'i').exec(text)?.[1] ?? '';
}

export function bodyOf(text: string): string {
  const i = text.indexOf('\r\n\r\n');
  return i < 0 ? '' : text.slice(i + 4);
}

export { H };
