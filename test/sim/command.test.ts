// `hardphone sim` options and account files (errors name the field), and the command itself run
// for a bounded --duration: it starts both phones, serves the page, and shuts down cleanly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimArgs, simCommand } from '../../tools/sim.js';
import { decodeAccountFile } from '../../tools/sim/account.js';

test('parseSimArgs: defaults, every option, readable errors', () => {
  assert.equal(parseSimArgs([]), { port: 8080, host: '127.0.0.1', registrar: null, account: null, tui: false, web: true, open: true, durationS: null });
  assert.equal(parseSimArgs(['--port', '0', '--registrar', 'sip:127.0.0.1:5060', '--account', 'a.json', '--tui', '--no-open', '--duration', '2.5']), {
    port: 0, host: '127.0.0.1', registrar: 'sip:127.0.0.1:5060', account: 'a.json', tui: true, web: true, open: false, durationS: 2.5,
  });
  assert.is(parseSimArgs(['--help']), 'help');
  assert.match(parseSimArgs(['--port', 'http']) as string, /^--port: expected a port number/);
  assert.match(parseSimArgs(['--port', '70000']) as string, /^--port/);
  assert.match(parseSimArgs(['--registrar', 'http://x']) as string, /^--registrar: expected a sip: URI/);
  assert.match(parseSimArgs(['--duration']) as string, /^--duration: expected seconds > 0, got nothing/);
  assert.match(parseSimArgs(['--no-web']) as string, /needs --tui/);
  assert.match(parseSimArgs(['--frobnicate']) as string, /unknown option "--frobnicate"/);
});

test('account file: io-ts errors name the field; bad users and registrars are refused', () => {
  const ok = decodeAccountFile(JSON.stringify({ registrar: 'sip:10.0.0.1', phones: [{ user: 'alice', password: 'pw', blf: ['bob'] }, { user: 'bob' }] }), 'acc.json');
  assert.ok(ok.ok);
  const wrongType = decodeAccountFile(JSON.stringify({ phones: [{ user: 'alice' }, { user: 7 }] }), 'acc.json');
  assert.not.ok(wrongType.ok);
  if (!wrongType.ok) assert.equal(wrongType.errors, ['acc.json: phones[1].user: expected a SIP user name']);
  const missing = decodeAccountFile('{}', 'acc.json');
  assert.not.ok(missing.ok);
  if (!missing.ok) assert.equal(missing.errors, ['acc.json: phones: missing, expected a list']);
  const notJson = decodeAccountFile('{ phones: ', 'acc.json');
  assert.not.ok(notJson.ok);
  if (!notJson.ok) assert.match(notJson.errors[0]!, /^acc\.json: not JSON/);
  const badUser = decodeAccountFile(JSON.stringify({ phones: [{ user: 'al ice' }] }), 'acc.json');
  assert.not.ok(badUser.ok);
  if (!badUser.ok) assert.equal(badUser.errors, ['acc.json: phones[0].user: expected a SIP user name']);
  const badRegistrar = decodeAccountFile(JSON.stringify({ registrar: 'kamailio', phones: [{ user: 'a' }] }), 'acc.json');
  assert.not.ok(badRegistrar.ok);
  if (!badRegistrar.ok) assert.equal(badRegistrar.errors, ['acc.json: registrar: expected a sip: URI']);
  const unknownKey = decodeAccountFile(JSON.stringify({ phones: [{ user: 'a', pasword: 'x' }] }), 'acc.json');
  assert.not.ok(unknownKey.ok);
  if (!unknownKey.ok) assert.equal(unknownKey.errors, ['acc.json: phones[0].pasword: unknown property']);
});

/** Runs simCommand with stdout/stderr captured; `output()` reads stdout while it runs. */
function start(argv: string[]): { done: Promise<{ code: number; out: string; err: string }>; output: () => string } {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err += String(chunk); return true; }) as typeof process.stderr.write;
  let timer: NodeJS.Timeout | undefined;
  const done = Promise.race([
    simCommand(argv),
    new Promise<number>((_, reject) => { timer = setTimeout(() => reject(new Error('simCommand did not return within 10 s')), 10_000); }),
  ]).then((code) => ({ code, out, err })).finally(() => {
    clearTimeout(timer);
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  });
  return { done, output: () => out };
}

const run = (argv: string[]): Promise<{ code: number; out: string; err: string }> => start(argv).done;

test('simCommand --duration: prints the URL, the page answers, the phones shut down, exit 0', async () => {
  const running = start(['--port', '0', '--no-open', '--duration', '1.5']);
  let page = '';
  let state: { phones: { name: string }[] } | null = null;
  const until = Date.now() + 5000;
  while (Date.now() < until && page === '') {
    await new Promise((r) => setTimeout(r, 50));
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(running.output())?.[1];
    if (url !== undefined) {
      page = await (await fetch(url)).text();
      state = await (await fetch(`${url}api/state`)).json() as { phones: { name: string }[] };
      const bad = await fetch(`${url}api/alice/presence`, { method: 'POST', body: JSON.stringify({ value: 'sleepy' }) });
      assert.is(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /^value: expected one of available/);
      const ok = await fetch(`${url}api/alice/presence`, { method: 'POST', body: JSON.stringify({ value: 'away' }) });
      assert.is(ok.status, 200);
    }
  }
  const { code, out, err } = await running.done;
  assert.is(code, 0, err);
  assert.match(out, /hardphone sim: open http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(out, /alice: presence away/);
  assert.match(out, /--duration 1\.5 s over: shutting down/);
  assert.match(out, /all phones shut down/);
  assert.match(page, /<title>hardphone sim<\/title>/);
  assert.equal(state!.phones.map((p) => p.name), ['alice', 'bob']);
});

test('simCommand: a bad account file is refused with the field named, exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hardphone-sim-acc-'));
  try {
    const file = join(dir, 'acc.json');
    await writeFile(file, JSON.stringify({ phones: [{ user: 'alice', password: 42 }] }));
    const { code, err } = await run(['--account', file, '--port', '0', '--no-open', '--duration', '1']);
    assert.is(code, 2);
    assert.match(err, /bad account file/);
    assert.match(err, /acc\.json: phones\[0\]\.password: expected string/);
    const missing = await run(['--account', join(dir, 'nope.json'), '--port', '0']);
    assert.is(missing.code, 2);
    assert.match(missing.err, /cannot read --account/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
