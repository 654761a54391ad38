// The `hardphone` command itself (tools/hardphone.mjs, tools/cli.ts): its overview lists every
// option the sub-commands take, and it ends quietly when its reader goes away (`… | head`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../tools/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `hardphone …` in this process with stdout captured. */
async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  try {
    const code = await main(argv);
    return { code, stdout: out.join('') };
  } finally {
    process.stdout.write = write;
  }
}

test('hardphone --help lists every option each command\'s own --help documents', async () => {
  const overview = await run(['--help']);
  assert.is(overview.code, 0);
  for (const command of ['parse', 'build', 'flash', 'sim', 'register']) {
    const entry = new RegExp(`^  ${command} .*(\\n {4,}.*)?`, 'm').exec(overview.stdout);
    assert.ok(entry, `the overview has an entry for ${command}`);
    const help = await run([command, '--help']);
    assert.is(help.code, 0, `${command} --help`);
    // Options are named on the usage line and at the start of the option lines (not in prose like "rb --ymodem").
    const usageLine = help.stdout.split('\n')[0]!;
    const flags = new Set([
      ...(usageLine.match(/--[a-z][a-z-]*/g) ?? []),
      ...Array.from(help.stdout.matchAll(/^ +(?:-[a-z], )?(--[a-z][a-z-]*)/gm), (m) => m[1]!),
    ]);
    flags.delete('--help');
    assert.ok(flags.size > 0, `${command} --help names its options`);
    for (const flag of flags) assert.ok(entry![0].includes(flag), `the overview's ${command} entry lacks ${flag}:\n${entry![0]}`);
  }
});

test('a reader that closes early (hardphone parse … | head) ends the command quietly', async () => {
  const child = spawn(process.execPath, [join(root, 'tools', 'hardphone.mjs'), 'parse', join(root, 'tools', 'samples', 'register.sip')], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy(); // the reader is gone before the first line is written
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('timed out after 20 s'); }, 20_000);
    child.on('exit', (c) => { clearTimeout(timer); resolve(c ?? -1); });
  });
  assert.is(code, 0, stderr);
  assert.not.ok(/EPIPE|Unhandled/.test(stderr), stderr);
});

test.run();
