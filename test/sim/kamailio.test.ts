// `hardphone sim --registrar`: the same two phones against a real Kamailio (presence server +
// registrar + MESSAGE relay, test/support/kamailio): REGISTER with digest, PUBLISH the PIDF,
// SUBSCRIBE through the server; busy on alice → bob's lamp red; an IM relayed to bob's display;
// shutdown unregisters. Skipped (loudly, by the harness) when Kamailio is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { skipWithoutKamailio, startKamailio, type Kamailio } from '../support/kamailio/harness.js';
import { SimSession, describeLamp } from '../../tools/sim/session.js';
import { waitFor } from './helpers.js';

if (skipWithoutKamailio('test/sim/kamailio.test.ts (hardphone sim --registrar)')) {
  test.skip('sim phones against Kamailio (no Kamailio here)', () => {});
} else {
  test('registrar mode: register, presence through PUBLISH/NOTIFY, IM through the proxy, clean unregister', async () => {
    let k: Kamailio | null = null;
    let s: SimSession | null = null;
    const log: string[] = [];
    try {
      k = await startKamailio();
      const registrar = `sip:${k.host}:${k.port}`;
      s = await SimSession.start({
        registrar,
        account: {
          phones: [
            { user: 'alice', password: 'alicepw', displayName: 'Alice' },
            { user: 'bob', password: 'bobpw', displayName: 'Bob' },
          ],
        },
        log: (l) => log.push(l),
      });
      const session = s;
      const alice = session.phone('alice')!;
      const bob = session.phone('bob')!;
      assert.is(alice.link.aor, `sip:alice@${k.host}`);
      const lamp = (p: typeof alice): string => describeLamp(p.lamps.get('led.blf.0') ?? { pattern: 'off', color: null, onMs: 0, offMs: 0 });
      await waitFor('both registered', () => alice.input.registration === 'registered' && bob.input.registration === 'registered', 5000);
      await waitFor('bob sees alice available (green)', () => bob.watched[0]!.presence === 'available' && lamp(bob) === 'green', 6000);

      alice.setPresence('busy', session.now());
      await waitFor('bob\'s lamp for alice red', () => lamp(bob) === 'red', 6000);

      const id = alice.sendIm('via kamailio', session.now());
      assert.type(id, 'number');
      await waitFor('the IM on bob\'s display', () => bob.screen().some((l) => l.includes('via kamailio')), 6000);

      // No dialog PUBLISH through the UA: the call reaches watchers as RPID on-the-phone.
      alice.setPresence('available', session.now());
      await waitFor('green again', () => lamp(bob) === 'green', 6000);
      alice.takeCall(session.now());
      await waitFor('bob sees alice on the phone', () => bob.watched[0]!.presence === 'on-the-phone' && lamp(bob) === 'red', 6000);
    } catch (e) {
      if (k !== null) console.error(`--- sim log ---\n${log.join('\n')}\n--- kamailio log (tail) ---\n${k.log().slice(-3000)}`);
      throw e;
    } finally {
      await s?.close();
      await k?.stop();
    }
    assert.ok(log.some((l) => /alice: registration unregistered/.test(l)), `unregistered on close:\n${log.join('\n')}`);
  });
}

test.run();
