// Two simulated phones over real loopback UDP, peer to peer, through core/ua (subscriber and
// notifier side, MESSAGE): the same path `hardphone sim` runs,
// without the browser. Every wait is bounded; sessions are closed in finally.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { SimSession, describeLamp } from '../../tools/sim/session.js';
import { UaLink } from '../../tools/sim/ua-link.js';
import { waitFor } from './helpers.js';

const lampOf = (s: SimSession, phone: string, role: string): string => {
  const l = s.phone(phone)!.lamps.get(role);
  return l === undefined ? 'none' : describeLamp(l);
};

test('peer to peer: each phone watches the other; busy, IM, ringing and DND follow within a second', async () => {
  const log: string[] = [];
  const s = await SimSession.start({ registrar: null, log: (l) => log.push(l) });
  try {
    const alice = s.phone('alice')!;
    const bob = s.phone('bob')!;
    assert.match(alice.link.aor, /^sip:alice@127\.0\.0\.1:\d+$/);
    await waitFor('both BLF lamps green', () => lampOf(s, 'alice', 'led.blf.0') === 'green' && lampOf(s, 'bob', 'led.blf.0') === 'green');
    assert.is(alice.input.registration, 'registered');

    alice.setPresence('busy', s.now());
    await waitFor('bob\'s lamp for alice red', () => lampOf(s, 'bob', 'led.blf.0') === 'red', 1000);
    assert.ok(log.some((l) => /^alice: presence busy → bob's lamp led\.blf\.0 red$/.test(l)), `log:\n${log.join('\n')}`);

    const id = alice.sendIm('hello bob ✓', s.now());
    assert.type(id, 'number');
    await waitFor('the IM on bob\'s display', () => bob.screen().some((l) => l.includes('hello bob ✓')), 1000);
    await waitFor('alice\'s IM accepted', () => log.some((l) => l.startsWith(`alice: IM ${id} delivered`)), 1000);

    bob.ring('Carol', s.now());
    await waitFor('alice\'s lamp for bob fast-blinking', () => lampOf(s, 'alice', 'led.blf.0') === 'red fast-blink 200/200 ms', 1000);
    bob.takeCall(s.now());
    await waitFor('alice\'s lamp for bob solid red (talking)', () => alice.input.blf[0]!.state === 'talking', 1000);
    bob.hangUp(s.now());
    await waitFor('alice\'s lamp for bob green again', () => lampOf(s, 'alice', 'led.blf.0') === 'green', 1000);

    alice.setPresence('dnd', s.now());
    await waitFor('bob sees alice as DND', () => bob.watched[0]!.presence === 'dnd', 1000);
    await waitFor('alice\'s DND lamp red', () => lampOf(s, 'alice', 'led.dnd') === 'red', 1000);
  } finally {
    await s.close();
  }
  assert.ok(log.includes('all phones shut down'));
  assert.ok(log.some((l) => l.includes('stopped watching our presence')), 'shutdown unsubscribed');
});

test('close: subscriptions ended on both sides, sockets released (a second close is harmless)', async () => {
  const s = await SimSession.start({ registrar: null });
  const links = s.phones.map((p) => p.link as UaLink);
  try {
    await waitFor('both notifiers have two watchers', () => links.every((l) => l.watcherCount === 2));
  } finally {
    const started = Date.now();
    await s.close();
    assert.ok(Date.now() - started < 2500, 'close is bounded');
  }
  for (const l of links) assert.is(l.userAgent.watcherRecords, 0, 'no watcher left behind');
  await s.close();
});

test('refresh: with Expires 2 the subscriptions are refreshed in their dialogs (RFC 5839: 204, no repeated NOTIFY) and keep delivering', async () => {
  const a = await UaLink.open({ user: 'alice', address: '127.0.0.1', port: 0, registrar: null, expires: 2 });
  const b = await UaLink.open({ user: 'bob', address: '127.0.0.1', port: 0, registrar: null, expires: 2 });
  const seen: string[] = [];
  const bobNotes: string[] = [];
  try {
    await a.start((e) => { if (e.kind === 'presence') seen.push(e.status); if (e.kind === 'watch-lost') seen.push(`lost ${e.event}`); });
    await b.start((e) => { if (e.kind === 'note') bobNotes.push(e.text); });
    a.watch(b.aor);
    await waitFor('first NOTIFY', () => seen.length > 0, 2000);
    await new Promise((r) => setTimeout(r, 3500)); // past the 2 s expiry, more than once
    assert.is(b.watcherCount, 2, 'both subscriptions still live at the notifier');
    // Refreshed, not expired: an expiry would end the subscription (a note at bob) and alice would
    // subscribe afresh (a second 'available'). The refreshes carry Suppress-If-Match with the last
    // SIP-ETag, so bob answers 204 and sends no NOTIFY for state alice already has.
    assert.not.ok(bobNotes.some((n) => n.includes('stopped watching')), bobNotes.join('\n'));
    assert.equal(seen, ['available'], `no repeated NOTIFY of unchanged state: ${seen.join(', ')}`);
    b.setPresence({ value: 'away', note: '', onThePhone: false });
    await waitFor('away after the refreshes', () => seen.includes('away'), 1000);
    assert.not.ok(seen.some((x) => x.startsWith('lost')), seen.join(', '));
  } finally {
    await a.close();
    await b.close();
  }
});

test('UA notifier: SUBSCRIBE for an event it does not serve → 489 with Allow-Events; a stray in-dialog one → 481', async () => {
  const link = await UaLink.open({ user: 'carol', address: '127.0.0.1', port: 0, registrar: null });
  await link.start(() => {});
  const sock = createSocket('udp4');
  try {
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const port = sock.address().port;
    const answers: string[] = [];
    sock.on('message', (m) => answers.push(m.toString('utf8')));
    const subscribe = (event: string, toTag: string, n: number): Buffer => Buffer.from(
      `SUBSCRIBE ${link.aor} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKtest${n}\r\nMax-Forwards: 70\r\n` +
      `From: <sip:probe@127.0.0.1:${port}>;tag=p${n}\r\nTo: <${link.aor}>${toTag}\r\nCall-ID: probe${n}@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\n` +
      `Contact: <sip:probe@127.0.0.1:${port}>\r\nEvent: ${event}\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n`);
    sock.send(subscribe('conference', '', 1), link.port, '127.0.0.1');
    await waitFor('489', () => answers.some((a) => a.startsWith('SIP/2.0 489')), 2000);
    // Allow-Events lists every package the UA handles, as subscriber or notifier (RFC 6665 §8.2.2).
    assert.match(answers.find((a) => a.startsWith('SIP/2.0 489'))!, /\r\nAllow-Events: presence, presence\.winfo, dialog, message-summary\r\n/);
    sock.send(subscribe('presence', ';tag=nosuch', 2), link.port, '127.0.0.1');
    await waitFor('481', () => answers.some((a) => a.startsWith('SIP/2.0 481')), 2000);
    sock.send(subscribe('presence', '', 3), link.port, '127.0.0.1');
    await waitFor('200 and a NOTIFY with a PIDF', () => answers.some((a) => a.startsWith('SIP/2.0 200')) && answers.some((a) => a.startsWith('NOTIFY ')), 2000);
    const notify = answers.find((a) => a.startsWith('NOTIFY '))!;
    assert.match(notify, /\r\nSubscription-State: active;expires=60\r\n/);
    assert.match(notify, /\r\nContent-Type: application\/pidf\+xml\r\n/);
    assert.match(notify, /<basic>open<\/basic>/);
  } finally {
    sock.close();
    await link.close();
  }
});

test.run();
