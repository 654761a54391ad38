// The baresip harness's own promises: loud skip when baresip is missing; with Kamailio running
// it registers as bob (reginfo over ctrl_tcp), parses ctrl_tcp events, reports unknown commands,
// and stop() ends the process and removes its directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { baresipMissing, runningBaresipCount, skipWithoutBaresip, startBaresip } from '../support/baresip/harness.js';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';

test('a missing binary is reported (with the install hint) and makes tests skip loudly', () => {
  const missing = baresipMissing('/nonexistent/baresip');
  assert.ok(missing?.includes('apt-get install -y --no-install-recommends baresip-core'), missing);
  const warn = console.warn;
  let banner = '';
  console.warn = (text: string) => { banner += text; };
  try {
    assert.is(skipWithoutBaresip('demo', '/nonexistent/baresip'), true);
  } finally {
    console.warn = warn;
  }
  assert.match(banner, /!! SKIPPING demo: \/nonexistent\/baresip not found/);
});

const skip = skipWithoutBaresip('test/baresip/harness.test.ts') || skipWithoutKamailio('test/baresip/harness.test.ts');
let kam: Kamailio | undefined;

test.before(async () => {
  if (!skip) kam = await startKamailio();
});
test.after(async () => {
  await kam?.stop();
});

if (skip) {
  test.skip('baresip harness against Kamailio (baresip or kamailio not installed)', () => {});
} else {
  test('registers as bob: reginfo shows OK; stop() ends the process and removes the dir', async () => {
    const started = Date.now();
    const bob = await startBaresip({ kamailio: kam!, user: 'bob', password: 'bobpw' });
    let pid: number | undefined;
    try {
      pid = bob.pid;
      assert.ok(pid !== undefined);
      assert.is(bob.aor, 'sip:bob@127.0.0.1');
      assert.ok(await bob.isRegistered());
      const { ok, data } = await bob.command('reginfo');
      assert.ok(ok);
      assert.match(data, /sip:bob@127\.0\.0\.1\s+OK\s+kamailio/);
      assert.not.match(data, /\x1b/, 'ANSI codes stripped');
      assert.match(bob.log(), /bob@127\.0\.0\.1: \{0\/UDP\/v4\} 200 OK/);
      assert.ok(Date.now() - started < 8000);
    } finally {
      await bob.stop();
    }
    assert.not.ok(existsSync(bob.dir), 'temp dir removed');
    let alive = true;
    try { process.kill(pid!, 0); } catch { alive = false; }
    assert.not.ok(alive, 'baresip process gone');
    await bob.command('reginfo').then(() => assert.unreachable('command after stop'), (err: Error) => assert.match(err.message, /not connected/));
  });

  test('ctrl_tcp events are parsed: uanew carol → REGISTERING then REGISTER_OK for carol', async () => {
    const bob = await startBaresip({ kamailio: kam!, user: 'bob', password: 'bobpw' });
    try {
      const created = await bob.command('uanew', `<sip:carol@127.0.0.1;transport=udp>;auth_pass=carolpw;outbound="sip:127.0.0.1:${kam!.port};transport=udp";regint=60`);
      assert.ok(created.ok, created.data);
      const ok = await bob.waitForEvent((e) => e.type === 'REGISTER_OK' && e.accountaor === 'sip:carol@127.0.0.1', 4000);
      assert.is(ok.class, 'register');
      assert.match(String(ok.param), /^200 /);
      const types = bob.events.filter((e) => e.accountaor === 'sip:carol@127.0.0.1').map((e) => e.type);
      assert.ok(types.indexOf('REGISTERING') >= 0 && types.indexOf('REGISTERING') < types.indexOf('REGISTER_OK'), types.join(','));
    } finally {
      await bob.stop();
    }
  });

  test('unknown command → ok false; a MESSAGE to a non-contact is refused by the harness', async () => {
    const bob = await startBaresip({ kamailio: kam!, user: 'bob', password: 'bobpw', peers: ['alice'] });
    try {
      const unknown = await bob.command('nosuchcommand');
      assert.is(unknown.ok, false);
      assert.match(unknown.data, /command not found/);
      await bob.sendMessage('sip:carol@127.0.0.1', 'x').then(
        () => assert.unreachable('carol is not a contact'),
        (err: Error) => assert.match(err.message, /not one of baresip's contacts/),
      );
    } finally {
      await bob.stop();
    }
  });

  test('wrong password: start-up fails within its bound and leaves no process behind', async () => {
    const started = Date.now();
    await startBaresip({ kamailio: kam!, user: 'bob', password: 'wrong', startTimeoutMs: 1500 }).then(
      async (b) => { await b.stop(); assert.unreachable('registered with a wrong password'); },
      (err: Error) => assert.match(err.message, /did not register/),
    );
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.is(runningBaresipCount(), 0);
  });
}

test.run();
