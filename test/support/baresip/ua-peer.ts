// InteropPeer (peer.ts) implemented with the project's own UserAgent on the Node host loop, so
// the baresip scenarios (scenarios.ts) run unchanged against our UA: MESSAGE both ways through
// Kamailio, presence watched with SUBSCRIBE and published with PUBLISH (RFC 3903, SIP-If-Match
// kept by the UA's Publication). Every wait is bounded by the caller's timeout.
import type { Registrar } from './harness.js';
import { pidfBasics, type InteropPeer, type PresenceWatch, type ReceivedMessage } from './peer.js';
import { RecordedUa } from '../ua/node-ua.js';

const td = new TextDecoder();
const te = new TextEncoder();

// What the scenarios call a final status, for outcomes that have no SIP response of their own.
const NO_RESPONSE_STATUS = { timeout: 408, 'transport-failed': 503 } as const;

function pidfDocument(entity: string, basic: string, note: string): string {
  const escaped = note.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">`,
    `<tuple id="ua"><status><basic>${basic}</basic></status><note>${escaped}</note></tuple>`,
    '</presence>',
  ].join('\n');
}

/** Our UA registered at the registrar as `user`, behind the InteropPeer interface. */
export async function openUaPeer(registrar: Registrar, user: string, password: string, timeoutMs = 3000): Promise<InteropPeer & { readonly ua: RecordedUa }> {
  const r = await RecordedUa.open(registrar, user, password);
  try {
    await r.register(timeoutMs);
  } catch (err) {
    r.host.close();
    throw err;
  }
  /** Events before this index were already looked at by receiveMessage. */
  let messageCursor = 0;

  return {
    aor: r.aor,
    ua: r,
    async sendMessage(to, text, sendTimeoutMs = timeoutMs) {
      const mark = r.mark();
      const sent = r.host.run((ua, now) => ua.sendMessage(to, 'text/plain;charset=UTF-8', te.encode(text), now));
      if (sent.err) throw new Error(`${r.aor}: sendMessage refused locally: ${sent.val.code} ${sent.val.message}`);
      const id = sent.val;
      const status = await r.waitFor('message-status', (e) => e.id === id, sendTimeoutMs, mark);
      return status.outcome === 'timeout' || status.outcome === 'transport-failed' ? NO_RESPONSE_STATUS[status.outcome] : status.status;
    },
    async receiveMessage(receiveTimeoutMs) {
      const next = await r.waitFor('message', () => true, receiveTimeoutMs, messageCursor);
      messageCursor = r.events.indexOf(next) + 1;
      const answered = r.host.run((ua, now) => ua.respondToMessage(next.id, 200, now));
      if (answered.err) throw new Error(`${r.aor}: respondToMessage: ${answered.val.message}`);
      return { from: next.from, contentType: next.contentType, body: td.decode(next.body) } satisfies ReceivedMessage;
    },
    async watchPresence(target, watchTimeoutMs) {
      const mark = r.mark();
      const subscribed = r.host.run((ua, now) => ua.subscribe(target, 'presence', now));
      if (subscribed.err) throw new Error(`${r.aor}: subscribe refused locally: ${subscribed.val.message}`);
      const id = subscribed.val;
      const settled = await r.waitFor('subscription', (e) => e.id === id && (e.state === 'active' || e.state === 'pending' || e.state === 'failed' || e.state === 'terminated' || e.state === 'backing-off'), watchTimeoutMs, mark);
      if (settled.state !== 'active' && settled.state !== 'pending') throw new Error(`SUBSCRIBE ${target}: ${settled.state} (${settled.status} ${settled.reason})`);
      /** NOTIFYs of this subscription already looked at by until(). */
      let read = mark;
      const watch: PresenceWatch = {
        async until(wanted, untilTimeoutMs) {
          const seen: string[] = [];
          try {
            const hit = await r.waitFor('notify', (e) => {
              if (e.subscriptionId !== id) return false;
              const body = td.decode(e.body);
              seen.push(body || '(empty)');
              return wanted(pidfBasics(body));
            }, untilTimeoutMs, read);
            read = r.events.indexOf(hit) + 1;
            return pidfBasics(td.decode(hit.body));
          } catch {
            throw new Error(`no NOTIFY from ${target} with the wanted state within ${untilTimeoutMs} ms; NOTIFY bodies seen:\n${seen.join('\n---\n')}`);
          }
        },
      };
      return watch;
    },
    async publishPresence(basic, note, publishTimeoutMs = timeoutMs) {
      const mark = r.mark();
      const started = r.host.run((ua, now) => ua.publish(te.encode(pidfDocument(r.aor, basic, note)), 'application/pidf+xml', now));
      if (started.err) throw new Error(`${r.aor}: publish refused locally: ${started.val.message}`);
      const outcome = await r.waitFor('publish-outcome', () => true, publishTimeoutMs, mark);
      return outcome.status;
    },
    async close() {
      await r.close();
    },
  };
}
