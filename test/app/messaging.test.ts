// core/app/Messaging: two instances joined through a fake UA port (MESSAGE in, final status
// back), virtual time. The fake delivers a MESSAGE as the UA's `message` event and turns the
// receiver's respondToMessage into the sender's `message-status`, as core/ua does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Messaging, type MessagingEvent, type MessagingPort, type MessagingOptions, STATUS_STORE_FULL } from '../../core/app/messaging.js';
import type { UaEvent } from '../../core/ua/events.js';
import { Ok, Err } from '../../core/result.js';
import { MemoryNet, type UaNode } from '../ua/memory-net.js';
import { writeImdnNotificationMessage, type ImdnNotificationKind, type ImdnStatus } from '../../core/im/imdn.js';

const ALICE = 'sip:alice@127.0.0.1';
const BOB = 'sip:bob@127.0.0.1';
const dec = new TextDecoder();

interface Wire { from: string; to: string; contentType: string; body: string; status: number }

/** Two Messaging instances and the MESSAGEs between them. */
class Link {
  readonly wire: Wire[] = [];
  readonly a: Messaging;
  readonly b: Messaging;
  readonly aEvents: MessagingEvent[] = [];
  readonly bEvents: MessagingEvent[] = [];
  /** Scripted answers by the far UA instead of the Messaging (e.g. a phone that refuses isComposing). */
  refuse: (to: string, contentType: string) => number = () => 0;
  /** Far ends that do not answer: the sender's UA reports a timeout. */
  silent = new Set<string>();
  private nextId = 1;
  private readonly queue: (() => void)[] = [];
  private readonly waiting = new Map<string, { sender: string; uaId: number }>();
  /** Incoming MESSAGE id → what was sent, to record the answer on it. */
  private readonly wires = new Map<number, Wire>();

  constructor(aOptions: Partial<MessagingOptions> = {}, bOptions: Partial<MessagingOptions> = {}) {
    this.a = new Messaging(this.port(ALICE), { aor: ALICE, random: seeded(1), epochOffsetMs: 1_700_000_000_000, ...aOptions });
    this.b = new Messaging(this.port(BOB), { aor: BOB, random: seeded(2), epochOffsetMs: 1_700_000_000_000, ...bOptions });
  }

  of(uri: string): Messaging { return uri === ALICE ? this.a : this.b; }

  private port(self: string): MessagingPort {
    return {
      sendMessage: (target, contentType, body, now) => {
        if (target !== ALICE && target !== BOB) return Err({ code: 'bad-uri', message: target });
        const uaId = this.nextId++;
        const wire: Wire = { from: self, to: target, contentType, body: dec.decode(body), status: 0 };
        this.wire.push(wire);
        const copy = body.slice();
        this.queue.push(() => {
          if (this.silent.has(target)) { this.status(self, uaId, wire, 'timeout', 408, now); return; }
          const scripted = this.refuse(target, contentType);
          if (scripted > 0) { this.status(self, uaId, wire, 'refused', scripted, now); return; }
          const inId = this.nextId++;
          this.waiting.set(`${target}#${inId}`, { sender: self, uaId });
          this.wires.set(inId, wire);
          const e: UaEvent = { kind: 'message', id: inId, from: self, to: target, contentType, body: copy, receivedAt: now };
          this.of(target).onUaEvent(e, now);
        });
        return Ok(uaId);
      },
      respondToMessage: (id, status, now) => {
        const w = this.waiting.get(`${self}#${id}`);
        if (w === undefined) return Err({ code: 'unknown-message', message: String(id) });
        this.waiting.delete(`${self}#${id}`);
        const wire = this.wires.get(id)!;
        this.queue.push(() => this.status(w.sender, w.uaId, wire, status < 300 ? 'accepted' : 'refused', status, now));
        return Ok(undefined);
      },
    };
  }

