// Bad board definitions are refused with every problem named by its path. Each case starts from
// a good built-in board, breaks it, and lists the exact messages expected.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTIN_DEFINITIONS, loadBoard } from '../../boards/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const clone = (id: string): Json => JSON.parse(JSON.stringify(BUILTIN_DEFINITIONS[id]));

interface Case { name: string; base: string; breakIt: (b: Json) => Json | void; errors: string[] }

const LAMP_ROLE = 'lamp role "led.mwi"|"led.dnd"|"led.presence"|"led.blf.<n>"';

const SHAPE: Case[] = [
  { name: 'colour not in the list', base: 'linux-desk', breakIt: (b) => { b.leds[3].colors[1] = 'blue'; },
    errors: ['leds[3].colors[1]: expected "red"|"green"|"amber"'] },
  { name: 'misspelt property', base: 'linux-desk', breakIt: (b) => { b.leds[0].colour = 'red'; },
    errors: ['leds[0].colour: unknown property'] },
  { name: 'missing role', base: 'linux-desk', breakIt: (b) => { delete b.leds[4].role; },
    errors: [`leds[4].role: missing, expected ${LAMP_ROLE}`] },
  { name: 'role with a leading zero', base: 'sim-desk', breakIt: (b) => { b.leds[2].role = 'led.blf.00'; },
    errors: [`leds[2].role: expected ${LAMP_ROLE}`] },
  { name: 'unknown wiring kind', base: 'linux-desk', breakIt: (b) => { b.leds[5].wiring.kind = 'rgb'; },
    errors: ['leds[5].wiring.kind: expected "mono"|"bicolor"|"multicolor"|"panel"|"sim"'] },
  { name: 'multicolour channel not a channel', base: 'linux-desk', breakIt: (b) => { b.leds[7].wiring.channels[1] = 'yellow'; },
    errors: ['leds[7].wiring.channels[1]: expected "red"|"green"|"blue"'] },
  { name: 'LED name with a slash', base: 'linux-desk', breakIt: (b) => { b.leds[2].wiring.red = '../x'; },
    errors: ['leds[2].wiring.red: expected LED class name like "phone:red:blf1"'] },
  { name: 'unknown engine', base: 'sim-desk', breakIt: (b) => { b.engine = 'v8'; },
    errors: ['engine: expected "quickjs"|"xs"|"node"'] },
  { name: 'count as text', base: 'sim-desk', breakIt: (b) => { b.capabilities.blfKeys = 'sixteen'; },
    errors: ['capabilities.blfKeys: expected integer 0..1023'] },
  { name: 'keys not a list', base: 'sim-desk', breakIt: (b) => { b.keys = { role: 'key.dnd' }; },
    errors: ['keys: expected a list'] },
  { name: 'display of no rows and unknown kind', base: 'desk-exp20',
    breakIt: (b) => { b.displays[0].rows = 0; b.displays.push({ role: 'display.status', kind: 'vga' }); },
    errors: ['displays[0].rows: expected integer 1..16', 'displays[1].kind: expected "text"|"pixel"'] },
  { name: 'buffer too small for a SIP datagram', base: 'desk-exp20', breakIt: (b) => { b.capacities.rxBufferBytes = 512; },
    errors: ['capacities.rxBufferBytes: expected integer 1300..1048576'] },
  { name: 'unknown preset and policy key', base: 'sim-desk',
    breakIt: (b) => { b.indicators = { preset: 'polycom', overrides: { 'blf.idel': { pattern: 'off' } } }; },
    errors: [
      'indicators.preset: expected "default"|"yealink-like"|"cisco-like"|"snom-like"',
      'indicators.overrides["blf.idel"]: unknown key, expected a policy key like "blf.idle"',
    ] },
  { name: 'not an object at all', base: 'sim-desk', breakIt: () => [1, 2, 3],
    errors: ['(root): expected an object with id, name, vendor, engine, capabilities, leds, keys, displays, capacities'] },
  { name: 'a missing section names what goes in it', base: 'linux-desk',
    breakIt: (b) => { delete b.capabilities.modules; },
    errors: ['capabilities.modules: missing, expected an object with msrp, rls, imdn'] },
  { name: 'several problems at once, in document order', base: 'sim-desk',
    breakIt: (b) => { delete b.name; b.leds[1].wiring = {}; b.capacities.pendingMessages = -1; },
    errors: [
      'name: missing, expected non-empty text (up to 80 characters)',
      'leds[1].wiring.kind: missing, expected "mono"|"bicolor"|"multicolor"|"panel"|"sim"',
      'capacities.pendingMessages: expected integer 1..1024',
    ] },
];

