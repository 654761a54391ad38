import { chatModule } from '../../core/ua/invite-sessions.js';
// Two of our phones on 127.0.0.1 for session-mode IM: each a NodeUaHost (SIP over UDP, peer to
// peer, no server) plus a NodeMsrpHost (MSRP over real TCP). Every wait is bounded.
import { NodeUaHost } from '../../platform/node/ua-host.js';
import { NodeMsrpHost, type MsrpHostEvent, type NodeMsrpHostOptions } from '../../platform/node/msrp-host.js';
import type { UaEvent, ChatOptions } from '../../core/ua/index.js';

export type AnyEvent = UaEvent | MsrpHostEvent;

export interface Phone {
  readonly name: string;
  readonly sip: NodeUaHost;
  readonly msrp: NodeMsrpHost;
  readonly events: AnyEvent[];
  readonly uri: string;
}

export const ACCEPT_TYPES = ['text/plain', 'message/cpim', 'application/octet-stream'];

/** `msrp`: host options (e.g. tls); `chat`: enableChat options on top of the host's own (listeners, fingerprint). */
export async function phone(name: string, opts: { msrp?: Omit<NodeMsrpHostOptions, 'onEvent'>; chat?: Partial<ChatOptions> } = {}): Promise<Phone> {
  const events: AnyEvent[] = [];
  const msrp = await NodeMsrpHost.listen({ ...opts.msrp, onEvent: (e) => events.push(e) });
  let sip: NodeUaHost;
  try {
    sip = await NodeUaHost.start({ onEvent: (e) => { events.push(e); msrp.handleUaEvent(e); } }, ({ address, port }) => ({
      aor: `sip:${name}@${address}:${port}`, registrar: null, localAddress: address, localPort: port, inboundMessagePolicy: 'open',
    }));
  } catch (err) {
    msrp.close();
    throw err;
  }
  sip.ua.enableChat(chatModule, opts.msrp?.tls !== undefined ? { ...msrp.chatOptions(), acceptTypes: ACCEPT_TYPES, ...opts.chat } : { listener: msrp.listener, acceptTypes: ACCEPT_TYPES, ...opts.chat });
  return { name, sip, msrp, events, uri: `sip:${name}@${sip.address}:${sip.port}` };
}

export function closePhone(p: Phone | undefined): void {
  if (!p) return;
  p.msrp.close();
  p.sip.close();
}

/** Resolves with the first event `pick` accepts (already seen or coming); rejects after timeoutMs. */
export function waitFor<T extends AnyEvent>(p: Phone, what: string, pick: (e: AnyEvent) => e is T, timeoutMs?: number): Promise<T>;
export function waitFor(p: Phone, what: string, pick: (e: AnyEvent) => boolean, timeoutMs?: number): Promise<AnyEvent>;
export function waitFor(p: Phone, what: string, pick: (e: AnyEvent) => boolean, timeoutMs = 5000): Promise<AnyEvent> {
  return until(`${p.name}: ${what}`, () => p.events.find(pick), timeoutMs);
}

export function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = probe();
      if (v !== undefined && v !== false) { resolve(v); return; }
      if (Date.now() - started > timeoutMs) { reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); return; }
      setTimeout(tick, 5);
    };
    tick();
  });
}

export function ofKind<K extends AnyEvent['kind']>(p: Phone, kind: K): Extract<AnyEvent, { kind: K }>[] {
  return p.events.filter((e) => e.kind === kind) as Extract<AnyEvent, { kind: K }>[];
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
