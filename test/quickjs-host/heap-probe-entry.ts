// Runs inside QuickJS: builds one SDK component at a time and keeps it alive, so the test can read
// what each costs on the QuickJS heap (computeMemoryUsage before and after).
import { UserAgent, type UaCapacities } from '../../core/ua/index.js';
import { IndicatorEngine, type IndicatorLayout } from '../../core/indicators/engine.js';
import { IndicatorScheduler } from '../../core/indicators/scheduler.js';
import { initialIndicatorInput } from '../../core/indicators/input.js';
import { PhoneState } from '../../core/app/phone-state.js';
import { TransactionEngine } from '../../core/transaction/index.js';
import { DigestClient, DigestWorkspace } from '../../core/auth/client.js';
import { CredentialStore } from '../../core/auth/credential-store.js';
import { BufferPool } from '../../core/ua/buffer-pool.js';
import { RequestEcho } from '../../core/ua/response-writer.js';
import { ClientRecord } from '../../core/ua/records.js';
import { PresenceStates } from '../../core/presence/presence-states.js';
import { BuddyTable, DEFAULT_BUDDY_TABLE_LIMITS } from '../../core/presence/buddies.js';
import { BlfKeys, DEFAULT_BLF_KEYS_CONFIG } from '../../core/packages/blf-keys.js';
import { DialogInfoReader, dialogInfoScratchSize } from '../../core/packages/dialog-info.js';
import { pidfScratchSize } from '../../core/presence/documents/pidf-reader.js';
import { XmlScratch } from '../../core/xml/scratch.js';

const kept: unknown[] = [];

function ua(capacities: Partial<UaCapacities> | undefined): UserAgent {
  return new UserAgent({
    aor: 'sip:alice@127.0.0.1', username: 'alice', password: 'alicepw', registrar: 'sip:127.0.0.1:5060;transport=udp',
    localAddress: '127.0.0.1', localPort: 5060, random: Math.random, ...(capacities !== undefined ? { capacities } : {}),
  });
}

function digestClient(workspace?: DigestWorkspace): DigestClient {
  const credentials = new CredentialStore().set(null, 'alice', 'alicepw');
  return new DigestClient({ random: { random: Math.random }, credentials, ...(workspace !== undefined ? { workspace } : {}) });
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

/**
 * The parts of a UserAgent and of the phone's state, one at a time. Keys quoted: the firmware
 * bundler renames property names that are private members somewhere (tools/build/private-names.ts).
 */
const parts: Record<string, (arg: never) => unknown> = {
  'transactions': (o: { slots: number; branchBytes: number }) =>
    new TransactionEngine({ t1: 500, t2: 4000, t4: 5000, timerD: 32000, maxTransactions: o.slots, maxBranchBytes: o.branchBytes }),
  'digest': () => digestClient(),
  'digestSharing': () => { const w = new DigestWorkspace(); return [digestClient(w), digestClient(w)]; },
  'pool': (o: { count: number; bytes: number }) => new BufferPool(o.count, o.bytes),
  'echo': (bytes: number) => new RequestEcho(bytes),
  'clientRecords': (n: number) => Array.from({ length: n }, () => new ClientRecord()),
  'presenceStates': (n: number) => new PresenceStates({ maxStates: n }),
  'buddies': (n: number) => new BuddyTable({ ...DEFAULT_BUDDY_TABLE_LIMITS, maxBuddies: n }),
  'blfKeys': (o: { keys: number; configured: number }) => {
    const keys = new BlfKeys({ ...DEFAULT_BLF_KEYS_CONFIG, keys: o.keys });
    for (let i = 0; i < o.configured; i++) keys.configure(i, `sip:user${i}@127.0.0.1`, `User ${i}`);
    return keys;
  },
  'dialogInfoReader': () => new DialogInfoReader(),
  // The phone's two document readers (PIDF of the tracked presence, dialog-info of the BLF keys),
  // each with its own XML stacks and text, or sharing one XmlScratch as the phone app does.
  'readersApart': (keys: number) => [new PresenceStates({ maxStates: 1 }), new BlfKeys({ ...DEFAULT_BLF_KEYS_CONFIG, keys })],
  'readersShared': (keys: number) => {
    const scratch = new XmlScratch(pidfScratchSize(), dialogInfoScratchSize());
    return [new PresenceStates({ maxStates: 1, scratch }), new BlfKeys({ ...DEFAULT_BLF_KEYS_CONFIG, keys, scratch })];
  },
};
for (const [name, make] of Object.entries(parts)) makers[name] = make;

(globalThis as unknown as { __make: (kind: string, json: string) => void }).__make = (kind, json) => {
  const arg = json === '' ? undefined : JSON.parse(json);
  kept.push(makers[kind]!(arg as never));
};
