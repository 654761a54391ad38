// `hardphone build` on the command line: usage errors exit 2 with a message that says what to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinBoardIds, BUILTIN_DEFINITIONS } from '../../boards/index.js';
import { runBuild, tempDir } from './helpers.js';

test('an unknown board exits 2 and lists the known ones', async () => {
  const r = await runBuild(['--board', 'nokia-3310', '--engine', 'quickjs']);
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes('unknown board "nokia-3310"'), r.stderr);
  for (const id of builtinBoardIds()) assert.ok(r.stderr.includes(id), `lists ${id}`);
});

test('an unknown engine exits 2 and lists the engines', async () => {
  const r = await runBuild(['--board', 'sim-desk', '--engine', 'v8']);
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes('unknown engine "v8"; engines: quickjs, xs, node'), r.stderr);
});

test('missing arguments, a flag without its value and a stray argument exit 2 with usage', async () => {
  const cases: [string[], string][] = [
    [[], 'missing --board'],
    [['--board', 'sim-desk'], 'missing --engine'],
    [['--engine', 'quickjs'], 'missing --board'],
    [['--board', '--engine', 'quickjs'], '--board needs a value'],
    [['--board', 'sim-desk', '--engine'], '--engine needs a value'],
    [['--board', 'sim-desk', '--engine', 'quickjs', 'extra'], 'unexpected argument "extra"'],
    [['--board', 'missing-file.json', '--engine', 'quickjs'], 'board file missing-file.json does not exist'],
  ];
  for (const [argv, message] of cases) {
    const r = await runBuild(argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.ok(r.stderr.includes(message), `${argv.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes('usage: hardphone build'), 'usage follows');
  }
});

test('--help prints usage and exits 0; nothing is built on a usage error', async () => {
  const help = await runBuild(['--help']);
  assert.is(help.code, 0);
  assert.ok(help.stdout.startsWith('usage: hardphone build'));
  const dir = tempDir();
  try {
    const r = await runBuild(['--board', 'nope', '--engine', 'xs', '--out', dir.path]);
    assert.is(r.code, 2);
    assert.not.ok(existsSync(join(dir.path, 'manifest.json')));
  } finally {
    dir.remove();
  }
});

test('xs gets the same script build as quickjs, labelled for xs', async () => {
  const dir = tempDir();
  try {
    const r = await runBuild(['--board', 'desk-exp20', '--engine', 'xs', '--out', dir.path]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dir.path, 'hardphone-desk-exp20-xs.js')));
    assert.match(r.stdout, /desk-exp20 \(xs\): .*\n\s+[\d,]+ B raw, [\d,]+ B gzip/);
  } finally {
    dir.remove();
  }
});

test('a board.json file builds like a built-in; a bad one exits 2 with the codec\'s errors', async () => {
  const dir = tempDir();
  try {
    const def = JSON.parse(JSON.stringify(BUILTIN_DEFINITIONS['linux-desk'])) as Record<string, unknown>;
    def.id = 'my-phone';
    const file = join(dir.path, 'my-phone.json');
    writeFileSync(file, JSON.stringify(def));
    const ok = await runBuild(['--board', file, '--engine', 'quickjs', '--out', join(dir.path, 'out')]);
    assert.is(ok.code, 0, ok.stderr);
    const manifest = JSON.parse(readFileSync(join(dir.path, 'out', 'manifest.json'), 'utf8')) as { board: string; file: string };
    assert.is(manifest.board, 'my-phone');
    assert.is(manifest.file, 'hardphone-my-phone-quickjs.js');

    def.engine = 'v8';
    writeFileSync(file, JSON.stringify(def));
    const bad = await runBuild(['--board', file, '--engine', 'quickjs']);
    assert.is(bad.code, 2);
    assert.ok(bad.stderr.includes('is not a valid board') && bad.stderr.includes('engine'), bad.stderr);
    assert.not.ok(bad.stderr.includes('usage: hardphone build'), 'the board\'s problems are not buried under the usage text');
  } finally {
    dir.remove();
  }
});

test('a node build measures the budget as the quickjs bundle, so --check-budget means the same', async () => {
  const dir = tempDir();
  try {
    const r = await runBuild(['--board', 'desk-exp20', '--engine', 'node', '--out', dir.path, '--check-budget']);
    const line = /budget \(measured as the quickjs bundle\): core \+ presence \+ page-mode IM = [\d,]+ B min\+gzip .*: (PASS|FAIL)/.exec(r.stdout);
    assert.ok(line, r.stdout);
    assert.is(r.code, line![1] === 'PASS' ? 0 : 1, r.stderr);
    assert.ok(existsSync(join(dir.path, 'hardphone-desk-exp20-node.mjs')));
  } finally {
    dir.remove();
  }
});

test.run();
