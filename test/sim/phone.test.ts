// The simulated phone model without a browser or sockets: two SimPhones joined by MemoryLinks
// (real PIDF / dialog-info bytes written and read back), virtual time. What one user does must
// reach the other phone's lamps and display through the indicator engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinBoard } from '../../boards/registry.js';
import type { Board } from '../../boards/normalize.js';
import { SimPhone, combinedBlfState, wrap, userHost, type PhoneChange } from '../../tools/sim/phone.js';
import { MemoryHub } from '../../tools/sim/memory-link.js';
import { describeLamp } from '../../tools/sim/session.js';

const board = builtinBoard('sim-desk').unwrap() as Board;

async function pair(): Promise<{ hub: MemoryHub; alice: SimPhone; bob: SimPhone; run: (ms?: number) => void; t: () => number; changes: string[] }> {
  const hub = new MemoryHub();
  const aLink = hub.link('sip:alice@127.0.0.1:5071');
  const bLink = hub.link('sip:bob@127.0.0.1:5072');
  const alice = new SimPhone({ name: 'alice', identity: 'Alice', board, blf: [{ label: 'Bob', uri: bLink.aor }], link: aLink });
  const bob = new SimPhone({ name: 'bob', identity: 'Bob', board, blf: [{ label: 'Alice', uri: aLink.aor }], link: bLink });
  const changes: string[] = [];
  const listen = (p: SimPhone, c: PhoneChange): void => {
    if (c.kind === 'action') changes.push(`${p.name}: ${c.text}`);
    if (c.kind === 'lamp') changes.push(`${p.name}: ${c.role} ${describeLamp(c.state)}`);
  };
  alice.onChange(listen);
  bob.onChange(listen);
  let now = 1000;
  const clock = (): number => now;
  await alice.start(clock);
  await bob.start(clock);
  const run = (ms = 100): void => {
    hub.flush();
    now += ms;
    alice.tick(now);
    bob.tick(now);
  };
  run();
  return { hub, alice, bob, run, t: clock, changes };
}

const lamp = (p: SimPhone, role: string): string => describeLamp(p.lamps.get(role)!);

test('start: each phone registered, the colleague available and idle → BLF key 0 solid green', async () => {
  const { alice, bob } = await pair();
  assert.is(lamp(alice, 'led.blf.0'), 'green');
  assert.is(lamp(bob, 'led.blf.0'), 'green');
  assert.is(lamp(alice, 'led.blf.1'), 'off', 'an unassigned key stays off');
  assert.is(lamp(alice, 'led.mwi'), 'off');
  assert.is(alice.screen()[0], 'Alice             OK');
  assert.is(alice.screen()[1]!.trim(), 'Available');
  assert.is(alice.screen().length, 4);
  assert.ok(alice.screen().every((l) => l.length === 20), 'every display line is 20 characters');
});

test('alice sets busy → bob\'s lamp for alice turns solid red; available → green again', async () => {
  const { alice, bob, run, changes, t } = await pair();
  alice.setPresence('busy', t());
  run();
  assert.is(lamp(bob, 'led.blf.0'), 'red');
  assert.ok(changes.includes('alice: presence busy'));
  assert.ok(changes.includes('bob: led.blf.0 red'));
  assert.is(alice.screen()[1]!.trim(), 'Busy');
  alice.setPresence('available', t());
  run();
  assert.is(lamp(bob, 'led.blf.0'), 'green');
});

test('DND key: alice\'s DND lamp lights, bob sees red; the key again restores the previous presence', async () => {
  const { alice, bob, run, t } = await pair();
  alice.setPresence('away', t());
  run();
  alice.press('key.dnd', t());
  alice.release('key.dnd', t());
  run();
  assert.is(alice.presenceValue, 'dnd');
  assert.is(lamp(alice, 'led.dnd'), 'red');
  assert.is(lamp(bob, 'led.blf.0'), 'red');
  assert.is(bob.watched[0]!.presence, 'dnd', 'DND read back from <rpid:other>, not just busy');
  assert.is(alice.screen()[1]!.trim(), 'Do not disturb');
  alice.press('key.dnd', t());
  alice.release('key.dnd', t());
  run();
  assert.is(alice.presenceValue, 'away');
  assert.is(lamp(alice, 'led.dnd'), 'off');
});

test('soft keys: F3 is "Busy" on the idle screen; the bottom display row labels them', async () => {
  const { alice, bob, run, t } = await pair();
  assert.match(alice.screen()[3]!, /Busy/);
  alice.press('key.soft.2', t());
  alice.release('key.soft.2', t());
  run();
  assert.is(alice.presenceValue, 'busy');
  assert.is(lamp(bob, 'led.blf.0'), 'red');
});

