// What an application sees after `npm install hardphone`: the typed exports of package.json
// resolve to plain JavaScript (dist/, built by `npm install`'s prepare step) that runs under
// plain Node — no tsx, no TypeScript.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('hardphone/core, hardphone/core/sip and hardphone/boards import under plain node', () => {
  execFileSync(process.execPath, ['tools/build-lib.mjs'], { cwd: root });
  const script = `
    import { sip, Ok } from 'hardphone/core';
    import { SipMessageView, parse } from 'hardphone/core/sip';
    import { builtinBoardIds } from 'hardphone/boards';
    const bytes = new Uint8Array(Buffer.from('OPTIONS sip:a@b SIP/2.0\\r\\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\\r\\nCall-ID: x\\r\\nCSeq: 1 OPTIONS\\r\\nFrom: <sip:c@d>;tag=1\\r\\nTo: <sip:a@b>\\r\\nMax-Forwards: 70\\r\\nContent-Length: 0\\r\\n\\r\\n'));
    const view = new SipMessageView();
    console.log(JSON.stringify({ n: parse(bytes, 0, bytes.length, view), same: sip.parse === parse, ok: Ok(1).ok, boards: builtinBoardIds().join(',') }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const r = JSON.parse(out) as { n: number; same: boolean; ok: boolean; boards: string };
  assert.ok(r.n > 0);
  assert.ok(r.same);
  assert.ok(r.ok);
  assert.ok(r.boards.includes('sim-desk'));
});

test.run();
