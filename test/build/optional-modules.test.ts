// What the UA's optional modules (UaModules: TCP/TLS flows, NAT keep-alives, SHA-256 digest) do to
// a bundle: the budget entry, a phone that passes none, carries no stream framer, no keep-alive,
// no STUN client and no SHA-256; a phone that passes them carries them; and a board gets
// `streams` in its firmware entry only when it lists a stream transport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleEntry } from '../../tools/build/bundle.js';
import { ENGINES } from '../../tools/build/engines.js';
import { selectModules } from '../../tools/build/core-modules.js';
import { ROOT, FIXTURES, board } from './helpers.js';

function bytesIn(metafile: Metafile): Map<string, number> {
  const m = new Map<string, number>();
  for (const o of Object.values(metafile.outputs)) for (const [path, input] of Object.entries(o.inputs)) m.set(path, input.bytesInOutput);
  return m;
}

async function inputsOf(entry: string): Promise<Map<string, number>> {
  // esbuild's metafile is what is measured; terser would only shrink what is already there.
  const r = await bundleEntry({ entry, engine: ENGINES.quickjs, root: ROOT, terser: false });
  assert.ok(r.ok, r.ok ? '' : r.val.join('\n'));
  return r.ok ? bytesIn(r.val.metafile) : new Map();
}

const OPTIONAL = ['core/sip/framer.ts', 'core/ua/stream-flows.ts', 'core/transport/keepalive.ts', 'core/bytes/sha256.ts'];

test('the budget entry (a phone passing no optional module) carries no stream framer, keep-alive, STUN client or SHA-256', async () => {
  const inputs = await inputsOf(join(ROOT, 'tools', 'build', 'app', 'budget-entry.ts'));
  assert.ok((inputs.get('core/ua/user-agent-base.ts') ?? 0) > 0, 'the user agent is in');
  // UserAgent (core/ua/user-agent.ts) adds only the optional roles' entry points: not constructed here.
  assert.is(inputs.get('core/ua/user-agent.ts') ?? 0, 0, 'the optional roles\' entry points are left out');
  for (const file of OPTIONAL) assert.is(inputs.get(file) ?? 0, 0, `${file} is left out`);
  assert.ok((inputs.get('core/bytes/md5.ts') ?? 0) > 0, 'MD5 digest stays in');
  // core/stun/binding.ts stays only for looksLikeStun (a stray STUN datagram is reported, never
  // parsed as SIP): its Binding request writer and response parser, ~1.3 KB, are not there.
  const stun = inputs.get('core/stun/binding.ts') ?? 0;
  assert.ok(stun < 400, `core/stun/binding.ts: ${stun} B in the bundle`);
});

test('a phone that passes streamModule, keepaliveModule and sha256Module carries them (the check above is not vacuous)', async () => {
  const inputs = await inputsOf(join(FIXTURES, 'all-modules-entry.ts'));
  for (const file of OPTIONAL) assert.ok((inputs.get(file) ?? 0) > 500, `${file} is in`);
  assert.ok((inputs.get('core/stun/binding.ts') ?? 0) > 1000, 'the STUN client is in');
});

const PARTIAL = ['core/presence/partial/xml-patch.ts', 'core/presence/partial/patch-selector.ts', 'core/presence/partial/token-spans.ts'];

test('tracking presence carries no partial-PIDF patcher unless partialPidfModule is passed', async () => {
  const plain = await inputsOf(join(FIXTURES, 'presence-states-entry.ts'));
  assert.ok((plain.get('core/presence/presence-states.ts') ?? 0) > 0, 'PresenceStates is in');
  // Error-code constants may stay (PresenceStates reports PartialError/PatchError codes); the code does not.
  for (const file of PARTIAL) assert.ok((plain.get(file) ?? 0) < 200, `${file}: ${plain.get(file)} B in the bundle`);
  const partial = await inputsOf(join(FIXTURES, 'partial-presence-entry.ts'));
  for (const file of PARTIAL) assert.ok((partial.get(file) ?? 0) > 500, `${file} is in with partialPidfModule`);
});

test('a board gets the streams module in its firmware entry only when it lists tcp or tls', () => {
  const desk = board('sim-desk');
  const names = (transports: readonly string[]) => selectModules({ ...desk, capabilities: { ...desk.capabilities, transports } } as typeof desk, ROOT).modules.map((m) => m.name);
  assert.ok(names(['udp', 'tcp']).includes('streams'));
  assert.ok(names(['udp', 'tls']).includes('streams'));
  assert.not.ok(names(['udp']).includes('streams'), 'UDP only');
  assert.not.ok(names(['udp', 'ws', 'wss']).includes('streams'), 'WebSocket messages arrive whole: no framer');
  assert.not.ok(selectModules(desk, ROOT, true).modules.some((m) => m.name === 'streams'), 'not part of the budgeted groups');
});

test.run();
