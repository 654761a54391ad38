// `hardphone flash` end to end against the reference receiver, lrzsz `rb --ymodem`, behind socat
// on the far side of a pseudo-terminal (rb runs on a socketpair in a temp dir: rb opened directly
// on a pty is flaky, see the device notes), plus the CLI's error paths and its exit codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { SerialPort } from 'serialport';
import { flashCommand } from '../../tools/flash.js';
import { bounded, missingPrograms, startPtyPair, startSocat, tempDir, waitForPaths, warnSkipped, within, TIMED_OUT } from '../serial/socat.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const missing = missingPrograms(['socat', 'rb']);
if (missing.length > 0) warnSkipped('hardphone flash end-to-end tests against lrzsz rb', missing);
const e2e = missing.length === 0 ? test : test.skip;
const needsSocat = missingPrograms(['socat']).length === 0 ? test : test.skip;

/** A stderr stand-in that keeps what was written (not a TTY, so the bar prints plain lines). */
function captureStderr(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
  return Object.assign(stream, { text: () => text });
}

async function withReceiver<T>(body: (tty: string, rxDir: string, dir: string) => Promise<T>): Promise<{ value: T; rbLog: string; exit: number | string }> {
  const dir = tempDir('hardphone-flash-');
  const rxDir = join(dir.path, 'rx');
  mkdirSync(rxDir);
  const tty = join(dir.path, 'tty');
  const socat = startSocat([`pty,raw,echo=0,link=${tty}`, 'EXEC:rb --ymodem'], rxDir);
  try {
    await waitForPaths([tty], 5000);
    const value = await body(tty, rxDir, dir.path);
    // socat exits when rb does; rb exits after the end-of-batch block (or the cancel).
    const exit = await within(socat.exited, 10_000);
    return { value, rbLog: socat.stderr(), exit: exit === TIMED_OUT ? 'still running' : exit };
  } finally {
    await socat.stop();
    dir.remove();
  }
}

e2e('a small file arrives byte-identical through rb --ymodem', async () => {
  const content = Buffer.from('hardphone bundle\n'.repeat(70)); // 1190 bytes: one 1 KB block + a short tail
  const err = captureStderr();
  const { value, exit, rbLog } = await withReceiver(async (tty, rxDir, dir) => {
    const file = join(dir, 'bundle.js');
    writeFileSync(file, content);
    const code = await bounded(flashCommand(['--port', tty, '--baud', '921600', '--timeout', '10', file], { stderr: err }), 30_000, 'flash of a small file');
    await bounded(waitForFile(join(rxDir, 'bundle.js'), content.length), 5000, 'rb writing bundle.js');
    return { code, received: readFileSync(join(rxDir, 'bundle.js')) };
  });
  assert.is(value.code, 0, err.text());
  assert.ok(value.received.equals(content), `received ${value.received.length} bytes\n${rbLog}`);
  assert.is(exit, 0, `rb/socat exit ${exit}\n${rbLog}`);
  assert.match(err.text(), /sent bundle\.js \(1\.2 KiB\)/);
  assert.match(err.text(), /flash: 100%/);
});

e2e('a 2 MB random file arrives byte-identical (timed)', async () => {
  const content = randomBytes(2 * 1024 * 1024 + 333);
  const err = captureStderr();
  const started = Date.now();
  const { value, exit, rbLog } = await withReceiver(async (tty, rxDir, dir) => {
    const file = join(dir, 'firmware.bin');
    writeFileSync(file, content);
    const code = await bounded(flashCommand(['--port', tty, '--baud', '3000000', '--timeout', '10', file], { stderr: err }), 60_000, 'flash of 2 MB');
    await bounded(waitForFile(join(rxDir, 'firmware.bin'), content.length), 5000, 'rb writing firmware.bin');
    return { code, received: readFileSync(join(rxDir, 'firmware.bin')) };
  });
  assert.is(value.code, 0, err.text());
  assert.is(value.received.length, content.length);
  assert.ok(value.received.equals(content), 'content differs');
  assert.is(exit, 0, `rb/socat exit ${exit}\n${rbLog.slice(-500)}`);
  const summary = /sent firmware\.bin .*/.exec(err.text())?.[0] ?? '';
  console.log(`    2 MB through rb --ymodem: ${summary} (test wall time ${((Date.now() - started) / 1000).toFixed(1)} s)`);
});

