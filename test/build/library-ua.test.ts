// What `hardphone build` makes is usable firmware on its own: the library bundle carries the user
// agent (a firmware team linking it can register with nothing else), its optional roles only on
// boards that enable them, and `--app` writes the phone application the QuickJS boot tests start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInQuickJS } from '../support/quickjs.js';
import { buildFirmware } from '../../tools/build/firmware.js';
import { ROOT, tempDir, board, runBuild } from './helpers.js';

// Runs inside QuickJS after the library bundle, with only what the bundle put on globalThis:
// REGISTER out → 200 OK in (built from the REGISTER, as a registrar answers) → `registered`.
const PROBE = `
globalThis.__run = function () {
  var hp = globalThis.hardphone;
  var seed = 7;
  var ua = new hp.ua.UserAgentBase({
    aor: 'sip:alice@192.0.2.1', registrar: 'sip:192.0.2.1', localAddress: '192.0.2.20', localPort: 5060,
    random: function () { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; },
  });
  var out = new hp.ua.Outgoing();
  var sent = [];
  var text = function (b, off, len) { var s = ''; for (var i = 0; i < len; i++) s += String.fromCharCode(b[off + i]); return s; };
  var started = ua.register(0);
  while (ua.pollTransmit(out)) sent.push({ text: text(out.bytes, out.off, out.len), to: out.endpoint.address + ':' + out.endpoint.port });
  var register = sent.length === 1 ? sent[0].text : '';
  var header = function (name) { var m = new RegExp('\\\\r\\\\n' + name + ':[^\\\\r]*', 'i').exec(register); return m === null ? '' : m[0].slice(2); };
  var ok = 'SIP/2.0 200 OK\\r\\n' + header('Via') + '\\r\\n' + header('From') + '\\r\\n' + header('To') + ';tag=reg1\\r\\n' +
    header('Call-ID') + '\\r\\n' + header('CSeq') + '\\r\\n' + header('Contact') + ';expires=600\\r\\nContent-Length: 0\\r\\n\\r\\n';
  var bytes = new Uint8Array(ok.length);
  for (var i = 0; i < ok.length; i++) bytes[i] = ok.charCodeAt(i);
  ua.handleDatagram(bytes, 0, bytes.length, { transport: 'udp', address: '192.0.2.1', port: 5060 }, 50);
  var states = [];
  for (var e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) if (e.kind === 'registration') states.push(e.state);
  return JSON.stringify({
    started: started.ok, sent: sent.length, to: sent.length > 0 ? sent[0].to : '', firstLine: register.split('\\r\\n')[0],
    states: states, nextDeadline: ua.pollTimeout(), ua: Object.keys(hp.ua).length > 0,
    chat: typeof hp.uaChat, lists: typeof hp.uaLists, notifier: typeof hp.uaNotifier, phoneState: typeof hp.phoneState,
  });
};
`;

interface Probe {
  started: boolean; sent: number; to: string; firstLine: string; states: string[]; nextDeadline: number; ua: boolean;
  chat: string; lists: string; notifier: string; phoneState: string;
}

for (const id of ['linux-desk', 'sim-desk']) {
  test(`${id}: the library bundle's user agent registers inside QuickJS; optional roles only where the board enables them`, async () => {
    const dir = tempDir();
    try {
      const built = await buildFirmware({ root: ROOT, board: board(id), engine: 'quickjs', outDir: dir.path });
      assert.ok(built.ok, built.ok ? '' : built.val.join('\n'));
      if (!built.ok) return;
      assert.is(built.val.manifest.kind, 'library');
      assert.ok(built.val.manifest.modules.includes('ua'), 'the manifest lists the user agent');
      const run = await runInQuickJS<Probe>(readFileSync(built.val.bundlePath, 'utf8') + PROBE, null);
      const r = run.result;
      assert.ok(r.started, 'register() accepted');
      assert.is(r.sent, 1, 'one REGISTER out');
      assert.is(r.to, '192.0.2.1:5060');
      assert.is(r.firstLine, 'REGISTER sip:192.0.2.1 SIP/2.0');
      assert.equal(r.states.slice(-1), ['registered'], `registration edges: ${r.states.join(' → ')}`);
      assert.ok(r.nextDeadline > 50 && Number.isFinite(r.nextDeadline), `a refresh is scheduled (${r.nextDeadline})`);
      const modules = board(id).capabilities.modules;
      assert.is(r.chat, modules.msrp ? 'object' : 'undefined', 'session-mode chat only with msrp');
      assert.is(r.lists, modules.rls ? 'object' : 'undefined', 'resource lists only with rls');
      assert.is(r.notifier, 'object', 'peer-to-peer presence is every phone\'s');
      assert.is(r.phoneState, board(id).leds.length > 0 ? 'object' : 'undefined');
    } finally {
      dir.remove();
    }
  });
}

test('hardphone build --app writes the phone application, its manifest and the board layout it starts with', async () => {
  const dir = tempDir();
  try {
    const r = await runBuild(['--board', 'sim-desk', '--engine', 'quickjs', '--app', '--out', dir.path]);
    assert.is(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(dir.path, 'manifest.json'), 'utf8')) as { kind: string; file: string; modules: string[]; board: string; bytes: number };
    assert.is(manifest.kind, 'app');
    assert.is(manifest.file, 'hardphone-app-sim-desk-quickjs.js');
    assert.equal(manifest.modules, []);
    const code = readFileSync(join(dir.path, manifest.file), 'utf8');
    assert.is(Buffer.byteLength(code), manifest.bytes);
    const layout = JSON.parse(readFileSync(join(dir.path, 'layout.json'), 'utf8')) as { lamps?: unknown[] };
    assert.ok(Array.isArray(layout.lamps) && layout.lamps.length > 0, 'layout.json lists the board\'s lamps');
    assert.ok(r.stdout.includes('the phone application (globalThis.hardphoneApp)'), r.stdout);
    // The application starts inside QuickJS only on a host (its socket and timer), which the boot
    // tests provide; here: it loads and exposes its API.
    const run = await runInQuickJS<string[]>(`${code}\nglobalThis.__run = function () { return JSON.stringify(Object.keys(globalThis.hardphoneApp).sort()); };`, null);
    assert.equal(run.result, ['close', 'shutdown', 'start', 'status', 'watch']);
    assert.not.ok(existsSync(join(dir.path, 'hardphone-sim-desk-quickjs.js')), 'no library bundle beside it');
  } finally {
    dir.remove();
  }
});

test.run();
