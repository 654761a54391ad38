// Update coalescing: bursts become one frame, frames never come faster than maxRateHz, only
// changed lamps and changed lines reach the drivers, and the last state always gets through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  IndicatorEngine, IndicatorScheduler, PRESETS, type LampState, type BlfState,
} from '../../core/indicators/index.js';
import { lamp, layoutOf, quietInput, show } from './helpers.js';

class RecordingDriver {
  readonly calls: { role: string; lamp: string }[] = [];
  readonly screens: string[][] = [];
  setLamp(role: string, state: LampState): void { this.calls.push({ role, lamp: show(state) }); }
  showLines(lines: readonly string[]): void { this.screens.push([...lines]); }
}

function setup(maxRateHz?: number) {
  const engine = new IndicatorEngine(layoutOf(
    [lamp('led.mwi', ['red']), lamp('led.blf.0'), lamp('led.blf.1')], PRESETS.default, { cols: 16, rows: 2 },
  ));
  const driver = new RecordingDriver();
  const scheduler = new IndicatorScheduler(engine, driver, driver, maxRateHz === undefined ? {} : { maxRateHz });
  return { driver, scheduler, input: quietInput(2) };
}

test('nothing pending: pollTimeout is -1 and poll does nothing', () => {
  const { scheduler, driver } = setup();
  assert.is(scheduler.pollTimeout(), -1);
  assert.is(scheduler.poll(1000), 0);
  assert.equal(driver.calls, []);
});

test('the first frame sends every lamp and the screen once', () => {
  const { scheduler, driver, input } = setup();
  scheduler.update(input, 500);
  assert.is(scheduler.pollTimeout(), 500);
  assert.is(scheduler.poll(500), 4);
  assert.equal(driver.calls, [
    { role: 'led.mwi', lamp: 'off' },
    { role: 'led.blf.0', lamp: 'solid green' },
    { role: 'led.blf.1', lamp: 'solid green' },
  ]);
  assert.equal(driver.screens, [['Alice 201     OK', 'Available       ']]);
  assert.is(scheduler.pollTimeout(), -1);
});

test('a burst of updates becomes one frame with the last state; only the changed lamp is sent', () => {
  const { scheduler, driver, input } = setup(20);
  scheduler.update(input, 0);
  scheduler.poll(0);
  driver.calls.length = 0;
  const states: BlfState[] = ['ringing', 'talking', 'held', 'ringing', 'talking'];
  states.forEach((s, k) => { input.blf[1]!.state = s; scheduler.update(input, 10 + k); });
  assert.is(scheduler.pollTimeout(), 50, 'rate limit: 50 ms after the previous frame');
  assert.is(scheduler.poll(49), 0, 'not due yet');
  assert.is(scheduler.poll(50), 1);
  assert.equal(driver.calls, [{ role: 'led.blf.1', lamp: 'solid red' }]);
  assert.is(driver.screens.length, 1, 'lines unchanged: the display is not written again');
});

test('an update after a long quiet spell is sent at once', () => {
  const { scheduler, input } = setup(20);
  scheduler.update(input, 0);
  scheduler.poll(0);
  input.unreadIm = 1;
  scheduler.update(input, 5000);
  assert.is(scheduler.pollTimeout(), 5000);
});

for (const rate of [5, 10, 20, 50]) {
  test(`a change every 7 ms for 2 s at ${rate} Hz: frames at most every ${1000 / rate} ms, last state shown`, () => {
    const { scheduler, driver, input } = setup(rate);
    const frameTimes: number[] = [];
    const cycle: BlfState[] = ['idle', 'ringing', 'talking', 'held'];
    let k = 0;
    for (let now = 0; now <= 2000; now++) {
      if (now % 7 === 0) { input.blf[0]!.state = cycle[k++ % cycle.length]!; scheduler.update(input, now); }
      const due = scheduler.pollTimeout();
      if (due >= 0 && now >= due) { scheduler.poll(now); frameTimes.push(now); }
    }
    // Drain what is still pending after the last change.
    const due = scheduler.pollTimeout();
    if (due >= 0) { scheduler.poll(due); frameTimes.push(due); }
    const minGap = 1000 / rate;
    for (let i = 1; i < frameTimes.length; i++) {
      assert.ok(frameTimes[i]! - frameTimes[i - 1]! >= minGap - 1e-9, `gap ${frameTimes[i]! - frameTimes[i - 1]!} < ${minGap}`);
    }
    const maxFrames = Math.floor(2000 / minGap) + 2;
    assert.ok(frameTimes.length <= maxFrames, `${frameTimes.length} frames > ${maxFrames}`);
    assert.ok(frameTimes.length >= maxFrames - 3, `only ${frameTimes.length} frames: updates were lost`);
    const lastSent = [...driver.calls].reverse().find((c) => c.role === 'led.blf.0')!;
    assert.is(lastSent.lamp, show(PRESETS.default[`blf.${input.blf[0]!.state}`]), 'the final state reached the driver');
  });
}

test('resend: after a reconnect every lamp and the screen go out again', () => {
  const { scheduler, driver, input } = setup();
  scheduler.update(input, 0);
  scheduler.poll(0);
  driver.calls.length = 0;
  scheduler.resend(1000);
  assert.is(scheduler.poll(1000), 4);
  assert.is(driver.calls.length, 3);
  assert.is(driver.screens.length, 2);
});

test.run();
