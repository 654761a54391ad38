// The leak soak inside QuickJS (quickjs-soak.ts): the same scenario as on Node, bundled like
// firmware, run an hour at a time; after every virtual hour the runtime's exact memory figure
// (memory_used_size) is read. After warm-up it must stay flat within a few KiB, while a control
// run keeping one object per request must climb past the bound within two hours.
// CI runs 12 virtual hours (~20 s; an outage at 7.5 h and about eight loss periods);
// SOAK_QUICKJS_HOURS=24 (or `npm run soak`) runs the whole day.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SoakScenario, occupancyLine } from './soak-scenario.js';
import { flatness, soakBundle, startQuickJsSoak, type QuickJsSlice } from './quickjs-soak.js';

const HOURS = Number(process.env.SOAK_QUICKJS_HOURS ?? 12);
const WARMUP = 2;
/** Flat: at most this above the warm-up figure at any later hour (what the occupancy of the moment moves: a few live transactions). */
const FLAT_BYTES = 16 * 1024;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

const slices: QuickJsSlice[] = [];


test('the soak bundle uses no host API', async () => {
  const code = await soakBundle();
  assert.not.match(code, /\bBuffer\.|new TextDecoder|new TextEncoder|require\(|setTimeout\(|Date\.now\(|Math\.random\(|process\./, 'the bundle uses no host API');
});

test(`${HOURS} virtual hours inside QuickJS: memory_used_size stays flat after hour ${WARMUP}`, async () => {
  const soak = await startQuickJsSoak();
  try {
    console.log(`    QuickJS soak bundle ${kib(soak.bundleBytes)}; per hour: memory_used_size, objects, requests, occupancy`);
    for (let h = 1; h <= HOURS; h++) {
      const s = soak.run(1);
      slices.push(s);
      assert.ok(s.occupancy.requestBuffersInUse <= s.occupancy.clientTransactions && s.occupancy.responseBuffersInUse <= s.occupancy.serverTransactions, `hour ${h}: buffers without a transaction: ${JSON.stringify(s.occupancy)}`);
      console.log(`    h${String(h).padStart(2)} ${String(s.memory).padStart(8)} B ${String(s.objects).padStart(5)} obj ${String(s.counters.requestsSent).padStart(6)} req ${String(s.wallMs).padStart(6)} ms  ${occupancyLine(s.occupancy)}`);
    }
    // Hours ending with a live chat (~10 KiB each) are left out of the comparison (flatness()).
    const { base, worst, last, comparable } = flatness(slices, WARMUP);
    console.log(`    hour ${base.now / 3_600_000} → ${last.now / 3_600_000}: ${last.memory - base.memory >= 0 ? '+' : ''}${last.memory - base.memory} B (worst of ${comparable} hours without a live chat +${worst} B; bound ${kib(FLAT_BYTES)}; ${last.counters.requestsSent - base.counters.requestsSent} requests in between, one 50 B object each would be ${kib((last.counters.requestsSent - base.counters.requestsSent) * 50)})`);
    assert.ok(comparable >= (HOURS - WARMUP) / 2, `only ${comparable} hours ended without a live chat`);
    assert.ok(worst < FLAT_BYTES, `QuickJS memory rose ${worst} B above hour ${base.now / 3_600_000}'s ${base.memory} B`);
    assert.ok(last.objects - base.objects < 64, `objects: ${base.objects} → ${last.objects}`);

    // Idle: quiet, then shut down: the same occupancy as on Node.
    const quiet = soak.run(0.25, 'quiesce');
    assert.is(quiet.activeSubscriptions, 8);
    assert.equal([quiet.occupancy.subscriptions, quiet.occupancy.dialogs, quiet.occupancy.watchers, quiet.occupancy.pendingMessages, quiet.occupancy.queuedEvents, quiet.occupancy.chats], [8, 8, 8, 0, 0, 0]);
    const down = soak.run(5 / 60, 'shutdown');
    assert.equal(down.occupancy, soak.baseline, 'every table and pool as in a fresh UA');
    assert.ok(Object.values(soak.baseline).every((v) => v === 0));
  } finally {
    soak.dispose();
  }
});

test('the scenario ran the same inside QuickJS as on Node (same counters, hour by hour)', () => {
  const node = new SoakScenario();
  node.start();
  for (const s of slices) {
    node.run(1);
    assert.equal(s.counters, { ...node.counters }, `hour ${s.now / 3_600_000}`);
  }
  const c = node.counters;
  assert.ok(c.refreshes > 500 && c.notifies > 500 && c.messages > 500 && c.retransmissions > 200 && c.subscriptionFailures > 0 && c.chatsConnected > 20 && c.outages >= (HOURS >= 8 ? 1 : 0), JSON.stringify(c));
  assert.is(c.harnessFaults, 0);
  assert.is(c.stuckDeadlines, 0);
});

test('control: one object kept per request inside QuickJS climbs past the bound', async () => {
  const soak = await startQuickJsSoak({ leak: true });
  try {
    const at: QuickJsSlice[] = [];
    for (let h = 1; h <= WARMUP + 2; h++) at.push(soak.run(1));
    const a = at[WARMUP - 1]!;
    const b = at[at.length - 1]!;

    const growth = b.memory - a.memory;
    const kept = b.leakedObjects - a.leakedObjects;
    console.log(`    control: ${kept} objects kept in 2 hours → +${kib(growth)} (${(growth / kept).toFixed(1)} B each)`);
    // (Less ~12 KiB for each chat live at the end and not at the start: not the leak's doing.)
    assert.ok(growth - 12 * 1024 * Math.max(0, b.occupancy.chats - a.occupancy.chats) > FLAT_BYTES, `a deliberate leak of ${kept} objects grew only ${growth} B`);
  } finally {
    soak.dispose();
  }
});

test.run();
