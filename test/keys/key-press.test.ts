// Short vs long presses from the timestamps passed in: scenarios as a table of inputs and the
// actions they must produce.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyPressTracker, type KeyAction } from '../../core/keys/key-press.js';
import { defaultKeyMap } from '../../core/keys/keymap.js';

const map = defaultKeyMap({ blfTargets: ['sip:bob@example.com'], longPressMs: 800 });
const BOB = 'sip:bob@example.com';

type Step =
  | readonly ['press', string, number]
  | readonly ['release', string, number]
  | readonly ['timeout', number];

interface Scenario {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly actions: readonly Pick<KeyAction, 'role' | 'command' | 'long' | 'at'>[];
}

const scenarios: readonly Scenario[] = [
  {
    name: 'short press on a BLF key opens the conversation on release',
    steps: [['press', 'key.blf.0', 1000], ['release', 'key.blf.0', 1200]],
    actions: [{ role: 'key.blf.0', command: { kind: 'open-conversation', target: BOB }, long: false, at: 1000 }],
  },
  {
    name: 'long press fires at the threshold while the key is still held',
    steps: [['press', 'key.blf.0', 1000], ['timeout', 1799], ['timeout', 1800], ['release', 'key.blf.0', 2500]],
    actions: [{ role: 'key.blf.0', command: { kind: 'show-contact', target: BOB }, long: true, at: 1800 }],
  },
  {
    name: 'a late release still counts as long when no timeout was handled in between',
    steps: [['press', 'key.blf.0', 1000], ['release', 'key.blf.0', 1900]],
    actions: [{ role: 'key.blf.0', command: { kind: 'show-contact', target: BOB }, long: true, at: 1800 }],
  },
  {
    name: 'exactly the threshold is long',
    steps: [['press', 'key.messages', 0], ['release', 'key.messages', 800]],
    actions: [{ role: 'key.messages', command: { kind: 'open-voicemail' }, long: true, at: 800 }],
  },
  {
    name: 'one millisecond short of the threshold is short',
    steps: [['press', 'key.messages', 0], ['release', 'key.messages', 799]],
    actions: [{ role: 'key.messages', command: { kind: 'open-inbox' }, long: false, at: 0 }],
  },
  {
    name: 'a key without a long-press command acts on press, not on release',
    steps: [['press', 'key.dnd', 500], ['release', 'key.dnd', 3000]],
    actions: [{ role: 'key.dnd', command: { kind: 'toggle-dnd' }, long: false, at: 500 }],
  },
  {
    name: 'auto-repeat presses while held are ignored',
    steps: [['press', 'key.dnd', 0], ['press', 'key.dnd', 50], ['press', 'key.dnd', 100], ['release', 'key.dnd', 150]],
    actions: [{ role: 'key.dnd', command: { kind: 'toggle-dnd' }, long: false, at: 0 }],
  },
  {
    name: 'auto-repeat does not restart the long-press clock',
    steps: [['press', 'key.blf.0', 0], ['press', 'key.blf.0', 700], ['timeout', 800]],
    actions: [{ role: 'key.blf.0', command: { kind: 'show-contact', target: BOB }, long: true, at: 800 }],
  },
  {
    name: 'release without press and unbound keys do nothing',
    steps: [['release', 'key.blf.0', 10], ['press', 'key.volume-up', 20], ['release', 'key.volume-up', 30]],
    actions: [],
  },
  {
    name: 'a clock that went backwards makes a short press',
    steps: [['press', 'key.presence', 5000], ['release', 'key.presence', 4000]],
    actions: [{ role: 'key.presence', command: { kind: 'cycle-presence', values: ['available', 'away', 'busy'] }, long: false, at: 5000 }],
  },
  {
    name: 'two keys held together are tracked separately',
    steps: [['press', 'key.blf.0', 0], ['press', 'key.presence', 100], ['release', 'key.presence', 300], ['timeout', 900], ['release', 'key.blf.0', 1000]],
    actions: [
      { role: 'key.presence', command: { kind: 'cycle-presence', values: ['available', 'away', 'busy'] }, long: false, at: 100 },
      { role: 'key.blf.0', command: { kind: 'show-contact', target: BOB }, long: true, at: 800 },
    ],
  },
  {
    name: 'the same key pressed again after release starts a new press',
    steps: [['press', 'key.messages', 0], ['release', 'key.messages', 100], ['press', 'key.messages', 200], ['timeout', 1000], ['release', 'key.messages', 1100]],
    actions: [
      { role: 'key.messages', command: { kind: 'open-inbox' }, long: false, at: 0 },
      { role: 'key.messages', command: { kind: 'open-voicemail' }, long: true, at: 1000 },
    ],
  },
];

