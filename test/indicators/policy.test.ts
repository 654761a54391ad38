// The lamp policy tables, row by row per preset, written out here independently of presets.ts:
// a change to a vendor convention has to be made twice, on purpose.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PRESETS, PRESET_NAMES, POLICY_KEYS, lampStateProblem, withOverrides, type PolicyKey,
  type LampState,
} from '../../core/indicators/index.js';

type Row = string; // "pattern colour on/off", e.g. "fast red 200/200", "solid green", "off"

function show(s: LampState): Row {
  if (s.pattern === 'off') return 'off';
  if (s.pattern === 'solid') return `solid ${s.color}`;
  return `${s.pattern === 'fast-blink' ? 'fast' : 'slow'} ${s.color} ${s.onMs}/${s.offMs}`;
}

const EXPECTED: Record<string, Partial<Record<PolicyKey, Row>>> = {
  default: {
    'blf.idle': 'solid green', 'blf.ringing': 'fast red 200/200', 'blf.dialling': 'solid red',
    'blf.talking': 'solid red', 'blf.held': 'slow red 500/500', 'blf.parked': 'slow red 1000/1000',
    'blf.unknown': 'off',
    'mwi.urgent': 'fast red 200/200', 'mwi.voicemail': 'slow red 1000/1000', 'mwi.im': 'slow red 1000/1000',
    'mwi.none': 'off', 'dnd.on': 'solid red', 'dnd.off': 'off',
  },
  'yealink-like': {
    'blf.idle': 'solid green', 'blf.ringing': 'fast red 200/200', 'blf.dialling': 'solid red',
    'blf.talking': 'solid red', 'blf.held': 'slow red 1000/1000', 'blf.parked': 'slow red 1000/1000',
    'blf.unknown': 'off',
    'mwi.urgent': 'slow red 1000/1000', 'mwi.voicemail': 'slow red 1000/1000', 'mwi.im': 'slow red 1000/1000',
    'mwi.none': 'off', 'dnd.on': 'solid red', 'dnd.off': 'off',
  },
  'cisco-like': {
    'blf.idle': 'solid green', 'blf.ringing': 'fast red 100/100', 'blf.dialling': 'solid red',
    'blf.talking': 'solid red', 'blf.held': 'slow red 1000/1000', 'blf.parked': 'slow red 1000/1000',
    'blf.unknown': 'off',
    'mwi.urgent': 'solid red', 'mwi.voicemail': 'solid red', 'mwi.im': 'solid red',
    'mwi.none': 'off', 'dnd.on': 'solid red', 'dnd.off': 'off',
  },
  'snom-like': {
    'blf.idle': 'off', 'blf.ringing': 'fast red 250/250', 'blf.dialling': 'solid red',
    'blf.talking': 'solid red', 'blf.held': 'solid red', 'blf.parked': 'slow red 1000/1000',
    'blf.unknown': 'slow green 100/1900',
    'mwi.urgent': 'slow red 500/500', 'mwi.voicemail': 'slow red 500/500', 'mwi.im': 'slow red 500/500',
    'mwi.none': 'off', 'dnd.on': 'solid red', 'dnd.off': 'off',
  },
};

const PRESENCE_ROWS: Partial<Record<PolicyKey, Row>> = {
  'presence.available': 'solid green', 'presence.on-the-phone': 'solid red', 'presence.busy': 'solid red',
  'presence.dnd': 'slow red 1000/1000', 'presence.away': 'solid amber', 'presence.offline': 'off',
  'presence.unknown': 'off',
};

test('the presets are exactly the four documented ones', () => {
  assert.equal([...PRESET_NAMES].sort(), Object.keys(EXPECTED).sort());
});

for (const name of PRESET_NAMES) {
  const rows = { ...EXPECTED[name], ...PRESENCE_ROWS };
  test(`${name}: every policy key has the documented lamp`, () => {
    for (const key of POLICY_KEYS) {
      assert.is(show(PRESETS[name][key]), rows[key], `${name} ${key}`);
    }
  });
  test(`${name}: every row is a well-formed lamp state`, () => {
    for (const key of POLICY_KEYS) assert.is(lampStateProblem(PRESETS[name][key]), null, key);
  });
  test(`${name}: a failed subscription never looks like idle, ringing never like talking`, () => {
    const p = PRESETS[name];
    assert.is.not(show(p['blf.unknown']), show(p['blf.idle']));
    assert.is.not(show(p['blf.ringing']), show(p['blf.talking']));
  });
}

test('lampStateProblem names each malformed state', () => {
  const cases: [LampState, string | null][] = [
    [{ pattern: 'off', color: null, onMs: 0, offMs: 0 }, null],
    [{ pattern: 'off', color: 'red', onMs: 0, offMs: 0 }, 'an off lamp has colour null'],
    [{ pattern: 'solid', color: null, onMs: 0, offMs: 0 }, 'a solid lamp needs a colour "red"|"green"|"amber"'],
    [{ pattern: 'solid', color: 'red', onMs: 5, offMs: 0 }, 'a solid lamp has onMs 0 and offMs 0'],
    [{ pattern: 'fast-blink', color: 'red', onMs: 0, offMs: 100 }, 'a blink needs onMs and offMs as whole milliseconds from 1 to 60000'],
    [{ pattern: 'slow-blink', color: 'green', onMs: 1.5, offMs: 100 }, 'a blink needs onMs and offMs as whole milliseconds from 1 to 60000'],
    [{ pattern: 'slow-blink', color: 'amber', onMs: 700, offMs: 300 }, null],
  ];
  for (const [state, problem] of cases) assert.is(lampStateProblem(state), problem, JSON.stringify(state));
});

test('overrides replace single rows and leave the preset untouched', () => {
  const base = PRESETS['yealink-like'];
  const changed = withOverrides(base, { 'blf.idle': { pattern: 'off', color: null, onMs: 0, offMs: 0 } });
  assert.is(show(changed['blf.idle']), 'off');
  assert.is(show(base['blf.idle']), 'solid green');
  for (const key of POLICY_KEYS) if (key !== 'blf.idle') assert.is(changed[key], base[key]);
  assert.is(withOverrides(base, undefined), base);
});

test.run();