  private status(sender: string, uaId: number, wire: Wire, outcome: 'accepted' | 'refused' | 'timeout', status: number, now: number): void {
    wire.status = status;
    this.of(sender).onUaEvent({ kind: 'message-status', id: uaId, outcome, status, reason: '', at: now }, now);
  }

  /** Delivers everything in flight (bounded), then collects both sides' events. */
  run(): void {
    for (let i = 0; i < 1000 && this.queue.length > 0; i++) this.queue.shift()!();
    assert.is(this.queue.length, 0, 'link settled');
    for (let e; (e = this.a.pollEvent()) !== undefined;) this.aEvents.push(e);
    for (let e; (e = this.b.pollEvent()) !== undefined;) this.bEvents.push(e);
  }

  /** Advances virtual time to `until`, firing both instances' deadlines. */
  advance(from: number, until: number): number {
    let now = from;
    for (let i = 0; i < 1000; i++) {
      const next = Math.min(this.a.nextDeadline(), this.b.nextDeadline());
      if (next > until) break;
      now = Math.max(now, next);
      this.a.handleTimeout(now);
      this.b.handleTimeout(now);
      this.run();
    }
    return until;
  }
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) % 1_000_000) / 1_000_000; };
}

const states = (m: Messaging, peer: string) => m.store.list(peer).map((s) => `${s.direction}:${s.text}:${s.state}`);

test('texts both ways: text/plain, stored sent → delivered, incoming stored unread and answered 200', () => {
  const l = new Link();
  const r = l.a.sendText(BOB, 'Hello Bob ☎', 0);
  assert.ok(r.ok);
  assert.is(l.a.store.get(r.val as number)!.state, 'sent', 'sent before the answer');
  l.run();
  assert.is(l.wire[0]!.contentType, 'text/plain;charset=UTF-8');
  assert.is(l.wire[0]!.body, 'Hello Bob ☎');
  assert.is(l.wire[0]!.status, 200);
  assert.equal(states(l.a, BOB), ['out:Hello Bob ☎:delivered']);
  assert.equal(states(l.b, ALICE), ['in:Hello Bob ☎:delivered'], 'incoming: delivered = unread');
  const text = l.bEvents.find((e) => e.kind === 'text');
  assert.equal(text && text.kind === 'text' ? [text.peer, text.text] : null, [ALICE, 'Hello Bob ☎']);
  assert.ok(l.aEvents.some((e) => e.kind === 'state' && e.to === 'delivered'));

  l.b.sendText(ALICE, 'Hi Alice', 10);
  l.run();
  assert.equal(states(l.b, ALICE), ['in:Hello Bob ☎:delivered', 'out:Hi Alice:delivered']);
  assert.equal(states(l.a, BOB), ['out:Hello Bob ☎:delivered', 'in:Hi Alice:delivered']);
});

test('failures keep the text with its code: refused, timeout, UA refusing the command', () => {
  const l = new Link();
  l.refuse = (_to, type) => (type.startsWith('text/plain') ? 486 : 0);
  const refused = l.a.sendText(BOB, 'busy?', 0);
  l.run();
  const m = l.a.store.get(refused.val as number)!;
  assert.equal([m.state, m.failureCode], ['failed', 486]);
  l.refuse = () => 0;
  l.silent.add(BOB);
  const lost = l.a.sendText(BOB, 'anyone?', 1);
  l.run();
  assert.equal([l.a.store.get(lost.val as number)!.state, l.a.store.get(lost.val as number)!.failureCode], ['failed', 0]);
  const bad = l.a.sendText('sip:nobody@127.0.0.1', 'x', 2);
  assert.not.ok(bad.ok);
  if (!bad.ok) {
    assert.is(bad.val.code, 'send-failed');
    assert.is(l.a.store.get(bad.val.storeId)!.state, 'failed', 'stored as failed, not dropped');
  }
});

