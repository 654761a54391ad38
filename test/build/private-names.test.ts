// The firmware build renames `private` and `protected` member names (tools/build/private-names.ts). What must
// hold: names the outside world can reach are never on the list, and renaming really shrinks a
// bundle that still runs (the QuickJS boot tests run renamed bundles end to end).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { renamablePrivateNames, manglePattern } from '../../tools/build/private-names.js';

const root = process.cwd();
const names = (await renamablePrivateNames(root)) ?? [];

test('private members of the engine are renamable', () => {
  assert.ok(names.length > 100, `only ${names.length} names`);
  // user-agent-base.ts: `protected notifierNow`, `protected readonly requestPool`
  assert.ok(names.includes('notifierNow'));
  assert.ok(names.includes('requestPool'));
});

test('protected members are renamable like private ones', () => {
  // core/bytes/md5.ts: `protected resetState()`, `protected writeDigest()` (BlockHasher's
  // subclasses, all of them in the project); user-agent-base.ts: `protected notifierTxId`, reached by
  // UserAgent (the subclass of UserAgentBase).
  assert.ok(names.includes('resetState'));
  assert.ok(names.includes('writeDigest'));
  assert.ok(names.includes('notifierTxId'));
});

test('public API, standard-library and dependency members are never renamed', () => {
  // SipMessageView's public spans, typed-array and string members, ts-results' Result fields,
  // UA config keys and event fields the application reads.
  for (const name of ['valueOff', 'headerCount', 'errorOffset', 'length', 'subarray', 'charCodeAt', 'val', 'ok', 'err', 'unwrap', 'aor', 'registrar', 'kind', 'at', 'now']) {
    assert.not.ok(names.includes(name), `${name} must not be renamed`);
  }
});

test('names reached by string or destructuring are kept', () => {
  // 'randomBytes' in source (core/auth/cnonce.ts checks the host's random source by name)
  assert.not.ok(names.includes('randomBytes'));
});

test('a renamed bundle is smaller and behaves the same', async () => {
  const pattern = manglePattern(names);
  assert.ok(pattern instanceof RegExp);
  const entry = `
    import { parse } from './core/sip/parser.js';
    import { SipMessageView } from './core/sip/view.js';
    import { RegistrationMachine } from './core/registration/machine.js';
    const bytes = new Uint8Array([...'OPTIONS sip:a@b SIP/2.0\\r\\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\\r\\nContent-Length: 0\\r\\n\\r\\n'].map((c) => c.charCodeAt(0)));
    const view = new SipMessageView();
    const machine = new RegistrationMachine({ expires: 60, backoffBaseS: 30, backoffMaxS: 1800, random: () => 0.5, max423InARow: 3 });
    machine.start(1000);
    machine.onResponse(1010, { status: 200, grantedExpires: 60, minExpires: -1, retryAfter: -1 });
    globalThis.result = { parsed: parse(bytes, 0, bytes.length, view), headers: view.headerCount, state: machine.state, action: machine.pollAction(), deadline: machine.nextDeadline() };
  `;
  const bundle = (mangleProps?: RegExp) => build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, write: false, format: 'iife', target: 'es2022', mangleProps });
  const plain = (await bundle()).outputFiles[0]!.text;
  const renamed = (await bundle(pattern)).outputFiles[0]!.text;
  assert.ok(renamed.length < plain.length, `${renamed.length} vs ${plain.length}`);
  const run = (code: string) => { const g = globalThis as { result?: unknown }; delete g.result; new Function(code)(); return JSON.stringify(g.result); };
  const outcome = run(renamed);
  assert.is(outcome, run(plain));
  // And the outcome is the real one, not two equally broken runs.
  const r = JSON.parse(outcome) as { parsed: number; headers: number; state: string; action: { kind: string } };
  assert.ok(r.parsed > 0);
  assert.is(r.headers, 2);
  assert.is(r.state, 'registered');
  assert.is(r.action.kind, 'send-register');
});

test.run();
