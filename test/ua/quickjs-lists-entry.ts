// Runs inside QuickJS (bundled by test/support/quickjs.ts) and on Node: a UserAgent with the
// resource-list module (RFC 4662) subscribes to a list at a scripted RLS in memory, gets the list
// NOTIFYs the host hands in (multipart/related bodies as latin1 strings, built by
// test/rls/helpers.ts), and the outcome comes back as plain JSON: the list events, the UA's
// answers and the SUBSCRIBEs the RLS saw. Nothing here may use a host API (no TextEncoder, Buffer,
// timers, clock): the RLS writes its messages with the core's own parser and writer.
import { UserAgent, Outgoing, resourceListsModule, type Endpoint, type UaEvent } from '../../core/ua/index.js';
import { SipMessageView } from '../../core/sip/view.js';
import { parse, createParseOptions } from '../../core/sip/parser.js';
import { SipWriter } from '../../core/sip/writer.js';
import { H } from '../../core/sip/header-ids.js';

/** A list NOTIFY: Content-Type value and body, each byte one char (latin1). */
export interface NotifySpec { contentType: string; body: string; state?: string }
export type Step = { notify: NotifySpec } | { wait: number };
export interface ListInput {
  event: string;
  steps: Step[];
  /** Sent by the RLS right after its 200 to the second SUBSCRIBE (the full state a refresh brings). */
  onRefresh: NotifySpec | null;
}

/** [uri, state, presence display | null, list, name, reason, isList, contentType, body bytes, PIDF <basic> of the part | '',
 *  dialog summary "dialogs:state:version" | ''] */
export type ResourceBrief = [string, string, string | null, string, string, string, boolean, string, number, string, string];
/** [subscriptionId, uri, version, fullState, outcome, resources, unreadableParts, error] */
export type ListBrief = [number, string, number, boolean, string, number, number, string];
export interface StepOutcome {
  resources: ResourceBrief[];
  lists: ListBrief[];
  /** Raw `notify` events (the application still gets each NOTIFY). */
  notifies: number;
  /** UA responses: "<status> <CSeq>", e.g. "200 3 NOTIFY". */
  answers: string[];
  warnings: string[];
  /** SUBSCRIBEs the RLS has seen so far. */
  subscribes: number;
  /** Order of the step's list events: 'r' list-resource, 'L' list (a list event closes its resources). */
  order: string;
}
export interface ListTrail {
  subscriptionId: number;
  subscribes: string[];
  /** SIP-ETag of every NOTIFY the RLS sent, in order. */
  etags: string[];
  steps: StepOutcome[];
}

const RLS: Endpoint = { transport: 'udp', address: '10.0.0.100', port: 5060 };
const PHONE: Endpoint = { transport: 'udp', address: '10.0.0.2', port: 5070 };
const LATENCY = 5;

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function latin1Text(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** xorshift, so every run writes the same tags and branches in both engines. */
function seeded(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) % 1_000_000) / 1_000_000; };
}

interface Packet { at: number; toPhone: boolean; bytes: Uint8Array }

