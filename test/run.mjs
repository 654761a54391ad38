// The project's test command (`npm test`). Runs the type checker, then every test/**/*.test.ts
// with uvu in one Node process (through tsx), and ends with the plain summary line CI reads:
// "N passed, N failed". uvu prints its own Total/Passed/Skipped block; we turn it into that line.
// A file filter may be given: `npm test -- sip` runs only files whose path contains "sip".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';

// A test that leaves a socket or timer open keeps uvu's process alive after its summary, and CI
// would wait for its time limit. Once the summary is out, uvu gets this long to exit.
const EXIT_GRACE_MS = Number(process.env.TEST_EXIT_GRACE_MS ?? 30_000);

function run(cmd, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let text = '';
    let lingered = false;
    let watchdog;
    const watch = () => {
      if (watchdog !== undefined || !/Duration:/.test(text)) return;
      watchdog = setTimeout(() => { lingered = true; child.kill('SIGKILL'); }, EXIT_GRACE_MS);
    };
    child.stdout.on('data', (d) => { process.stdout.write(d); if (capture) { text += d.toString(); watch(); } });
    child.stderr.on('data', (d) => { process.stderr.write(d); if (capture) text += d.toString(); });
    child.on('close', (code) => { clearTimeout(watchdog); resolve({ code: code ?? 1, text, lingered }); });
  });
}

let passed = 0;
let failed = 0;

if (!filter) {
  console.log('# typecheck (tsc --noEmit)');
  const tsc = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], false);
  if (tsc.code === 0) passed++; else { failed++; console.log('typecheck FAILED'); }
  const core = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.core.json'], false);
  if (core.code === 0) passed++; else { failed++; console.log('core typecheck without Node types FAILED (core/ must not use host APIs)'); }
}

const pattern = filter ? `.*${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\.test\\.ts$` : '\\.test\\.ts$';
const uvu = await run(process.execPath, ['--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', pattern], true);
const clean = uvu.text.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
const ok = Number(/Passed:\s+(\d+)/.exec(clean)?.[1] ?? NaN);
const skipped = Number(/Skipped:\s+(\d+)/.exec(clean)?.[1] ?? 0);
if (Number.isNaN(total) || Number.isNaN(ok)) {
  // uvu died before its summary (a crash while loading a file): count that as one failure.
  failed++;
} else {
  // uvu's Total counts the tests that ran; skipped ones are reported apart.
  passed += ok;
  failed += total - ok;
}
if (uvu.lingered) {
  // Every test ran, but something a test opened is still open: a defect to fix, not a pass.
  failed++;
  console.log(`uvu did not exit within ${EXIT_GRACE_MS / 1000} s of its summary: a test left a socket, timer or child process open`);
} else if (uvu.code !== 0 && failed === 0) failed++;
// CI keeps only the tail of a long log: repeat each failure, with its file, next to the summary.
const failures = [];
let file = '';
let block = null;
for (const line of clean.split('\n')) {
  if (/\.test\.ts$/.test(line.trim())) { file = line.trim(); block = null; continue; }
  if (/^\s*Total:/.test(line)) break;
  if (/^\s*FAIL\s/.test(line)) { block = [`${file}: ${line.trim()}`]; failures.push(block); continue; }
  if (block && block.length < 30) block.push(line);
}
if (failures.length > 0) {
  console.log(`\n# ${failures.length} failure(s), repeated from above:`);
  for (const b of failures) console.log(b.join('\n').trimEnd() + '\n');
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
