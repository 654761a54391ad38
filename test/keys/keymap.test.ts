// The default key map as a table: role → short / long command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  defaultKeyMap, findBinding, blfBindings, IDLE_SOFT_KEYS, DEFAULT_LONG_PRESS_MS,
} from '../../core/keys/keymap.js';
import { sameCommand, type AppCommand } from '../../core/keys/commands.js';

const blfTargets = ['sip:bob@example.com', '', 'sip:carol@example.com'];
const map = defaultKeyMap({ blfTargets });

const table: ReadonlyArray<readonly [string, AppCommand | null, AppCommand | null]> = [
  ['key.blf.0', { kind: 'open-conversation', target: 'sip:bob@example.com' }, { kind: 'show-contact', target: 'sip:bob@example.com' }],
  ['key.blf.2', { kind: 'open-conversation', target: 'sip:carol@example.com' }, { kind: 'show-contact', target: 'sip:carol@example.com' }],
  ['key.dnd', { kind: 'toggle-dnd' }, null],
  ['key.presence', { kind: 'cycle-presence', values: ['available', 'away', 'busy'] }, { kind: 'set-presence', value: 'available' }],
  ['key.messages', { kind: 'open-inbox' }, { kind: 'open-voicemail' }],
  ['key.soft.0', { kind: 'set-presence', value: 'available' }, null],
  ['key.soft.1', { kind: 'set-presence', value: 'away' }, null],
  ['key.soft.2', { kind: 'set-presence', value: 'busy' }, null],
  ['key.soft.3', { kind: 'toggle-dnd' }, null],
];

for (const [role, press, longPress] of table) {
  test(`default map: ${role}`, () => {
    const b = findBinding(map, role);
    assert.ok(b, `${role} is bound`);
    assert.equal(b!.press, press);
    assert.equal(b!.longPress, longPress);
  });
}

test('default map: an empty BLF target leaves that key unbound; unknown roles are unbound', () => {
  assert.is(findBinding(map, 'key.blf.1'), undefined);
  assert.is(findBinding(map, 'key.blf.3'), undefined);
  assert.is(findBinding(map, 'key.volume-up'), undefined);
});

test('default map: long-press threshold and soft key labels', () => {
  assert.is(map.longPressMs, DEFAULT_LONG_PRESS_MS);
  assert.equal(IDLE_SOFT_KEYS.map((k) => k.label), ['Avail', 'Away', 'Busy', 'DND']);
  assert.is(defaultKeyMap({ blfTargets: [], longPressMs: 1200 }).longPressMs, 1200);
});

test('overrides: a later binding for the same role wins', () => {
  const custom = defaultKeyMap({
    blfTargets,
    overrides: [{ role: 'key.dnd', press: { kind: 'set-presence', value: 'dnd' }, longPress: { kind: 'set-presence', value: 'available' } }],
  });
  assert.equal(findBinding(custom, 'key.dnd')!.press, { kind: 'set-presence', value: 'dnd' });
});

test('custom soft keys', () => {
  const custom = defaultKeyMap({ blfTargets: [], softKeys: [{ label: 'Inbox', command: { kind: 'open-inbox' } }] });
  assert.equal(findBinding(custom, 'key.soft.0')!.press, { kind: 'open-inbox' });
  assert.is(findBinding(custom, 'key.soft.1'), undefined);
});

test('blfBindings numbers keys by their index in the target list', () => {
  assert.equal(blfBindings(['', 'sip:x@y']).map((b) => b.role), ['key.blf.1']);
});

test('sameCommand compares by value', () => {
  assert.ok(sameCommand({ kind: 'toggle-dnd' }, { kind: 'toggle-dnd' }));
  assert.ok(sameCommand({ kind: 'set-presence', value: 'busy' }, { kind: 'set-presence', value: 'busy' }));
  assert.not.ok(sameCommand({ kind: 'set-presence', value: 'busy' }, { kind: 'set-presence', value: 'away' }));
  assert.ok(sameCommand({ kind: 'cycle-presence', values: ['away', 'busy'] }, { kind: 'cycle-presence', values: ['away', 'busy'] }));
  assert.not.ok(sameCommand({ kind: 'cycle-presence', values: ['away', 'busy'] }, { kind: 'cycle-presence', values: ['away'] }));
  assert.not.ok(sameCommand({ kind: 'open-conversation', target: 'a' }, { kind: 'show-contact', target: 'a' }));
});

test.run();
