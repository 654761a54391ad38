// Key maps from configuration JSON: good files give the map, bad ones one readable error per
// problem, each naming its path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadKeyMap } from '../../core/keys/keymap-codec.js';
import { findBinding, DEFAULT_LONG_PRESS_MS } from '../../core/keys/keymap.js';

test('an empty configuration is the default map', () => {
  const r = loadKeyMap({});
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.val.longPressMs, DEFAULT_LONG_PRESS_MS);
  assert.equal(findBinding(r.val, 'key.dnd')!.press, { kind: 'toggle-dnd' });
  assert.equal(findBinding(r.val, 'key.soft.2')!.press, { kind: 'set-presence', value: 'busy' });
  assert.ok(loadKeyMap(undefined).ok);
});

test('BLF targets, soft keys, long-press time and per-role overrides', () => {
  const r = loadKeyMap({
    longPressMs: 600,
    blf: ['sip:bob@example.com', '', 'sips:carol@example.com'],
    softKeys: [{ label: 'Inbox', command: { kind: 'open-inbox' } }],
    bindings: [
      { role: 'key.dnd', press: { kind: 'set-presence', value: 'dnd' }, longPress: { kind: 'set-presence', value: 'available' } },
      { role: 'key.messages', press: null },
    ],
  });
  assert.ok(r.ok);
  if (!r.ok) return;
  const map = r.val;
  assert.is(map.longPressMs, 600);
  assert.equal(findBinding(map, 'key.blf.2')!.press, { kind: 'open-conversation', target: 'sips:carol@example.com' });
  assert.is(findBinding(map, 'key.blf.1'), undefined);
  assert.equal(findBinding(map, 'key.soft.0')!.press, { kind: 'open-inbox' });
  assert.is(findBinding(map, 'key.soft.1'), undefined);
  assert.equal(findBinding(map, 'key.dnd')!.longPress, { kind: 'set-presence', value: 'available' });
  assert.equal(findBinding(map, 'key.messages'), { role: 'key.messages', press: null, longPress: null });
});

const bad: ReadonlyArray<readonly [string, unknown, readonly string[]]> = [
  ['not an object', [], ['(root): expected a key map (an object), got []']],
  ['unknown top-level property (a typo)', { longpressMs: 700 }, ['longpressMs: unknown property, got 700']],
  ['long-press time out of range', { longPressMs: 10 }, ['longPressMs: expected an integer from 200 to 5000 (ms), got 10']],
  ['BLF target not a SIP URI', { blf: ['sip:ok@x', 'bob'] }, ['blf[1]: expected a sip: URI or "" (unbound), got "bob"']],
  ['unknown presence value', { bindings: [{ role: 'key.dnd', press: { kind: 'set-presence', value: 'lunch' } }] },
    ['bindings[0].press.value: expected "available"|"away"|"busy"|"dnd"|"offline", got "lunch"']],
  ['unknown role', { bindings: [{ role: 'key.foo' }] },
    ['bindings[0].role: expected a key role like "key.blf.3", "key.dnd", "key.soft.0", got "key.foo"']],
  ['unknown command kind', { softKeys: [{ label: 'X', command: { kind: 'dial' } }] },
    ['softKeys[0].command.kind: expected "toggle-dnd"|"set-presence"|"cycle-presence"|"open-conversation"|"show-contact"|"open-inbox"|"open-voicemail", got "dial"']],
  ['a field another kind has', { bindings: [{ role: 'key.blf.0', press: { kind: 'toggle-dnd', target: 'sip:a@b' } }] },
    ['bindings[0].press.target: unknown property for "toggle-dnd", got "sip:a@b"']],
  ['missing field', { bindings: [{ role: 'key.blf.0', longPress: { kind: 'show-contact' } }] },
    ['bindings[0].longPress.target: expected a sip: or sips: URI, got nothing']],
  ['several problems, all reported', { longPressMs: 'slow', softKeys: [{ label: 'A very long soft key label', command: { kind: 'open-inbox' } }, 3] },
    [
      'longPressMs: expected an integer from 200 to 5000 (ms), got "slow"',
      'softKeys[0].label: expected a label of at most 16 characters, got "A very long soft key label"',
      'softKeys[1]: expected a soft key (an object), got 3',
    ]],
];

for (const [name, json, errors] of bad) {
  test(`refused: ${name}`, () => {
    const r = loadKeyMap(json);
    assert.not.ok(r.ok);
    if (r.ok) return;
    assert.equal(r.val, errors);
  });
}

test.run();