e2e('Ctrl-C (SIGINT) cancels with CAN CAN: exit 1, and rb gives up', async () => {
  const content = randomBytes(4 * 1024 * 1024);
  let stderr = '';
  const { value, exit, rbLog } = await withReceiver(async (tty, rxDir, dir) => {
    const file = join(dir, 'big.bin');
    writeFileSync(file, content);
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'run-flash.ts'), '--port', tty, '--timeout', '10', file], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let signalled = false;
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && /flash: 10%/.test(stderr)) { signalled = true; child.kill('SIGINT'); }
    });
    const result = await within(code, 30_000);
    if (result === TIMED_OUT) { child.kill('SIGKILL'); throw new Error(`flash did not exit after SIGINT:\n${stderr}`); }
    return { code: result, signalled, partial: existsSync(join(rxDir, 'big.bin')) ? readFileSync(join(rxDir, 'big.bin')).length : 0 };
  });
  assert.ok(value.signalled, `never reached 10 %:\n${stderr}`);
  assert.is(value.code, 1, stderr);
  assert.match(stderr, /transfer cancelled at block \d+ of "big\.bin" \(CAN CAN sent\)/, stderr);
  assert.ok(value.partial < content.length, 'the whole file arrived although the transfer was cancelled');
  assert.not.equal(exit, 'still running', `rb did not notice the cancel:\n${rbLog.slice(-300)}`);
  assert.not.equal(exit, 0, 'rb reported success for a cancelled transfer');
});

needsSocat('a receiver that never answers: exit 1 with a clear message, within the --timeout', async () => {
  const dir = tempDir('hardphone-flash-');
  const pair = await startPtyPair(dir.path);
  try {
    const file = join(dir.path, 'x.bin');
    writeFileSync(file, 'x');
    const err = captureStderr();
    const started = Date.now();
    const code = await bounded(flashCommand(['--port', pair.a, '--timeout', '0.5', file], { stderr: err }), 10_000, 'flash with no receiver');
    assert.is(code, 1);
    assert.match(err.text(), /the receiver never answered \(no 'C' within 1 s\)/);
    assert.ok(Date.now() - started < 5000);
  } finally {
    await pair.socat.stop();
    dir.remove();
  }
});

needsSocat('a busy port (held by another program): exit 1, "busy"', async () => {
  const dir = tempDir('hardphone-flash-');
  const pair = await startPtyPair(dir.path);
  const holder = new SerialPort({ path: pair.a, baudRate: 115200, autoOpen: false });
  try {
    await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
    const file = join(dir.path, 'x.bin');
    writeFileSync(file, 'x');
    const err = captureStderr();
    const code = await bounded(flashCommand(['--port', pair.a, file], { stderr: err }), 10_000, 'flash on a busy port');
    assert.is(code, 1);
    assert.match(err.text(), /serial port .*ttyA is busy: another program has it open/);
  } finally {
    if (holder.isOpen) await new Promise<void>((r) => holder.close(() => r()));
    await pair.socat.stop();
    dir.remove();
  }
});

test('a missing port: exit 1, "does not exist"', async () => {
  const dir = tempDir('hardphone-flash-');
  try {
    const file = join(dir.path, 'x.bin');
    writeFileSync(file, 'x');
    const err = captureStderr();
    const code = await bounded(flashCommand(['--port', '/dev/ttyNOPE-hardphone', file], { stderr: err }), 10_000, 'flash to a missing port');
    assert.is(code, 1);
    assert.match(err.text(), /serial port \/dev\/ttyNOPE-hardphone does not exist/);
  } finally {
    dir.remove();
  }
});

test('a bundle that does not exist: exit 1 before the port is touched', async () => {
  const err = captureStderr();
  const code = await flashCommand(['--port', '/dev/ttyNOPE-hardphone', '/nonexistent/bundle.js'], { stderr: err });
  assert.is(code, 1);
  assert.match(err.text(), /file \/nonexistent\/bundle\.js does not exist/);
  assert.not.match(err.text(), /serial port/);
});

test('usage errors exit 2 with the usage text', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /missing --port/],
    [['bundle.js'], /missing --port/],
    [['--port', '/dev/ttyS0'], /missing <bundle>/],
    [['--port', '/dev/ttyS0', 'a', 'b'], /exactly one <bundle>/],
    [['--port', '/dev/ttyS0', '--baud', 'fast', 'a'], /--baud needs a positive integer, got "fast"/],
    [['--port', '/dev/ttyS0', '--timeout', '-1', 'a'], /--timeout needs a number of seconds/],
    [['--port', '/dev/ttyS0', '--bogus', 'a'], /unknown option --bogus/],
    [['--port'], /--port needs a device path/],
  ];
  for (const [argv, message] of cases) {
    const err = captureStderr();
    const code = await flashCommand(argv, { stderr: err });
    assert.is(code, 2, argv.join(' '));
    assert.match(err.text(), message);
    assert.match(err.text(), /usage: hardphone flash --port <tty>/);
  }
});

async function waitForFile(path: string, size: number): Promise<void> {
  // rb closes the file when it sees EOT; the size check avoids reading it half-written.
  for (;;) {
    if (existsSync(path) && readFileSync(path).length === size) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.run();
