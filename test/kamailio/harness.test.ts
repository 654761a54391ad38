// The harness's own promises: loud skip when Kamailio is missing, databases in WAL mode with the
// subscribers provisioned, a port free on UDP and TCP, clean stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { kamailioMissing, skipWithoutKamailio, startKamailio, freeSipPort, md5Hex } from '../support/kamailio/harness.js';

test('a missing binary is reported (with the install hint) and makes tests skip loudly', () => {
  const missing = kamailioMissing('/nonexistent/kamailio');
  assert.ok(missing?.includes('apt-get install'), missing);
  const warn = console.warn;
  let banner = '';
  console.warn = (text: string) => { banner += text; };
  try {
    assert.is(skipWithoutKamailio('demo', '/nonexistent/kamailio'), true);
  } finally {
    console.warn = warn;
  }
  assert.match(banner, /SKIPPING demo/);
});

test('freeSipPort gives a port that binds on UDP', async () => {
  const port = await freeSipPort();
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(port, '127.0.0.1', () => resolve()); });
  socket.close();
});

const skip = skipWithoutKamailio('test/kamailio/harness.test.ts');
if (skip) {
  test.skip('Kamailio harness start/stop (kamailio not installed)', () => {});
} else {
  test('databases are in WAL mode with subscribers (ha1 = MD5(user:realm:password)); stop() ends the process and removes the dir', async () => {
    const kam = await startKamailio();
    const pid = kam.pid;
    try {
      const db = join(kam.dir, 'kamailio.sqlite');
      const mode = spawnSync('sqlite3', [db, 'PRAGMA journal_mode;'], { encoding: 'utf8', timeout: 5000 }).stdout.trim();
      assert.is(mode, 'wal');
      const rows = spawnSync('sqlite3', [db, 'SELECT username, domain, ha1 FROM subscriber ORDER BY username;'], { encoding: 'utf8', timeout: 5000 }).stdout.trim().split('\n');
      assert.equal(rows.map((r) => r.split('|')[0]), ['alice', 'bob', 'carol', 'voicemail']);
      assert.ok(rows.includes(`alice|127.0.0.1|${md5Hex('alice:127.0.0.1:alicepw')}`), rows.join('\n'));
      assert.ok(pid !== undefined);
    } finally {
      await kam.stop();
    }
    assert.not.ok(existsSync(kam.dir), 'temp dir removed');
    let alive = true;
    try { process.kill(pid!, 0); } catch { alive = false; }
    assert.not.ok(alive, 'kamailio process gone');
  });
}

test.run();