test('202 (a relay took it) stays sent', () => {
  const l = new Link();
  l.refuse = () => 0;
  const id = l.a.sendText(BOB, 'via msilo', 0);
  // Answer 202 by hand: the fake's status path with an accepted 202.
  const uaEvent: UaEvent = { kind: 'message-status', id: 1, outcome: 'accepted', status: 202, reason: 'Accepted', at: 1 };
  l.a.onUaEvent(uaEvent, 1);
  assert.is(l.a.store.get(id.val as number)!.state, 'sent');
});

test('incoming: 415 for unsupported types and charsets, 413 too large, never stored', () => {
  const sent: [string, number][] = [];
  const port = { sendMessage: () => Ok(1), respondToMessage: (id: number, status: number) => { sent.push([String(id), status]); return Ok(undefined); } };
  const b = new Messaging(port, { aor: BOB, random: seeded(3), textLimits: { maxBytes: 16 } });
  const msg = (id: number, contentType: string, body: Uint8Array): UaEvent => ({ kind: 'message', id, from: ALICE, to: BOB, contentType, body, receivedAt: 0 });
  b.onUaEvent(msg(1, 'image/png', new Uint8Array([1, 2])), 0);
  b.onUaEvent(msg(2, 'text/plain;charset=koi8-r', new Uint8Array([0xc1])), 0);
  b.onUaEvent(msg(3, 'text/plain', new Uint8Array(17).fill(0x41)), 0);
  b.onUaEvent(msg(4, 'text/plain; charset=ISO-8859-1', new Uint8Array([0x63, 0x61, 0x66, 0xe9])), 0);
  assert.equal(sent, [['1', 415], ['2', 415], ['3', 413], ['4', 200]]);
  assert.equal(states(b, ALICE), ['in:café:delivered']);
  const refusals: number[] = [];
  for (let e; (e = b.pollEvent()) !== undefined;) if (e.kind === 'refused') refusals.push(e.status);
  assert.equal(refusals, [415, 415, 413]);
});

test('isComposing: shown on the other side, never as text; idle after the idle timer; ended by the message', () => {
  const l = new Link({ composing: { enabled: true, idleSeconds: 15, refreshSeconds: 120 } });
  l.a.typing(BOB, 0);
  l.run();
  assert.is(l.wire.length, 1);
  assert.is(l.wire[0]!.contentType, 'application/im-iscomposing+xml');
  assert.match(l.wire[0]!.body, '<state>active</state>');
  assert.ok(l.bEvents.some((e) => e.kind === 'remote-composing' && e.peer === ALICE));
  assert.not.ok(l.bEvents.some((e) => e.kind === 'text'), 'not shown as text');
  assert.equal(l.b.store.list(ALICE), [], 'not stored');
  assert.ok(l.b.composing.isRemoteComposing(ALICE));
  // No more typing: after 15 s Alice's side sends idle.
  assert.is(l.a.nextDeadline(), 15_000);
  l.advance(0, 20_000);
  assert.is(l.wire.length, 2);
  assert.match(l.wire[1]!.body, '<state>idle</state>');
  assert.ok(l.bEvents.some((e) => e.kind === 'remote-idle' && e.reason === 'idle-received'));
  // Typing again, then the text itself: the indicator ends with the message, no idle document.
  l.a.typing(BOB, 21_000);
  l.run();
  l.a.sendText(BOB, 'done', 22_000);
  l.run();
  assert.ok(l.bEvents.some((e) => e.kind === 'remote-idle' && e.reason === 'message-received'));
  assert.is(l.wire.filter((w) => w.body.includes('<state>idle</state>')).length, 1);
});

test('isComposing: the receiver times "active" out when the sender goes quiet', () => {
  const l = new Link({ composing: { enabled: true, idleSeconds: 300, refreshSeconds: 30 } });
  l.a.typing(BOB, 0);
  l.run();
  l.silent.add(BOB); // Bob hears nothing more (refreshes lost)
  assert.ok(l.b.composing.isRemoteComposing(ALICE));
  assert.is(l.b.nextDeadline(), 30_000, 'the announced refresh');
  l.advance(0, 31_000);
  assert.ok(l.bEvents.some((e) => e.kind === 'remote-idle' && e.reason === 'refresh-expired'));
  assert.not.ok(l.b.composing.isRemoteComposing(ALICE));
});

