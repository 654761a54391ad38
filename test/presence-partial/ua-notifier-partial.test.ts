// Both ends of partial presence (RFC 5263) with two UAs in memory and virtual time: bob serves his
// presence with partialPresenceNotifierModule, alice tracks it with partial PIDF on. Alice's
// SUBSCRIBE accepts application/pidf-diff+xml, so bob sends pidf-full first, then pidf-diffs of the
// PIDFs his application publishes, and pidf-full again after a refresh; a watcher that does not
// accept pidf-diff gets the PIDF as it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryNet, enc } from '../ua/memory-net.js';
import { partialPresenceNotifierModule } from '../../core/ua/index.js';
import { PresenceStates, PresenceDisplay } from '../../core/presence/index.js';
import { partialPidfModule } from '../../core/presence/partial/partial-pidf.js';

const BOB_AOR = 'sip:bob@10.0.0.2:5070';
const ROOT = '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@10.0.0.2">';
const pidf = (basic: string, activity?: string, note?: string): Uint8Array => enc(`<?xml version="1.0" encoding="UTF-8"?>\n${ROOT}` +
  `<tuple id="desk"><status><basic>${basic}</basic></status><contact>sip:bob@10.0.0.2:5070</contact></tuple>` +
  `<tuple id="im"><status><basic>open</basic></status></tuple>` +
  (activity !== undefined ? `<dm:person id="bob"><rpid:activities><rpid:${activity}/></rpid:activities>${note !== undefined ? `<dm:note>${note}</dm:note>` : ''}</dm:person>` : '') +
  '</presence>');

const header = (msg: string, name: string) => new RegExp(`\\r\\n${name}: ([^\\r\\n]*)`).exec(msg)?.[1];
const body = (msg: string) => msg.slice(msg.indexOf('\r\n\r\n') + 4);

function setup() {
  const net = new MemoryNet();
  const alice = net.addUa({ aor: 'sip:alice@10.0.0.1', registrar: null, localAddress: '10.0.0.1', localPort: 5060 }, 11);
  const carol = net.addUa({ aor: 'sip:carol@10.0.0.3', registrar: null, localAddress: '10.0.0.3', localPort: 5060 }, 33);
  const bob = net.addUa({ aor: BOB_AOR, registrar: null, localAddress: '10.0.0.2', localPort: 5070 }, 22);
  bob.ua.enableNotifier(partialPresenceNotifierModule);
  assert.ok(bob.ua.serve('presence').ok);
  const aliceStates = new PresenceStates({ maxStates: 4, partialDocumentBytes: 2048, partialPidf: partialPidfModule });
  alice.ua.trackPresence(aliceStates);
  const carolStates = new PresenceStates({ maxStates: 4 });
  carol.ua.trackPresence(carolStates);
  return { net, alice, bob, carol, aliceStates, carolStates };
}

/** Bob's application publishes a new PIDF (the host drains after every command). */
function publish(bob: ReturnType<typeof setup>['bob'], net: MemoryNet, doc: Uint8Array): void {
  assert.ok(bob.ua.notify('presence', 'application/pidf+xml', doc, net.now).ok);
  bob.drain();
  net.run(100);
}

const notifiesTo = (sent: string[], ip: string) => sent.filter((s) => s.startsWith(`NOTIFY sip:`) && s.includes(`@${ip}`));

test('pidf-full first, pidf-diffs after, full again after a refresh; the watcher\'s state follows bob\'s PIDFs', () => {
  const { net, alice, bob, aliceStates } = setup();
  assert.ok(bob.ua.notify('presence', 'application/pidf+xml', pidf('open'), net.now).ok);
  const id = alice.ua.subscribe(BOB_AOR, 'presence', net.now).unwrap();
  alice.drain();
  net.run(100);
  const subscribe = alice.sent.find((s) => s.startsWith('SUBSCRIBE '))!;
  assert.match(header(subscribe, 'Accept')!, /^application\/pidf-diff\+xml, application\/pidf\+xml/);
  let notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.is(notifies.length, 1);
  assert.is(header(notifies[0]!, 'Content-Type'), 'application/pidf-diff+xml');
  assert.match(body(notifies[0]!), /^<p:pidf-full xmlns="urn:ietf:params:xml:ns:pidf" .* version="0">/);
  assert.is(aliceStates.get(id)!.display, PresenceDisplay.Available);

  // Bob's application publishes new PIDFs; alice gets diffs (only what changed) and follows.
  publish(bob, net, pidf('open', 'on-the-phone', 'On a call'));
  notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.is(notifies.length, 2);
  const d1 = body(notifies[1]!);
  assert.match(d1, /^<p:pidf-diff [^>]* version="1"><p:add sel="\*"><dm:person id="bob">/);
  assert.not.ok(d1.includes('<tuple'), 'unchanged tuples are not sent again');
  assert.is(aliceStates.get(id)!.display, PresenceDisplay.OnThePhone);
  assert.is(aliceStates.get(id)!.noteText(), 'On a call');

  publish(bob, net, pidf('closed', 'on-the-phone', 'On a call'));
  notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.match(body(notifies[2]!), /version="2"><p:replace sel="\*\/tuple\[@id='desk'\]"><tuple id="desk"><status><basic>closed/);
  publish(bob, net, pidf('closed'));
  notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.match(body(notifies[3]!), /version="3"><p:remove sel="\*\/dm:person\[@id='bob'\]"\/><\/p:pidf-diff>$/);
  assert.is(aliceStates.get(id)!.display, PresenceDisplay.Available, 'the im tuple is still open');
  assert.not.ok(alice.events.some((e) => e.kind === 'warning'), 'no gap, nothing refused');

  // RFC 5263: after a refresh, full state again (a watcher refreshes when it lost track).
  assert.ok(alice.ua.refreshSubscription(id, net.now).ok);
  alice.drain();
  net.run(100);
  notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.is(notifies.length, 5);
  assert.match(body(notifies[4]!), /^<p:pidf-full [^>]* version="4">/);
  publish(bob, net, pidf('open'));
  notifies = notifiesTo(bob.sent, '10.0.0.1');
  assert.match(body(notifies[5]!), /^<p:pidf-diff [^>]* version="5">/);
  assert.is(aliceStates.get(id)!.display, PresenceDisplay.Available);
});

test('a watcher that does not accept pidf-diff gets the PIDF as the application gave it', () => {
  const { net, bob, carol, carolStates } = setup();
  assert.ok(bob.ua.notify('presence', 'application/pidf+xml', pidf('open', 'busy'), net.now).ok);
  const id = carol.ua.subscribe(BOB_AOR, 'presence', net.now).unwrap();
  carol.drain();
  net.run(100);
  publish(bob, net, pidf('closed'));
  const notifies = notifiesTo(bob.sent, '10.0.0.3');
  assert.is(notifies.length, 2);
  for (const n of notifies) {
    assert.is(header(n, 'Content-Type'), 'application/pidf+xml');
    assert.ok(body(n).startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<presence '));
  }
  assert.is(carolStates.get(id)!.display, PresenceDisplay.Available, 'open im tuple, no person');
});

test.run();
