// Runs inside QuickJS (bundled by esbuild, no Node APIs): the resource-list path and the
// presence-state tables on inputs given as strings; returns plain results and a throughput
// figure for list NOTIFYs (read + apply).
import { stringToUtf8 } from '../../core/xml/bytes.js';
import { RlsBodyReader, ResourceList } from '../../core/presence/rls/index.js';
import { BuddyTable, BuddySource } from '../../core/presence/buddies.js';
import { WatcherTable } from '../../core/presence/watchers.js';
import { WatcherinfoReader } from '../../core/presence/documents/watcherinfo.js';
import { BlfKeys } from '../../core/packages/blf-keys.js';
import { MwiLamps } from '../../core/packages/mwi.js';

export interface Input {
  notifies: { contentType: string; body: string }[];
  dialogs: string[];
  winfo: string;
  mwi: string;
  now: number;
  iterations: number;
}

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  return out.subarray(0, stringToUtf8(text, out, 0, out.length));
}

export function run(input: Input): Record<string, unknown> {
  const reader = new RlsBodyReader();
  const list = new ResourceList();
  const results: number[] = [];
  const encoded = input.notifies.map((n) => ({ type: bytes(n.contentType), body: bytes(n.body) }));
  for (const n of encoded) results.push(list.applyNotify(reader, n.type, 0, n.type.length, n.body, 0, n.body.length, input.now));
  const resources = list.resources.filter((r) => r.inUse).map((r) => [r.uri.text(), r.name.text(), r.status, r.display, r.parent]);

  const buddies = new BuddyTable();
  for (const r of resources) buddies.add(r[0] as string, '', BuddySource.List);
  buddies.fromList(list, input.now);
  const buddyView = buddies.buddies.filter((b) => b.inUse).map((b) => [b.uri.text(), b.display, b.subscription]);

  const keys = new BlfKeys();
  keys.configure(0, 'sip:alice@example.com', 'Alice');
  keys.onSubscription(0, 'subscribing', '');
  keys.onSubscription(0, 'active', '');
  const dialogType = bytes('application/dialog-info+xml');
  const blf: number[] = [];
  for (const d of input.dialogs) {
    const b = bytes(d);
    keys.onDialogNotify(0, dialogType, 0, dialogType.length, b, 0, b.length);
    blf.push(keys.keys[0]!.state);
  }
  keys.onSubscription(0, 'failed', '404');
  blf.push(keys.keys[0]!.state);

  const watchers = new WatcherTable();
  const winfo = bytes(input.winfo);
  watchers.applyNotify(new WatcherinfoReader(), winfo, 0, winfo.length);
  const pending = new Int16Array(4);
  const pendingCount = watchers.pending(pending);

  const lamps = new MwiLamps();
  lamps.configure(0, 'sip:alice@example.com', true);
  const mwiType = bytes('application/simple-message-summary');
  const mwiBody = bytes(input.mwi);
  const mwi = { ...lamps.onNotify(0, false, mwiType, 0, mwiType.length, mwiBody, 0, mwiBody.length, input.now) };

  // Throughput: the RFC 4662 §6 step 3 NOTIFY (RLMI + 2 PIDF), read and applied as a new subscription each time.
  const first = encoded[0]!;
  const started = Date.now();
  let sum = 0;
  for (let i = 0; i < input.iterations; i++) {
    list.newSubscription();
    sum += list.applyNotify(reader, first.type, 0, first.type.length, first.body, 0, first.body.length, input.now);
  }
  const elapsed = Date.now() - started;
  return {
    results, resources, buddyView, blf,
    pending: Array.from(pending.subarray(0, pendingCount), (i) => watchers.watchers[i]!.uri.text()),
    mwi: [mwi.status, mwi.applied, lamps.accounts[0]!.lamp, lamps.accounts[0]!.newMessages],
    listNotifiesPerSecond: elapsed > 0 ? Math.round((input.iterations * 1000) / elapsed) : -1,
    sum,
  };
}

(globalThis as unknown as { __run: (input: string) => string }).__run = (input: string) => JSON.stringify(run(JSON.parse(input) as Input));