const CROSS_FIELD: Case[] = [
  { name: 'the same role twice', base: 'linux-desk', breakIt: (b) => { b.leds[3].role = 'led.blf.0'; },
    errors: ['leds[3].role: "led.blf.0" already used by leds[2]', 'leds: no lamp for "led.blf.1" (capabilities.blfKeys is 6)'] },
  { name: 'a BLF key without its lamp', base: 'linux-desk', breakIt: (b) => { b.leds.pop(); },
    errors: ['leds: no lamp for "led.blf.5" (capabilities.blfKeys is 6)'] },
  { name: 'a BLF key beyond the declared count', base: 'linux-desk',
    breakIt: (b) => { b.keys.push({ role: 'key.blf.6', wiring: { kind: 'evdev', code: 100 } }); },
    errors: ['keys[8].role: "key.blf.6" but capabilities.blfKeys is 6'] },
  { name: 'more BLF keys declared than wired', base: 'sim-desk', breakIt: (b) => { b.capabilities.blfKeys = 17; },
    errors: [
      'leds: no lamp for "led.blf.16" (capabilities.blfKeys is 17)',
      'keys: no key for "key.blf.16" (capabilities.blfKeys is 17)',
      'capacities.blfKeys: 16 is less than capabilities.blfKeys (17)',
    ] },
  { name: 'MWI lamp promised but missing', base: 'sim-desk', breakIt: (b) => { b.leds.shift(); },
    errors: ['capabilities.mwiLamp: true but leds has no "led.mwi"'] },
  { name: 'a mono LED with two colours', base: 'linux-desk', breakIt: (b) => { b.leds[0].colors = ['red', 'green']; },
    errors: ['leds[0].colors: a mono LED shows one colour, got 2'] },
  { name: 'multicolour LED without the channel amber needs', base: 'linux-desk',
    breakIt: (b) => { b.leds[7].wiring.channels = ['green', 'blue']; },
    errors: ['leds[7].wiring.channels: colour "red" needs channel "red"', 'leds[7].wiring.channels: colour "amber" needs channel "red"'] },
  { name: 'one sysfs LED used by two lamps', base: 'linux-desk', breakIt: (b) => { b.leds[3].wiring.green = 'phone:green:blf1'; },
    errors: ['leds[3].wiring.green: LED "phone:green:blf1" already used by leds[2]'] },
  { name: 'bicolour with the same LED twice', base: 'linux-desk', breakIt: (b) => { b.leds[2].wiring.green = 'phone:red:blf1'; },
    errors: ['leds[2].wiring.green: LED "phone:red:blf1" already used by leds[2]', 'leds[2].wiring: red and green must be two different LEDs'] },
  { name: 'panel that does not exist, index beyond the panel, slot used twice', base: 'desk-exp20',
    breakIt: (b) => { b.leds[1].wiring.panel = 'exp2'; b.leds[2].wiring.index = 20; b.leds[3].wiring.index = 3; },
    errors: [
      'leds[1].wiring.panel: no panel "exp2" in panels',
      'leds[2].wiring.index: 20 is beyond panel "exp1" (20 lamps)',
      'leds[4].wiring: panel "exp1" lamp 3 already used by leds[3]',
    ] },
  { name: 'panel key slot used twice', base: 'desk-exp20', breakIt: (b) => { b.keys[1].wiring.index = 0; },
    errors: ['keys[1].wiring: panel "exp1" key 0 already used by keys[0]'] },
  { name: 'the same key code twice', base: 'linux-desk', breakIt: (b) => { b.keys[7].wiring.code = 59; },
    errors: ['keys[7].wiring: key code 59 already used by keys[0]'] },
  { name: 'too few subscriptions for one per key without RLS', base: 'sim-desk',
    breakIt: (b) => { b.capabilities.modules.rls = false; b.capacities.maxSubscriptions = 10; },
    errors: ['capacities.maxSubscriptions: 10 is less than 17 (one per BLF key plus message-summary; or enable capabilities.modules.rls)'] },
  { name: 'TLS transport on a board without TLS', base: 'desk-exp20', breakIt: (b) => { b.capabilities.transports.push('tls'); },
    errors: ['capabilities.transports[2]: "tls" needs capabilities.tls true'] },
  { name: 'declared display kind differs from the status display', base: 'linux-desk',
    breakIt: (b) => { b.capabilities.display = 'text'; },
    errors: ['displays[0].kind: "pixel" but capabilities.display is "text"'] },
  { name: 'no display promised but one present', base: 'sim-desk', breakIt: (b) => { b.capabilities.display = 'none'; },
    errors: ['capabilities.display: "none" but displays[0] is the status display'] },
  { name: 'pixel display not a whole number of pages', base: 'linux-desk', breakIt: (b) => { b.displays[0].height = 60; },
    errors: ['displays[0].height: 60 is not a whole number of 8-pixel pages'] },
  { name: 'Linux LED wiring on a microcontroller engine', base: 'linux-desk', breakIt: (b) => { b.engine = 'xs'; },
    errors: Array.from({ length: 8 }, (_, i) => {
      const kind = i < 2 ? 'mono' : i < 7 ? 'bicolor' : 'multicolor';
      return `leds[${i}].wiring.kind: "${kind}" is a Linux LED class wiring, but engine is "xs"`;
    }) },
  { name: 'a lamp that cannot be solid', base: 'linux-desk', breakIt: (b) => { b.leds[0].patterns = ['off', 'slow-blink']; },
    errors: ['leds[0].patterns: must include "off" and "solid"'] },
  { name: 'a colour listed twice', base: 'sim-desk', breakIt: (b) => { b.leds[2].colors = ['red', 'red']; },
    errors: ['leds[2].colors[1]: "red" listed twice'] },
  { name: 'malformed policy overrides', base: 'sim-desk',
    breakIt: (b) => {
      b.indicators.overrides = {
        'blf.idle': { pattern: 'solid' },
        'mwi.voicemail': { pattern: 'fast-blink', color: 'red' },
        'blf.unknown': { pattern: 'off', color: 'green' },
      };
    },
    errors: [
      'indicators.overrides["blf.idle"]: a solid lamp needs a colour "red"|"green"|"amber"',
      'indicators.overrides["mwi.voicemail"]: a blink needs onMs and offMs as whole milliseconds from 1 to 60000',
      'indicators.overrides["blf.unknown"]: an off lamp has colour null',
    ] },
];

for (const [group, cases] of [['shape', SHAPE], ['cross-field', CROSS_FIELD]] as const) {
  for (const c of cases) {
    test(`${group}: ${c.name}`, () => {
      const b = clone(c.base);
      const replaced = c.breakIt(b);
      const r = loadBoard(replaced === undefined ? b : replaced);
      assert.ok(!r.ok, 'refused');
      assert.equal(r.val, c.errors);
    });
  }
}

test('hostile input never throws: prototype keys, deep junk, huge lists', () => {
  const inputs: unknown[] = [
    undefined, null, 0, 'board', true,
    JSON.parse('{"__proto__": {"polluted": 1}, "id": "x"}'),
    { ...clone('sim-desk'), leds: new Array(5000).fill(0) },
    { ...clone('sim-desk'), leds: [[[[[[]]]]]] },
  ];
  for (const input of inputs) {
    const r = loadBoard(input);
    assert.ok(!r.ok);
    assert.ok(r.val.length > 0);
  }
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test.run();