test('isComposing is opt-in per account: off by default, nothing sent', () => {
  const l = new Link();
  l.a.typing(BOB, 0);
  l.run();
  assert.is(l.wire.length, 0);
});

test('415 to an isComposing MESSAGE disables it for that peer only; texts still flow', () => {
  const l = new Link({ composing: { enabled: true, idleSeconds: 1, refreshSeconds: 120 } });
  l.refuse = (to, type) => (to === BOB && type === 'application/im-iscomposing+xml' ? 415 : 0);
  l.a.typing(BOB, 0);
  l.run();
  assert.ok(l.aEvents.some((e) => e.kind === 'peer-disabled' && e.peer === BOB && e.status === 415));
  assert.ok(l.a.composing.isDisabledFor(BOB));
  l.a.typing(BOB, 5_000);
  l.advance(5_000, 10_000);
  assert.is(l.wire.filter((w) => w.to === BOB && w.contentType.startsWith('application/im-iscomposing')).length, 1, 'nothing more to Bob');
  l.a.sendText(BOB, 'still here', 11_000);
  l.run();
  assert.equal(states(l.a, BOB), ['out:still here:delivered']);
  // Bob typing to Alice is not affected.
  l.b.setComposingEnabled(true, 12_000);
  l.b.typing(ALICE, 12_000);
  l.run();
  assert.ok(l.aEvents.some((e) => e.kind === 'remote-composing' && e.peer === BOB));
});

test('IMDN: CPIM request, delivered on receipt, displayed when read; store states follow', () => {
  const l = new Link({ imdn: { request: true } });
  const id = l.a.sendText(BOB, 'Read me', 1000).val as number;
  l.run();
  const im = l.wire[0]!;
  assert.is(im.contentType, 'message/cpim');
  assert.match(im.body, 'imdn.Disposition-Notification: positive-delivery, display');
  assert.match(im.body, 'Content-Type: text/plain;charset=UTF-8\r\n');
  // Bob answered 200 and sent a delivery notification.
  const delivery = l.wire[1]!;
  assert.equal([delivery.from, delivery.to, delivery.contentType], [BOB, ALICE, 'message/cpim']);
  assert.match(delivery.body, '<delivered/>');
  assert.match(delivery.body, 'Content-Disposition: notification');
  assert.is(l.a.store.get(id)!.state, 'delivered');
  assert.equal(states(l.b, ALICE), ['in:Read me:delivered']);
  assert.not.ok(l.aEvents.some((e) => e.kind === 'text'), 'the notification is not a text');
  assert.equal(l.a.store.list(BOB).length, 1, 'nor stored');
  // Bob reads it.
  const bobId = l.b.store.list(ALICE)[0]!.id;
  assert.ok(l.b.markRead(bobId, 2000).ok);
  l.run();
  assert.match(l.wire[2]!.body, '<displayed/>');
  assert.is(l.b.store.get(bobId)!.state, 'displayed');
  assert.is(l.a.store.get(id)!.state, 'displayed');
  const toStates = l.aEvents.filter((e) => e.kind === 'state').map((e) => (e.kind === 'state' ? e.to : ''));
  assert.equal(toStates, ['sent', 'delivered', 'displayed']);
  assert.is(l.a.imdn.trackedOutgoing, 0);
});

test('IMDN: display notifications switched off → read stays local', () => {
  const l = new Link({ imdn: { request: true } }, { imdn: { sendDisplay: false } });
  const id = l.a.sendText(BOB, 'private', 0).val as number;
  l.run();
  const before = l.wire.length;
  l.b.markRead(l.b.store.list(ALICE)[0]!.id, 1);
  l.run();
  assert.is(l.wire.length, before, 'nothing sent');
  assert.is(l.a.store.get(id)!.state, 'delivered');
});

