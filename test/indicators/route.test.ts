// LampRouter: one driver for the scheduler, lamps split between adapters (LEDs and a panel).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LampRouter, solid, off, type LampState } from '../../core/indicators/index.js';

test('each role goes to its driver; unrouted roles are dropped', () => {
  const seen: string[] = [];
  const driver = (name: string) => ({ setLamp: (role: string, s: LampState) => { seen.push(`${name} ${role} ${s.pattern}`); } });
  const router = new LampRouter().route(['led.mwi'], driver('sysfs')).route(['led.blf.0', 'led.blf.1'], driver('panel'));
  router.setLamp('led.blf.1', solid('red'));
  router.setLamp('led.mwi', off);
  router.setLamp('led.blf.7', solid('green'));
  assert.equal(seen, ['panel led.blf.1 solid', 'sysfs led.mwi off']);
});

test.run();