export function listScenario(input: ListInput): ListTrail {
  const ua = new UserAgent({
    aor: 'sip:bob@10.0.0.100', registrar: null, outboundProxy: 'sip:10.0.0.100:5060', localAddress: PHONE.address, localPort: PHONE.port,
    random: seeded(9),
  });
  ua.enableResourceLists(resourceListsModule);
  const out = new Outgoing();
  const view = new SipMessageView();
  const writer = new SipWriter();
  const events: UaEvent[] = [];
  const answers: string[] = [];
  const subscribes: string[] = [];
  const etags: string[] = [];
  const packets: Packet[] = [];
  const dialog = { callId: '', fromTag: '', cseq: 0 };
  let now = 0;
  let deadline = Infinity;

  const drain = () => {
    while (ua.pollTransmit(out)) {
      const bytes = out.bytes.slice(out.off, out.off + out.len);
      if (out.endpoint.address === RLS.address) packets.push({ at: now + LATENCY, toPhone: false, bytes });
      const text = latin1Text(bytes);
      if (text.startsWith('SIP/2.0 ')) answers.push(`${text.slice(8, 11)} ${/\r\nCSeq:\s*([^\r]*)/i.exec(text)?.[1] ?? '?'}`);
    }
    deadline = ua.pollTimeout();
    let e: UaEvent | undefined;
    while ((e = ua.pollEvent()) !== undefined) events.push(e);
  };

  const header = (id: number) => view.headerText(id) ?? '';
  const sendNotify = (n: NotifySpec) => {
    dialog.cseq++;
    const etag = `rls${dialog.cseq}`;
    etags.push(etag);
    const body = latin1Bytes(n.body);
    const head = latin1Bytes([
      `NOTIFY sip:bob@${PHONE.address}:${PHONE.port} SIP/2.0`, `Via: SIP/2.0/UDP ${RLS.address}:${RLS.port};branch=z9hG4bKlist${dialog.cseq}`, 'Max-Forwards: 70',
      'From: <sip:buddies@10.0.0.100>;tag=rls1', `To: <sip:bob@10.0.0.100>;tag=${dialog.fromTag}`, `Call-ID: ${dialog.callId}`,
      `CSeq: ${dialog.cseq} NOTIFY`, `Contact: <sip:${RLS.address}:${RLS.port}>`, `Event: ${input.event}`,
      `Subscription-State: ${n.state ?? 'active;expires=600'}`, 'Require: eventlist', `SIP-ETag: ${etag}`,
      `Content-Type: ${n.contentType}`, `Content-Length: ${body.length}`, '', '',
    ].join('\r\n'));
    const all = new Uint8Array(head.length + body.length);
    all.set(head, 0);
    all.set(body, head.length);
    packets.push({ at: now + LATENCY, toPhone: true, bytes: all });
  };

  // The RLS: answers every SUBSCRIBE 200 (§8.2.6.2 copying, with the core's writer); after the
  // second one it sends `onRefresh` once.
  const rlsReceives = (bytes: Uint8Array) => {
    if (parse(bytes, 0, bytes.length, view, createParseOptions({ datagram: true })) <= 0) throw new Error('the RLS got unparsable bytes');
    const text = latin1Text(bytes);
    if (!text.startsWith('SUBSCRIBE ')) return;
    subscribes.push(text);
    dialog.callId = header(H.CALL_ID);
    dialog.fromTag = /tag=([^;>\s]+)/.exec(header(H.FROM))?.[1] ?? '';
    const buf = new Uint8Array(4096);
    writer.response(buf, 0, buf.length, 200, 'OK');
    for (let i = 0; i < view.headerCount; i++) if (view.headerId[i] === H.VIA) writer.headerId(H.VIA, view.headerValueText(i));
    writer.headerId(H.FROM, header(H.FROM));
    const to = header(H.TO);
    writer.headerId(H.TO, to.includes(';tag=') ? to : `${to};tag=rls1`);
    writer.headerId(H.CALL_ID, dialog.callId);
    writer.headerId(H.CSEQ, header(H.CSEQ));
    writer.header('Expires', header(H.EXPIRES));
    writer.header('Contact', `<sip:${RLS.address}:${RLS.port}>`);
    writer.header('Require', 'eventlist');
    const n = writer.finish();
    if (n <= 0) throw new Error(`RLS writer error ${n}`);
    packets.push({ at: now + LATENCY, toPhone: true, bytes: buf.slice(0, n) });
    if (subscribes.length === 2 && input.onRefresh !== null) sendNotify(input.onRefresh);
  };

  const run = (forMs: number) => {
    const until = now + forMs;
    for (let guard = 0; guard < 10_000; guard++) {
      let next = Infinity;
      let pi = -1;
      for (let i = 0; i < packets.length; i++) if (packets[i]!.at < next) { next = packets[i]!.at; pi = i; }
      const t = Math.min(next, deadline);
      if (t > until) { now = until; return; }
      now = Math.max(now, t);
      if (next <= deadline) {
        const p = packets.splice(pi, 1)[0]!;
        if (p.toPhone) { ua.handleDatagram(p.bytes, 0, p.bytes.length, RLS, now); drain(); } else rlsReceives(p.bytes);
      } else {
        ua.handleTimeout(now);
        drain();
      }
    }
    throw new Error('busy loop in the list scenario');
  };

  const subscriptionId = ua.subscribe('sip:buddies@10.0.0.100', input.event, now, { eventlist: true, expires: 600 }).unwrap();
  drain();
  run(20);
  const steps: StepOutcome[] = [];
  for (const step of input.steps) {
    const firstEvent = events.length;
    answers.length = 0;
    if ('notify' in step) { sendNotify(step.notify); run(50); } else run(step.wait);
    const mine = events.slice(firstEvent);
    const resources: ResourceBrief[] = [];
    const lists: ListBrief[] = [];
    let order = '';
    for (const e of mine) {
      if (e.kind === 'list-resource') {
        const part = latin1Text(e.body);
        resources.push([e.uri, e.state, e.presence?.display ?? null, e.list, e.name, e.reason, e.isList, e.contentType, e.body.length, /<basic>([a-z]+)<\/basic>/.exec(part)?.[1] ?? '',
          e.dialog === null ? '' : `${e.dialog.dialogs}:${e.dialog.state}:${e.dialog.version}`]);
        order += 'r';
      } else if (e.kind === 'list') {
        lists.push([e.subscriptionId, e.uri, e.version, e.fullState, e.outcome, e.resources, e.unreadableParts, e.error]);
        order += 'L';
      }
    }
    steps.push({
      resources, lists, notifies: mine.filter((e) => e.kind === 'notify').length, answers: answers.slice(),
      warnings: mine.flatMap((e) => (e.kind === 'warning' ? [e.code] : [])), subscribes: subscribes.length,
      order,
    });
  }
  return { subscriptionId, subscribes, etags, steps };
}

(globalThis as { __run?: (input: string) => string }).__run = (input: string) => JSON.stringify(listScenario(JSON.parse(input) as ListInput));