test('IMDN: a peer refusing message/cpim (415) gets the text plain, and no more requests', () => {
  const l = new Link({ imdn: { request: true } });
  l.refuse = (_to, type) => (type === 'message/cpim' ? 415 : 0);
  const id = l.a.sendText(BOB, 'plain please', 0).val as number;
  l.run();
  assert.equal(l.wire.map((w) => [w.contentType, w.status]), [['message/cpim', 415], ['text/plain;charset=UTF-8', 200]]);
  assert.is(l.a.store.get(id)!.state, 'delivered');
  l.a.sendText(BOB, 'again', 1);
  l.run();
  assert.is(l.wire[2]!.contentType, 'text/plain;charset=UTF-8');
});

test('IMDN: display "forbidden" leaves a delivered text delivered; a notification from someone else changes nothing', () => {
  const answers: number[] = [];
  const bodies: string[] = [];
  let next = 1;
  const port: MessagingPort = {
    sendMessage: (_t, _c, body) => { bodies.push(dec.decode(body)); return Ok(next++); },
    respondToMessage: (_id, status) => { answers.push(status); return Ok(undefined); },
  };
  const a = new Messaging(port, { aor: ALICE, random: seeded(7), imdn: { request: true } });
  const id = a.sendText(BOB, 'secret', 0).val as number;
  a.onUaEvent({ kind: 'message-status', id: 1, outcome: 'accepted', status: 200, reason: 'OK', at: 1 }, 1);
  assert.is(a.store.get(id)!.state, 'delivered');
  const imdnId = /imdn\.Message-ID: (\w+)/.exec(bodies[0]!)![1]!;
  const dateTime = /DateTime: (\S+)/.exec(bodies[0]!)![1]!;
  const notify = (from: string, kind: ImdnNotificationKind, status: ImdnStatus, uaId: number) => {
    const buf = new Uint8Array(2048);
    const n = writeImdnNotificationMessage(buf, 0, { from: `<${from}>`, to: `<${ALICE}>`, messageId: `n${uaId}`, dateTime, document: { messageId: imdnId, dateTime, kind, status } });
    assert.ok(n.ok);
    a.onUaEvent({ kind: 'message', id: uaId, from, to: ALICE, contentType: 'message/cpim', body: buf.slice(0, n.val as number), receivedAt: 2 }, 2);
  };
  notify('sip:mallory@127.0.0.1', 'delivery', 'failed', 10);
  assert.is(a.store.get(id)!.state, 'delivered', 'forged failure ignored');
  notify(BOB, 'display', 'forbidden', 11);
  assert.is(a.store.get(id)!.state, 'delivered', 'forbidden: not failed');
  assert.is(a.imdn.trackedOutgoing, 0, 'a display notification, even forbidden, is the last one');
  assert.equal(answers, [200, 200]);
  const warnings: string[] = [];
  for (let e; (e = a.pollEvent()) !== undefined;) if (e.kind === 'warning') warnings.push(e.code);
  assert.equal(warnings, ['foreign-notification']);
});

test('store full: outgoing refused with an error before sending; incoming answered 480', () => {
  const store = { capacityPerConversation: 2, maxConversations: 1 };
  const l = new Link({ store }, { store });
  l.silent.add(BOB);
  // Two texts that time out stay "failed": never evicted.
  l.a.sendText(BOB, 'one', 0);
  l.a.sendText(BOB, 'two', 1);
  l.run();
  const full = l.a.sendText(BOB, 'three', 2);
  assert.not.ok(full.ok);
  if (!full.ok) assert.is(full.val.code, 'store-full');
  assert.is(l.wire.length, 2, 'nothing sent for the refused text');
  assert.equal(states(l.a, BOB), ['out:one:failed', 'out:two:failed']);
  // Incoming to a full conversation (only failed outgoing texts, none may go): 480, and Bob
  // keeps his text as failed with that code.
  l.silent.delete(BOB);
  const bobText = l.b.sendText(ALICE, 'can you hear me', 3).val as number;
  l.run();
  assert.is(l.wire[2]!.status, STATUS_STORE_FULL);
  assert.equal([l.b.store.get(bobText)!.state, l.b.store.get(bobText)!.failureCode], ['failed', STATUS_STORE_FULL]);
  assert.ok(l.aEvents.some((e) => e.kind === 'refused' && e.status === STATUS_STORE_FULL));
  assert.equal(states(l.a, BOB), ['out:one:failed', 'out:two:failed']);
});

