// `hardphone register` against a real Kamailio: it registers, stays registered across a Kamailio
// restart, and unregisters on Ctrl-C (SIGINT) — run as the command a user types, in a child process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { registerCommand } from '../../tools/register.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const skip = skipWithoutKamailio('hardphone register');
const dir = mkdtempSync(join(tmpdir(), 'hardphone-register-'));
let kam: Kamailio | null = null;

test.after(async () => {
  await kam?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Collects a child's stdout lines and resolves when one matches, within a deadline. */
function lines(child: ChildProcess) {
  const seen: string[] = [];
  let buffered = '';
  const waiters: { re: RegExp; from: number; resolve: (l: string) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      seen.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.re.test(line)) { waiters[i]!.resolve(line); waiters.splice(i, 1); }
    }
  });
  return {
    seen,
    mark: () => seen.length,
    waitFor(re: RegExp, ms: number, from = 0): Promise<string> {
      const hit = seen.slice(from).find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { re, from, resolve: (l: string) => { clearTimeout(t); resolve(l); } };
        const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; output:\n${seen.join('\n')}`)), ms);
        waiters.push(w);
      });
    },
  };
}

test('registers, survives a Kamailio restart, unregisters on SIGINT', async () => {
  if (skip) return;
  kam = await startKamailio();
  const file = join(dir, 'alice.json');
  writeFileSync(file, JSON.stringify({ aor: `sip:alice@${kam.domain}`, username: 'alice', password: 'alicepw', registrar: `sip:${kam.host}:${kam.port};transport=udp`, expires: 10 }));
  const child = spawn(process.execPath, [join(root, 'tools/hardphone.mjs'), 'register', '--account', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = lines(child);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  try {
    await out.waitFor(/→ registered \(accepted 200\)/, 10_000);
    await kam.restart();
    const afterRestart = out.mark();
    // Expires 10: the refresh comes within ~10 s and re-creates the binding Kamailio forgot.
    await out.waitFor(/refreshing → registered|→ registered/, 20_000, afterRestart);
    console.log(out.seen.map((l) => `      ${l}`).join("\n"));
    child.kill("SIGINT");
    await out.waitFor(/→ unregistered \(removed/, 8_000);
    assert.is(await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-99), 8_000))]), 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('stopped while not registered (no registrar answers): exit 1, said in a line', async () => {
  // A loopback port nobody listens on: every REGISTER fails (ICMP port unreachable) and backs off.
  const file = join(dir, 'nobody.json');
  writeFileSync(file, JSON.stringify({ aor: 'sip:alice@127.0.0.1', registrar: 'sip:127.0.0.1:9;transport=udp', expires: 60 }));
  const out: string[] = [];
  const code = await registerCommand(['--account', file], { out: (l) => out.push(l), stop: new Promise((r) => setTimeout(r, 1500)) });
  assert.is(code, 1, out.join('\n'));
  assert.ok(out.some((l) => /not registered when stopped \((backing-off|registering)\)/.test(l)), out.join('\n'));
});

test('a bad account file is refused with the field named; exit 2', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ aor: 'alice', registrar: 'sip:127.0.0.1', expires: 5 }));
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = (s: string) => { errors.push(String(s)); return true; };
  try {
    assert.is(await registerCommand(['--account', file]), 2);
    assert.is(await registerCommand(['--account', join(dir, 'missing.json')]), 2);
    assert.is(await registerCommand([]), 2);
  } finally {
    (process.stderr as { write: unknown }).write = write;
  }
  const text = errors.join('');
  assert.match(text, /aor: expected a sip: or sips: URI/);
  assert.match(text, /expires: expected/);
  assert.match(text, /no such file/);
  assert.match(text, /--account <file> is required/);
});

test.run();
