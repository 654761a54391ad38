// RFC 4235 dialog state + direction (+ hold hint) → BLF key state, as the device notes §1.2 table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  blfStateOfDialog, mostUrgentBlfState, type BlfState, type DialogDirection, type DialogState,
} from '../../core/indicators/index.js';

const CASES: [DialogState, DialogDirection, boolean, BlfState][] = [
  ['trying', 'initiator', false, 'dialling'],
  ['proceeding', 'initiator', false, 'dialling'],
  ['early', 'initiator', false, 'dialling'],
  ['trying', 'recipient', false, 'ringing'],
  ['proceeding', 'recipient', false, 'ringing'],
  ['early', 'recipient', false, 'ringing'],
  ['early', 'unspecified', false, 'ringing'],
  ['confirmed', 'initiator', false, 'talking'],
  ['confirmed', 'recipient', false, 'talking'],
  ['confirmed', 'recipient', true, 'held'],
  ['terminated', 'recipient', false, 'idle'],
  ['terminated', 'initiator', true, 'idle'],
  ['early', 'recipient', true, 'ringing'],
];

for (const [state, direction, held, expected] of CASES) {
  test(`${state} ${direction}${held ? ' held' : ''} → ${expected}`, () => {
    assert.is(blfStateOfDialog(state, direction, held), expected);
  });
}

test('several dialogs on one key: the most urgent wins; none at all is idle', () => {
  assert.is(mostUrgentBlfState([]), 'idle');
  assert.is(mostUrgentBlfState(['talking', 'ringing']), 'ringing');
  assert.is(mostUrgentBlfState(['held', 'talking']), 'talking');
  assert.is(mostUrgentBlfState(['idle', 'held']), 'held');
  assert.is(mostUrgentBlfState(['unknown', 'idle']), 'idle');
});

test.run();
