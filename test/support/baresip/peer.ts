// The other side of the baresip interop scenarios: what a SIP peer must do to exchange MESSAGEs
// with baresip and watch its presence through Kamailio. `openRawPeer` implements it with the
// hand-written client of test/support/kamailio/raw-sip.ts; the UA façade tests can implement the
// same interface with the project's own UA and run scenarios.ts unchanged.
import {
  RawSipClient, buildRequest, digestAuthorization, header, token, type RequestSpec, type SipResponse,
} from '../kamailio/raw-sip.js';
import type { Registrar } from './harness.js';

export interface ReceivedMessage {
  /** From URI (without display name or tag). */
  readonly from: string;
  readonly contentType: string;
  readonly body: string;
}

/** One presence subscription; NOTIFYs are answered 200 as they are read. */
export interface PresenceWatch {
  /** Resolves with the `<basic>` values of the first NOTIFY (of this subscription, not read
   *  before) for which `wanted` holds; NOTIFYs before it are answered and skipped. */
  until(wanted: (basics: readonly string[]) => boolean, timeoutMs: number): Promise<readonly string[]>;
}

export interface InteropPeer {
  /** sip:user@domain */
  readonly aor: string;
  /** Sends a text/plain MESSAGE to `to` (answering a digest challenge); resolves with the final status. */
  sendMessage(to: string, text: string, timeoutMs?: number): Promise<number>;
  /** The next MESSAGE received, already answered 200. */
  receiveMessage(timeoutMs: number): Promise<ReceivedMessage>;
  /** SUBSCRIBEs to `target`'s presence (Event: presence, PIDF); rejects unless it is accepted. */
  watchPresence(target: string, timeoutMs: number): Promise<PresenceWatch>;
  /** PUBLISHes its own presence (PIDF, one tuple); later calls modify the same publication
   *  (RFC 3903 SIP-If-Match). Resolves with the final status. */
  publishPresence(basic: 'open' | 'closed', note: string, timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** `<basic>` values of a PIDF document, namespace prefix or not (Kamailio re-renders PIDF). */
export function pidfBasics(body: string): string[] {
  return [...body.matchAll(/<(?:[A-Za-z0-9_.-]+:)?basic\s*>\s*([^<\s]*)\s*<\//g)].map((m) => m[1]!);
}

function pidfDocument(entity: string, basic: string, note: string): string {
  const escaped = note.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">`,
    `<tuple id="raw"><status><basic>${basic}</basic></status><note>${escaped}</note></tuple>`,
    '</presence>',
  ].join('\n');
}

function headerOf(message: string, ...names: string[]): string | undefined {
  const head = message.slice(0, message.indexOf('\r\n\r\n'));
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0 && names.includes(line.slice(0, colon).trim().toLowerCase())) return line.slice(colon + 1).trim();
  }
  return undefined;
}

function bodyOf(message: string): string {
  return message.slice(message.indexOf('\r\n\r\n') + 4);
}

function uriOf(nameAddr: string): string {
  return /<([^>]*)>/.exec(nameAddr)?.[1] ?? nameAddr.split(';')[0]!.trim();
}

/** Sends a request; on a 401/407 challenge sends it again once with credentials. */
async function sendWithAuth(c: RawSipClient, spec: Omit<RequestSpec, 'transport' | 'localPort' | 'cseq'>, user: string, password: string, timeoutMs: number): Promise<SipResponse> {
  const full = { ...spec, transport: c.transport, localPort: c.localPort };
  c.send(buildRequest({ ...full, cseq: 1 }));
  const first = await c.response(timeoutMs);
  if (first.status !== 401 && first.status !== 407) return first;
  const www = first.status === 401;
  const challenge = header(first, www ? 'www-authenticate' : 'proxy-authenticate');
  if (challenge === undefined) return first;
  const auth = digestAuthorization({ challenge, method: spec.method, uri: spec.uri, user, password });
  c.send(buildRequest({ ...full, cseq: 2, extraHeaders: [...(spec.extraHeaders ?? []), `${www ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`] }));
  return c.response(timeoutMs);
}

/** A raw UDP client registered at the registrar as `user`. */
export async function openRawPeer(registrar: Registrar, user: string, password: string, timeoutMs = 3000): Promise<InteropPeer> {
  const c = await RawSipClient.open('UDP', registrar.port);
  const aor = `sip:${user}@${registrar.domain}`;
  const contact = `<sip:${user}@127.0.0.1:${c.localPort}>`;
  try {
    const registered = await sendWithAuth(c, {
      method: 'REGISTER', uri: `sip:${registrar.host}:${registrar.port}`, from: aor, to: aor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: ${contact}`, 'Expires: 120'],
    }, user, password, timeoutMs);
    if (registered.status !== 200) throw new Error(`raw peer ${aor}: REGISTER got ${registered.status}\n${registered.raw}`);
  } catch (err) {
    c.close();
    throw err;
  }

  let etag: string | undefined;
  return {
    aor,
    async sendMessage(to, text, sendTimeoutMs = timeoutMs) {
      const res = await sendWithAuth(c, {
        method: 'MESSAGE', uri: to, from: aor, to, callId: `${token()}@raw`, fromTag: token(),
        extraHeaders: ['Content-Type: text/plain;charset=UTF-8'], body: text,
      }, user, password, sendTimeoutMs);
      return res.status;
    },
    async receiveMessage(receiveTimeoutMs) {
      const request = await c.request(['MESSAGE'], receiveTimeoutMs);
      c.reply(request, 200, 'OK');
      return {
        from: uriOf(headerOf(request, 'from', 'f') ?? ''),
        contentType: headerOf(request, 'content-type', 'c') ?? '',
        body: bodyOf(request),
      };
    },
    async watchPresence(target, watchTimeoutMs) {
      const callId = `${token()}@raw`;
      const subscribed = await sendWithAuth(c, {
        method: 'SUBSCRIBE', uri: target, from: aor, to: target, callId, fromTag: token(),
        extraHeaders: [`Contact: ${contact}`, 'Event: presence', 'Accept: application/pidf+xml', 'Expires: 60'],
      }, user, password, watchTimeoutMs);
      // Kamailio answers 200 (not 202); its first NOTIFY may already be queued.
      if (subscribed.status !== 200 && subscribed.status !== 202) throw new Error(`SUBSCRIBE ${target} got ${subscribed.status}\n${subscribed.raw}`);
      return {
        async until(wanted, untilTimeoutMs) {
          const deadline = Date.now() + untilTimeoutMs;
          const seen: string[] = [];
          for (;;) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`no NOTIFY from ${target} with the wanted state within ${untilTimeoutMs} ms; NOTIFY bodies seen:\n${seen.join('\n---\n')}`);
            let notify: string;
            try {
              notify = await c.request(['NOTIFY'], left);
            } catch {
              continue; // the deadline check above reports what was seen
            }
            c.reply(notify, 200, 'OK');
            if (headerOf(notify, 'call-id', 'i') !== callId) continue;
            const body = bodyOf(notify);
            seen.push(body || '(empty)');
            const basics = pidfBasics(body);
            if (wanted(basics)) return basics;
          }
        },
      };
    },
    async publishPresence(basic, note, publishTimeoutMs = timeoutMs) {
      const res = await sendWithAuth(c, {
        method: 'PUBLISH', uri: aor, from: aor, to: aor, callId: `${token()}@raw`, fromTag: token(),
        extraHeaders: [
          'Event: presence', 'Expires: 60', 'Content-Type: application/pidf+xml',
          ...(etag !== undefined ? [`SIP-If-Match: ${etag}`] : []),
        ],
        body: pidfDocument(aor, basic, note),
      }, user, password, publishTimeoutMs);
      if (res.status === 200) etag = header(res, 'sip-etag') ?? etag;
      return res.status;
    },
    async close() {
      c.close();
    },
  };
}
