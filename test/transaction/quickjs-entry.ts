// Runs inside QuickJS (bundled by test/support/quickjs.ts): two transaction engines over the
// lossy virtual link, to show the core and the harness use nothing but ES2022.
import { Prng, Simulation, VirtualLink } from '../support/virtual-link.js';
import { TransactionNode } from '../support/transaction-node.js';
import { METHOD_MESSAGE } from '../../core/transaction/index.js';

(globalThis as unknown as { __run: (input: string) => string }).__run = (input: string): string => {
  const { n, dropRate, seed } = JSON.parse(input) as { n: number; dropRate: number; seed: number };
  const link = new VirtualLink(new Prng(seed), { dropRate, duplicateRate: 0.05, minDelayMs: 5, maxDelayMs: 80, reorderRate: 0.1, reorderDelayMs: 300 });
  const client = new TransactionNode(0, 1, link, { maxTransactions: 256 });
  const server = new TransactionNode(1, 0, link, { maxTransactions: 256 });
  server.onRequest = (node, rec, now) => {
    if (rec.seq % 10 === 0) node.schedule(now + 40_000, (t) => node.respond(rec, 200, t));
    else node.respond(rec, 200, now);
  };
  for (let i = 0; i < n; i++) client.schedule(i * 50, (t) => client.startRequest(METHOD_MESSAGE, i, t));
  const sim = new Simulation(link, [client, server]);
  const quiet = sim.runToQuiescence(10_000_000);
  let completed = 0;
  let timedOutExactly = 0;
  for (const c of client.clients.values()) {
    if (c.finalAt >= 0) completed++;
    else if (c.timeoutAt === c.start + 32_000) timedOutExactly++;
  }
  return JSON.stringify({
    quiet, completed, timedOutExactly, dropped: link.dropped, sent: link.sent,
    live: client.engine.liveCount + server.engine.liveCount,
  });
};