function run(tracker: KeyPressTracker, steps: readonly Step[]): KeyAction[] {
  const out: KeyAction[] = [];
  for (const step of steps) {
    if (step[0] === 'press') tracker.handlePress(step[1], step[2]);
    else if (step[0] === 'release') tracker.handleRelease(step[1], step[2]);
    else tracker.handleTimeout(step[1]);
    for (let a = tracker.pollAction(); a !== null; a = tracker.pollAction()) out.push(a);
  }
  return out;
}

for (const s of scenarios) {
  test(s.name, () => {
    assert.equal(run(new KeyPressTracker(map), s.steps), s.actions);
  });
}

test('pollTimeout: the earliest long-press deadline of held keys with a long command', () => {
  const t = new KeyPressTracker(map);
  assert.is(t.pollTimeout(), -1);
  t.handlePress('key.dnd', 0); // no long command: no deadline
  assert.is(t.pollTimeout(), -1);
  t.handlePress('key.messages', 300);
  t.handlePress('key.blf.0', 100);
  assert.is(t.pollTimeout(), 900);
  t.handleTimeout(900);
  assert.is(t.pollTimeout(), 1100, 'the fired key no longer counts');
  t.handleRelease('key.messages', 1000);
  assert.is(t.pollTimeout(), -1, 'released before its deadline: nothing left to wait for');
  assert.equal(t.pollAction()!.command, { kind: 'toggle-dnd' });
  assert.equal(t.pollAction()!.command, { kind: 'show-contact', target: BOB });
  assert.equal(t.pollAction()!.command, { kind: 'open-inbox' });
  assert.is(t.pollAction(), null);
});

test('isHeld follows the key', () => {
  const t = new KeyPressTracker(map);
  t.handlePress('key.blf.0', 0);
  assert.ok(t.isHeld('key.blf.0'));
  t.handleTimeout(1000);
  assert.ok(t.isHeld('key.blf.0'), 'still held after the long press fired');
  t.handleRelease('key.blf.0', 1200);
  assert.not.ok(t.isHeld('key.blf.0'));
  assert.not.ok(t.isHeld('key.nothing'));
});

test('counters: unbound presses, and actions dropped when nobody drains the queue', () => {
  const t = new KeyPressTracker(map, 2);
  t.handlePress('key.volume-up', 0);
  assert.is(t.unboundPresses, 1);
  for (let i = 0; i < 3; i++) {
    t.handlePress('key.dnd', i * 10);
    t.handleRelease('key.dnd', i * 10 + 5);
  }
  assert.is(t.droppedActions, 1);
  assert.ok(t.pollAction());
  assert.ok(t.pollAction());
  assert.is(t.pollAction(), null);
});

test('setKeyMap: new BLF targets take effect for the next press', () => {
  const t = new KeyPressTracker(map);
  t.setKeyMap(defaultKeyMap({ blfTargets: ['sip:dave@example.com'] }));
  t.handlePress('key.blf.0', 0);
  t.handleRelease('key.blf.0', 10);
  assert.equal(t.pollAction()!.command, { kind: 'open-conversation', target: 'sip:dave@example.com' });
});

test.run();
