// The host-binding interfaces in use: a tiny virtual-time host (Clock, Timer, KeySource and a
// terminal display, typed as platform/host's HostBindings) runs the documented loop — feed
// inputs, then drain transmit → timeout → events — and a held key becomes a long press through
// the Timer alone, without anybody polling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Clock, HostBindings, KeySource, KeySourceOptions, Timer, TimerOptions, UdpSocket } from '../../platform/host/index.js';
import { KeyPressTracker, defaultKeyMap, type AppCommand } from '../../core/keys/index.js';
import { TerminalCharDisplay } from '../../platform/display/terminal-char-display.js';

/** Virtual time: timers fire only when the test advances the clock. */
class VirtualTime implements Clock {
  private t = 0;
  readonly timers = new Set<VirtualTimer>();
  now(): number { return this.t; }
  advance(to: number): void {
    for (;;) {
      let next: VirtualTimer | null = null;
      for (const timer of this.timers) if (timer.at >= 0 && timer.at <= to && (next === null || timer.at < next.at)) next = timer;
      if (next === null) break;
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
    this.t = to;
  }
}

class VirtualTimer implements Timer {
  at = -1;
  constructor(private readonly time: VirtualTime, private readonly options: TimerOptions) { time.timers.add(this); }
  schedule(at: number): void { this.at = at; }
  cancel(): void { this.at = -1; }
  close(): void { this.time.timers.delete(this); }
  fire(): void { this.at = -1; this.options.onExpired.call(this, this.time.now()); }
}

class FakeKeys implements KeySource {
  static last: FakeKeys | null = null;
  constructor(readonly options: KeySourceOptions) { FakeKeys.last = this; }
  key(role: string, pressed: boolean, at: number): void { this.options.onKey.call(this, role, pressed, at); }
  close(): void {}
}

test('a long press fires from the timer the loop armed; the display follows the command', () => {
  const time = new VirtualTime();
  const screen: string[] = [];
  const host: HostBindings = {
    clock: time,
    Timer: class extends VirtualTimer { constructor(o: TimerOptions) { super(time, o); } },
    network: { UDP: class { constructor() { throw new Error('no network in this test'); } } as unknown as new () => UdpSocket },
    display: new TerminalCharDisplay({ rows: 2, cols: 16, write: (s) => screen.push(s) }),
    displayGeometry: { rows: 2, cols: 16 },
    keys: FakeKeys,
  };

  // The application: keeps presence and DND, shows them, reacts to commands.
  let presence = 'available';
  let dnd = false;
  const commands: AppCommand[] = [];
  const appliedAt: number[] = [];
  const show = () => host.display!.showLines([`alice ${dnd ? 'DND' : ''}`, presence]);
  function apply(command: AppCommand): void {
    commands.push(command);
    appliedAt.push(time.now());
    if (command.kind === 'toggle-dnd') dnd = !dnd;
    if (command.kind === 'set-presence') presence = command.value;
    if (command.kind === 'cycle-presence') {
      const i = command.values.indexOf(presence as never);
      presence = command.values[(i + 1) % command.values.length]!;
    }
    show();
  }

  const keys = new KeyPressTracker(defaultKeyMap({ blfTargets: ['sip:bob@example.com'] }));
  const timer = new host.Timer({ onExpired(now) { keys.handleTimeout(now); drain(); } });
  new host.keys!({ onKey(role, pressed, at) { if (pressed) keys.handlePress(role, at); else keys.handleRelease(role, at); drain(); } });
  function drain(): void {
    for (;;) {
      // transmit: nothing in this test; timeout:
      const next = keys.pollTimeout();
      if (next >= 0) timer.schedule(next); else timer.cancel();
      // events:
      let busy = false;
      for (let a = keys.pollAction(); a !== null; a = keys.pollAction()) { busy = true; apply(a.command); }
      if (!busy) return;
    }
  }
  show();

  const panel = FakeKeys.last!;
  time.advance(1000);
  panel.key('key.presence', true, time.now());
  time.advance(1300);
  panel.key('key.presence', false, time.now()); // 300 ms: short → cycle to "away"
  time.advance(2000);
  panel.key('key.presence', true, time.now());
  time.advance(5000); // held: the timer fires at 2800 → long → "available"
  panel.key('key.presence', false, time.now());
  panel.key('key.dnd', true, time.now()); // acts on press
  panel.key('key.dnd', false, time.now());

  assert.equal(commands, [
    { kind: 'cycle-presence', values: ['available', 'away', 'busy'] },
    { kind: 'set-presence', value: 'available' },
    { kind: 'toggle-dnd' },
  ]);
  // The long press was applied by the timer at 2000 + 800, not at the release (5000).
  assert.equal(appliedAt, [1300, 2800, 5000]);
  assert.is(time.timers.size, 1);
  assert.is([...time.timers][0]!.at, -1, 'nothing left scheduled');
  assert.is(screen[screen.length - 1], '┌────────────────┐\n│alice DND       │\n│available       │\n└────────────────┘\n');
  assert.is(screen.length, 4, 'first frame + one per command; "set-presence available" after "away" is a change too');
});

test.run();
