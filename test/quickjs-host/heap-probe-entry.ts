// Runs inside QuickJS: builds one SDK component at a time and keeps it alive, so the test can read
// what each costs on the QuickJS heap (computeMemoryUsage before and after).
import { UserAgent, type UaCapacities } from '../../core/ua/index.js';
import { IndicatorEngine, type IndicatorLayout } from '../../core/indicators/engine.js';
import { IndicatorScheduler } from '../../core/indicators/scheduler.js';
import { initialIndicatorInput } from '../../core/indicators/input.js';
import { PhoneState } from '../../core/app/phone-state.js';

const kept: unknown[] = [];

function ua(capacities: Partial<UaCapacities> | undefined): UserAgent {
  return new UserAgent({
    aor: 'sip:alice@127.0.0.1', username: 'alice', password: 'alicepw', registrar: 'sip:127.0.0.1:5060;transport=udp',
    localAddress: '127.0.0.1', localPort: 5060, random: Math.random, ...(capacities !== undefined ? { capacities } : {}),
  });
}

const makers: Record<string, (arg: never) => unknown> = {
  ua: (caps: Partial<UaCapacities> | undefined) => ua(caps),
  indicators: (layout: IndicatorLayout) => {
    const s = new IndicatorScheduler(new IndicatorEngine(layout), { setLamp: () => {} }, { showLines: () => {} });
    const input = initialIndicatorInput('alice', 16);
    s.update(input, 0);
    s.poll(0);
    return [s, input];
  },
  /**
   * What the firmware app keeps: BLF keys (dialog-info), buddies (PIDF) and the MWI account.
   * `configured` keys monitor someone (their dialog slots are allocated when configured).
   */
  phoneState: (o: { keys: number; buddies: number; configured?: number }) => {
    const p = new PhoneState({ identity: 'alice', blfKeys: o.keys, maxBuddies: o.buddies });
    for (let i = 0; i < (o.configured ?? 0); i++) p.configureBlfKey(i, `sip:user${i}@127.0.0.1`, `User ${i}`);
    p.configureMwi('sip:alice@127.0.0.1');
    return p;
  },
};

(globalThis as unknown as { __make: (kind: string, json: string) => void }).__make = (kind, json) => {
  const arg = json === '' ? undefined : JSON.parse(json);
  kept.push(makers[kind]!(arg as never));
};
