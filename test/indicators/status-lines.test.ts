// Display lines: exact text for representative states and geometries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusLines, fitText, fitPair, spreadLabels } from '../../core/indicators/index.js';
import { quietInput } from './helpers.js';

test('fitText cuts and pads to exactly the width, by code point', () => {
  assert.is(fitText('abc', 5), 'abc  ');
  assert.is(fitText('abcdef', 4), 'abcd');
  assert.is(fitText('', 3), '   ');
  assert.is(fitText('x', 0), '');
  assert.is(fitText('a\u{1F600}b', 2), 'a\u{1F600}', 'an astral character is one column, never split');
  assert.is(fitText('a\r\nb\x1b[2J', 8), 'a  b [2J', 'control characters become spaces');
});

test('fitPair keeps the right word and cuts the left', () => {
  assert.is(fitPair('Alice', 'OK', 10), 'Alice   OK');
  assert.is(fitPair('Alice Wonderland', 'OK', 10), 'Alice W OK');
  assert.is(fitPair('Alice', '', 8), 'Alice   ');
  assert.is(fitPair('Alice', 'Registering', 8), 'Register');
});

test('spreadLabels puts labels in equal slots', () => {
  assert.is(spreadLabels(['DND', 'Pres', 'IM', 'VM'], 20), 'DND  Pres IM   VM   ');
  assert.is(spreadLabels(['Directory', 'Forward'], 16), 'Directo Forward ');
  assert.is(spreadLabels(['A', 'B', 'C'], 4), 'A B ', 'only as many as fit');
});

test('4x20 quiet phone: identity, presence, soft keys at the bottom', () => {
  const i = quietInput(2);
  i.softKeys = ['DND', 'Pres', 'IM', 'VM'];
  i.presenceNote = 'in the lab';
  assert.equal(statusLines(i, 20, 4), [
    'Alice 201         OK',
    'Available: in the la',
    '                    ',
    'DND  Pres IM   VM   ',
  ]);
});

test('4x20 busy phone: a ringing key and counts push the soft keys out', () => {
  const i = quietInput(3);
  i.softKeys = ['DND', 'Pres'];
  i.blf[1]!.state = 'ringing';
  i.blf[1]!.caller = 'Bob Smith';
  i.blf[2]!.state = 'ringing';
  i.unreadIm = 2;
  i.messages.waiting = true;
  i.messages.newCount = 3;
  assert.equal(statusLines(i, 20, 4), [
    'Alice 201         OK',
    'Available           ',
    'Bob Smith > Carol +1',
    'IM 2  VM 3 new      ',
  ]);
});

test('2x16: the alert line beats presence and counts', () => {
  const i = quietInput(1);
  i.registration = 'failed';
  i.blf[0]!.state = 'ringing';
  i.unreadIm = 1;
  assert.equal(statusLines(i, 16, 2), ['Alice Reg failed', 'Bob ringing     ']);
});

test('1 row: the alert if something rings, else identity', () => {
  const i = quietInput(1);
  assert.equal(statusLines(i, 16, 1), ['Alice 201     OK']);
  i.blf[0]!.state = 'ringing';
  i.blf[0]!.caller = 'Zoe';
  assert.equal(statusLines(i, 16, 1), ['Zoe > Bob       ']);
});

test('voicemail wording: urgent, new, waiting without counts', () => {
  const i = quietInput(0);
  i.messages.waiting = true;
  assert.is(statusLines(i, 20, 3)[2], 'VM waiting          ');
  i.messages.newCount = 2;
  assert.is(statusLines(i, 20, 3)[2], 'VM 2 new            ');
  i.messages.urgentNew = 1;
  assert.is(statusLines(i, 20, 3)[2], 'VM 2 new!           ');
});

test('every line of every geometry has exactly cols characters', () => {
  const i = quietInput(4);
  i.identity = 'A very long display name that does not fit anywhere';
  i.presence = 'dnd';
  i.presenceNote = 'back tomorrow morning';
  i.blf[3]!.state = 'ringing';
  i.blf[3]!.caller = 'Somebody with a long name';
  i.unreadIm = 12;
  i.softKeys = ['One', 'Two', 'Three', 'Four', 'Five'];
  for (const [cols, rows] of [[8, 1], [16, 2], [20, 4], [21, 8], [24, 2], [40, 6]] as const) {
    const lines = statusLines(i, cols, rows);
    assert.is(lines.length, rows, `${cols}x${rows} rows`);
    for (const l of lines) assert.is([...l].length, cols, `${cols}x${rows}: "${l}"`);
  }
});

test.run();
