// Two sessions over real TLS on 127.0.0.1 (node:tls, msrps): 1 MB in 16 KB chunks with a success
// REPORT arrives byte for byte, as over TCP (tcp.test.ts); the path bench/msrp.ts times. The
// certificates come from the openssl CLI at test time. Every wait is bounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MSRP_EVENT } from '../../core/msrp/index.js';
import { transferOverTcp, lcg } from './support.js';
import { haveOpenssl, makePki } from '../session-mode/certificates.js';

test('1 MB in 16 KB chunks over TLS with Success-Report: yes arrives byte-identical and is reported delivered', async () => {
  if (!haveOpenssl()) { console.warn('\n  !! SKIPPED MSRP over TLS: the openssl CLI is not installed\n'); return; }
  const pki = makePki(['bob']);
  try {
    const rnd = lcg(4976);
    const data = new Uint8Array(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
    const r = await transferOverTcp(data, { chunkSize: 16384, successReport: true, timeoutMs: 15000, tls: { ...pki.identity('bob'), ca: pki.ca } });
    const done = r.senderEvents.filter((e) => e.kind === MSRP_EVENT.DELIVERED || e.kind === MSRP_EVENT.FAILED);
    assert.equal(done.map((e) => [e.kind, e.status, e.reason]), [[MSRP_EVENT.DELIVERED, 200, 'success report']]);
    assert.ok(r.senderEvents.some((e) => e.kind === MSRP_EVENT.BOUND), '§5.4 bind SEND answered');
    assert.ok(r.received, 'the receiver got a whole message');
    assert.equal(r.received!, data);
    assert.is(r.receiverEvents.filter((e) => e.kind === MSRP_EVENT.PROTOCOL_ERROR).length, 0);
  } finally {
    pki.remove();
  }
});

test.run();
