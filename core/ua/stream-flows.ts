// SIP over TCP/TLS flows (RFC 3261 §18.3) for the user agent: one SipStreamFramer per flow in a
// bounded table, cutting the bytes a host reads into messages by Content-Length.
//
// Opt-in, like the chat, notifier and resource-list modules: a phone whose host has only a UDP
// socket never passes `streamModule`, and esbuild leaves the framer out of its bundle. The UA
// reaches it only through StreamFlows, and the module reaches the UA only through StreamPort.
// WebSocket flows (RFC 7118) need none of this: each message arrives whole (handleDatagram).
import { SipStreamFramer } from '../sip/framer.js';
import { isStream } from '../transport/kinds.js';
import type { SipMessageView } from '../sip/view.js';
import type { Endpoint } from './config.js';
import { sameEndpoint } from './uri-target.js';

/** Bytes buffered per flow: the largest message a stream may carry, plus what arrives behind it. */
export const STREAM_BUFFER_BYTES = 16384;

/** What the stream module may ask of the UA (its only way in). */
export interface StreamPort {
  /** The UA's reusable view: the framer parses each message into it. */
  readonly view: SipMessageView;
  /** A whole message is in `view` (at view.messageOff, view.messageLen), read from `flow`. */
  message(flow: Endpoint, now: number): void;
  /** RFC 5626 §4.4.1: a lone CRLF between messages on `flow`, the pong to a double-CRLF ping if that is the flow pinged. */
  pong(flow: Endpoint, now: number): void;
  /** Input that had to be dropped: counted and reported as a warning. */
  drop(now: number, code: string, message: string): void;
}

/** The UA's side of the module. */
export interface StreamFlows {
  /** Bytes read from `flow`; every whole message goes to StreamPort.message. */
  push(flow: Endpoint, buf: Uint8Array, off: number, len: number, now: number): void;
  /** The flow is gone: its buffered bytes with it. */
  closed(flow: Endpoint): void;
  /** Flows holding a framer now (UserAgent.occupancy: a closed flow must give its slot back). */
  readonly open: number;
}

export type StreamModule = (port: StreamPort, maxFlows: number) => StreamFlows;

/**
 * One slot of the table. Its framer and 16 KiB buffer are made on the slot's first flow and kept
 * when that flow closes (endpoint null): a phone whose TCP connection is reopened after every
 * outage or NAT drop reuses them. (The flow soak, test/soak/soak-flows-scenario.ts, saw a new
 * 16 KiB buffer per reconnect, and a dead flow's buffer kept by the UA's view as a heap step.)
 */
class StreamFlow {
  endpoint: Endpoint | null = null;
  readonly framer = new SipStreamFramer(new Uint8Array(STREAM_BUFFER_BYTES));
}

class StreamFlowTable implements StreamFlows {
  private readonly flows: (StreamFlow | null)[];

  constructor(private readonly port: StreamPort, maxFlows: number) {
    this.flows = new Array<StreamFlow | null>(maxFlows).fill(null);
  }

  push(flow: Endpoint, buf: Uint8Array, off: number, len: number, now: number): void {
    const port = this.port;
    const f = this.flowOf(flow);
    if (f === null) {
      port.drop(now, 'too-many-flows', `no room for another stream flow (${flow.address}:${flow.port}); raise capacities.maxFlows`);
      return;
    }
    let at = off;
    let left = len;
    while (left > 0) {
      const before = f.framer.keepAliveCrlfs;
      const pushed = f.framer.push(buf, at, left);
      at += pushed;
      left -= pushed;
      for (;;) {
        const r = f.framer.next(port.view);
        if (r === 0) break;
        if (r < 0) { port.drop(now, 'malformed', `bad message on stream ${flow.address}:${flow.port} (code ${r})`); continue; }
        port.message(flow, now);
      }
      if (f.framer.keepAliveCrlfs !== before) port.pong(flow, now);
      if (pushed === 0) {
        port.drop(now, 'stream-overflow', `stream buffer full on ${flow.address}:${flow.port}`);
        f.framer.clear();
        break;
      }
    }
  }

  get open(): number {
    let n = 0;
    for (let i = 0; i < this.flows.length; i++) if (this.flows[i]?.endpoint != null) n++;
    return n;
  }

  closed(flow: Endpoint): void {
    for (let i = 0; i < this.flows.length; i++) {
      const f = this.flows[i];
      if (f !== null && f.endpoint !== null && sameEndpoint(f.endpoint, flow)) { f.endpoint = null; f.framer.clear(); }
    }
  }

  private flowOf(flow: Endpoint): StreamFlow | null {
    let free = -1;
    for (let i = 0; i < this.flows.length; i++) {
      const f = this.flows[i];
      if (f === null || f.endpoint === null) { if (free < 0) free = i; continue; }
      if (sameEndpoint(f.endpoint, flow)) return f;
    }
    if (free < 0 || !isStream(flow.transport)) return null;
    const f = this.flows[free] ??= new StreamFlow();
    f.endpoint = flow;
    f.framer.clear();
    return f;
  }
}

/**
 * TCP/TLS flows for UserAgent: `new UserAgent(config, { streams: streamModule })`. Needed for a
 * tcp/tls account or outbound proxy, for `largeRequestsOverTcp` (RFC 3261 §18.1.1) and for
 * requests to targets whose URI says transport=tcp/tls; NodeUaHost passes it.
 */
export const streamModule: StreamModule = (port, maxFlows) => new StreamFlowTable(port, maxFlows);
