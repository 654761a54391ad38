// Blink phase comes from `now` alone: identical inputs give identical frames, lamps with the same
// period blink in step, and the lit flag flips exactly at the edges nextLampEdge predicts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  IndicatorEngine, PRESETS, lampLitAt, nextLampEdge, fastBlink, slowBlink, solid, off,
} from '../../core/indicators/index.js';
import { lamp, layoutOf, quietInput } from './helpers.js';

test('lit phase of a 200/200 blink over one period', () => {
  const s = fastBlink('red', 200);
  const table: [number, boolean][] = [[0, true], [199, true], [200, false], [399, false], [400, true], [1000, false], [-1, false], [-201, true]];
  for (const [now, lit] of table) assert.is(lampLitAt(s, now), lit, `t=${now}`);
});

test('asymmetric blink 100 on / 1900 off', () => {
  const s = slowBlink('green', 100, 1900);
  assert.is(lampLitAt(s, 0), true);
  assert.is(lampLitAt(s, 99), true);
  assert.is(lampLitAt(s, 100), false);
  assert.is(lampLitAt(s, 1999), false);
  assert.is(lampLitAt(s, 2000), true);
  assert.is(nextLampEdge(s, 0), 100);
  assert.is(nextLampEdge(s, 100), 2000);
  assert.is(nextLampEdge(s, 2050), 2100);
});

test('steady lamps never change', () => {
  assert.is(lampLitAt(solid('red'), 123), true);
  assert.is(lampLitAt(off, 123), false);
  assert.is(nextLampEdge(solid('red'), 5), Infinity);
  assert.is(nextLampEdge(off, 5), Infinity);
});

test('property: lit is constant before the next edge and flips at it', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 1e9 }),
    (on, offMs, now) => {
      const s = slowBlink('red', on, offMs);
      const edge = nextLampEdge(s, now);
      if (!(edge > now && edge <= now + Math.max(on, offMs))) return false;
      return lampLitAt(s, edge - 1) === lampLitAt(s, now) && lampLitAt(s, edge) !== lampLitAt(s, now);
    },
  ), { numRuns: 500, seed: 6 });
});

test('property: identical input and now give identical frames, whichever engine computes them', () => {
  const layout = layoutOf([lamp('led.mwi', ['red']), lamp('led.blf.0'), lamp('led.blf.1')], PRESETS.default, { cols: 20, rows: 4 });
  const states = ['idle', 'ringing', 'dialling', 'talking', 'held', 'parked', 'unknown'] as const;
  fc.assert(fc.property(
    fc.constantFrom(...states), fc.constantFrom(...states), fc.boolean(), fc.integer({ min: 0, max: 1e10 }),
    (a, b, waiting, now) => {
      const make = () => {
        const i = quietInput(2);
        i.blf[0]!.state = a;
        i.blf[1]!.state = b;
        i.messages.waiting = waiting;
        return i;
      };
      const f1 = new IndicatorEngine(layout).compute(make(), now);
      const f2 = new IndicatorEngine(layout).compute(make(), now);
      assert.equal([...f1.lamps], [...f2.lamps]);
      assert.equal([...f1.lit!].sort(), [...f2.lit!].sort());
      assert.equal(f1.lines, f2.lines);
    },
  ), { numRuns: 300, seed: 7 });
});

test('frame.lit follows the phase: two ringing keys blink in step, solid stays lit', () => {
  const engine = new IndicatorEngine(layoutOf([lamp('led.blf.0'), lamp('led.blf.1'), lamp('led.blf.2')], PRESETS.default));
  const input = quietInput(3);
  input.blf[0]!.state = 'ringing';
  input.blf[1]!.state = 'ringing';
  input.blf[2]!.state = 'talking';
  const litAt = (now: number) => [...engine.compute(input, now).lit!].sort();
  assert.equal(litAt(800), ['led.blf.0', 'led.blf.1', 'led.blf.2']);
  assert.equal(litAt(999), ['led.blf.0', 'led.blf.1', 'led.blf.2']);
  assert.equal(litAt(1000), ['led.blf.2']);
  assert.equal(litAt(1199), ['led.blf.2']);
  assert.equal(litAt(1200), ['led.blf.0', 'led.blf.1', 'led.blf.2']);
  // The lamp states themselves do not depend on the phase (drivers with hardware blink see no change).
  assert.equal([...engine.compute(input, 1000).lamps], [...engine.compute(input, 1250).lamps]);
});

test.run();