test('store full of delivered texts: the oldest goes with an evicted event', () => {
  const store = { capacityPerConversation: 2, maxConversations: 1 };
  const l = new Link({ store }, {});
  for (const [i, text] of ['one', 'two', 'three'].entries()) { assert.ok(l.a.sendText(BOB, text, i).ok); l.run(); }
  assert.equal(states(l.a, BOB), ['out:two:delivered', 'out:three:delivered']);
  const evicted = l.aEvents.filter((e) => e.kind === 'evicted');
  assert.is(evicted.length, 1);
  assert.is(evicted[0]!.kind === 'evicted' ? evicted[0]!.message.text : '', 'one');
});

// The same over two real UserAgents in memory (SIP over a virtual UDP network): the port is the
// UA itself. Both AORs carry the port, so the From a peer sends equals the target we use.
test('two in-memory UserAgents: isComposing, text, IMDN delivered and displayed', () => {
  const net = new MemoryNet();
  const A = 'sip:alice@10.0.0.1:5060', B = 'sip:bob@10.0.0.2:5070';
  const alice = net.addUa({ aor: A, registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 11);
  const bob = net.addUa({ aor: B, registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 22);
  const options = { random: seeded(5), composing: { enabled: true }, imdn: { request: true } };
  const sides: [UaNode, Messaging, MessagingEvent[], { seen: number }][] = [
    [alice, new Messaging(alice.ua, { aor: A, ...options }), [], { seen: 0 }],
    [bob, new Messaging(bob.ua, { aor: B, ...options }), [], { seen: 0 }],
  ];
  const settle = (ms: number) => {
    const until = net.now + ms;
    while (net.now < until) {
      net.run(5);
      for (const [node, m, events, cursor] of sides) {
        if (m.nextDeadline() <= net.now) m.handleTimeout(net.now);
        while (cursor.seen < node.events.length) m.onUaEvent(node.events[cursor.seen++]!, net.now);
        node.drain();
        for (let e; (e = m.pollEvent()) !== undefined;) events.push(e);
      }
    }
  };
  const [, ma, aEvents] = sides[0]!;
  const [, mb, bEvents] = sides[1]!;
  ma.typing(B, net.now);
  alice.drain();
  settle(100);
  assert.ok(bEvents.some((e) => e.kind === 'remote-composing' && e.peer === A), 'Bob sees Alice typing');
  const id = ma.sendText(B, 'über den UA', net.now).val as number;
  alice.drain();
  settle(100);
  assert.ok(bEvents.some((e) => e.kind === 'remote-idle' && e.reason === 'message-received'));
  assert.equal(states(mb, A), ['in:über den UA:delivered']);
  assert.is(ma.store.get(id)!.state, 'delivered');
  assert.ok(mb.markRead(mb.store.list(A)[0]!.id, net.now).ok);
  bob.drain();
  settle(100);
  assert.is(ma.store.get(id)!.state, 'displayed');
  assert.not.ok(aEvents.some((e) => e.kind === 'warning'), JSON.stringify(aEvents.filter((e) => e.kind === 'warning')));
  assert.not.ok(bEvents.some((e) => e.kind === 'warning'), JSON.stringify(bEvents.filter((e) => e.kind === 'warning')));
  // Every MESSAGE Bob got was answered by Messaging (200), not by the UA's deadline.
  assert.ok(bob.sent.filter((t) => t.startsWith('SIP/2.0 200')).length >= 2);
});

test.run();