test('bob rings, takes the call, hangs up: alice\'s lamp blinks fast red with the caller shown, then solid red, then green', async () => {
  const { alice, bob, run, t } = await pair();
  bob.ring('Carol', t());
  run();
  const ringing = alice.lamps.get('led.blf.0')!;
  assert.equal([ringing.pattern, ringing.color, ringing.onMs, ringing.offMs], ['fast-blink', 'red', 200, 200]);
  assert.ok(alice.screen().some((l) => l.startsWith('Carol > Bob')), `alert line: ${JSON.stringify(alice.screen())}`);
  bob.takeCall(t());
  run();
  assert.is(lamp(alice, 'led.blf.0'), 'red');
  assert.is(alice.input.blf[0]!.state, 'talking');
  bob.hangUp(t());
  run();
  assert.is(lamp(alice, 'led.blf.0'), 'green');
});

test('IM: alice → bob shows on bob\'s display, MWI blinks; the Messages key reads it and the lamp goes off', async () => {
  const { alice, bob, run, t } = await pair();
  const id = alice.sendIm('lunch at noon? the usual place', t());
  assert.type(id, 'number');
  run();
  const screen = bob.screen();
  assert.match(screen[0]!, /^IM Alice +1 new$/);
  assert.is(screen[1], 'lunch at noon? the  ');
  assert.is(screen[2], 'usual place         ');
  const mwi = bob.lamps.get('led.mwi')!;
  assert.equal([mwi.pattern, mwi.color], ['slow-blink', 'red']);
  bob.press('key.messages', t());
  bob.release('key.messages', t());
  run();
  assert.is(bob.input.unreadIm, 0);
  assert.is(bob.view, 'status');
  assert.is(lamp(bob, 'led.mwi'), 'off');
  assert.is(alice.sendIm('   ', t()), 'empty message');
  assert.is(alice.sendIm('x', t(), 5), 'BLF key 5 watches nobody');
});

test('BLF key: a long press shows the contact, a short one picks the IM target; the contact view times out', async () => {
  const { alice, t } = await pair();
  const t0 = t();
  alice.press('key.blf.0', t0);
  alice.tick(t0 + 500);
  assert.is(alice.view, 'status', 'not long yet at 500 ms');
  alice.tick(t0 + 900); // held past 800 ms: the long press (show-contact) fires
  assert.is(alice.view, 'contact');
  alice.release('key.blf.0', t0 + 1000);
  assert.ok(alice.screen()[0]!.startsWith('Bob'));
  assert.match(alice.screen()[1]!, /Available/);
  assert.match(alice.screen()[2]!, /Line: idle/);
  alice.tick(t0 + 1000 + 4100);
  assert.is(alice.view, 'status', 'contact view closes after 4 s');
  alice.imTarget = 3;
  alice.press('key.blf.0', t0 + 6000);
  alice.release('key.blf.0', t0 + 6100);
  assert.is(alice.imTarget, 0, 'short press: IMs go to this key\'s colleague');
  assert.is(alice.view, 'contact');
});

test('colleague goes offline → lamp off; the link closing → unknown (off), never idle green', async () => {
  const { alice, bob, run, hub, t } = await pair();
  bob.setPresence('offline', t());
  run();
  assert.is(lamp(alice, 'led.blf.0'), 'off');
  bob.setPresence('available', t());
  run();
  assert.is(lamp(alice, 'led.blf.0'), 'green');
  await bob.link.close();
  hub.flush();
  run();
  assert.is(alice.input.blf[0]!.state, 'unknown');
  assert.is(lamp(alice, 'led.blf.0'), 'off');
});

test('combinedBlfState: the dialog wins when in use, presence otherwise', () => {
  assert.is(combinedBlfState('available', 'ringing'), 'ringing');
  assert.is(combinedBlfState('busy', 'idle'), 'talking');
  assert.is(combinedBlfState('dnd', 'unknown'), 'talking');
  assert.is(combinedBlfState('available', 'unknown'), 'idle');
  assert.is(combinedBlfState('away', 'idle'), 'idle');
  assert.is(combinedBlfState('offline', 'idle'), 'unknown');
  assert.is(combinedBlfState('unknown', 'idle'), 'idle');
  assert.is(combinedBlfState('unknown', 'unknown'), 'unknown');
});

test('wrap and userHost', () => {
  assert.equal(wrap('a verylongwordthatdoesnotfit here', 10, 3), ['a         ', 'verylongwo', 'rdthatdoes']);
  assert.equal(wrap('', 5, 2), ['     ', '     ']);
  assert.is(userHost('<sip:Bob@127.0.0.1:5072;transport=udp>'), 'bob@127.0.0.1');
  assert.is(userHost('sip:127.0.0.1:5060'), '127.0.0.1');
});

test.run();
