// Software blinking: on/off switches exactly at the edges the blink phase defines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SoftBlinkLamps, fastBlink, slowBlink, solid, off, type LampColor } from '../../core/indicators/index.js';

function setup() {
  const switches: string[] = [];
  const lamps = new SoftBlinkLamps({ setLit: (role: string, c: LampColor | null) => { switches.push(`${role}=${c ?? 'dark'}`); } });
  return { lamps, switches };
}

test('a new state is shown at the next poll; steady lamps need no further polls', () => {
  const { lamps, switches } = setup();
  assert.is(lamps.pollTimeout(0), -1);
  lamps.setLamp('led.mwi', solid('red'));
  lamps.setLamp('led.dnd', off);
  assert.is(lamps.pollTimeout(50), 50);
  assert.is(lamps.poll(50), 2);
  assert.equal(switches, ['led.mwi=red', 'led.dnd=dark']);
  assert.is(lamps.pollTimeout(60), -1);
  assert.is(lamps.poll(1000), 0);
});

test('driving the host loop by pollTimeout gives one switch per edge, in step with the clock', () => {
  const { lamps, switches } = setup();
  lamps.setLamp('led.blf.0', fastBlink('red', 200));
  lamps.setLamp('led.blf.1', slowBlink('amber', 100, 300));
  const times: number[] = [];
  let now = 1000;
  lamps.poll(now);
  switches.length = 0;
  for (let i = 0; i < 6; i++) {
    now = lamps.pollTimeout(now);
    times.push(now);
    lamps.poll(now);
  }
  // red: 200 on / 200 off; amber: 100 on / 300 off; both periods start at multiples of 400.
  assert.equal(times, [1200, 1300, 1400, 1600, 1700, 1800]);
  assert.equal(switches, [
    'led.blf.0=red', 'led.blf.1=amber', // 1200
    'led.blf.1=dark', // 1300
    'led.blf.0=dark', // 1400
    'led.blf.0=red', 'led.blf.1=amber', // 1600
    'led.blf.1=dark', // 1700
    'led.blf.0=dark', // 1800
  ]);
});

test.run();
