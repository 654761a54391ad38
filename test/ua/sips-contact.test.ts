// RFC 3261 §8.1.1.8: "If the Request-URI or top Route header field value contains a SIPS URI, the
// Contact header field MUST contain a SIPS URI as well." Found by the stream soak: a TLS account
// with a sips: registrar wrote Contact <sip:…;transport=tls>. The Contact of the UA's requests
// and of its 2xx answers follows the scheme of where the account's requests go.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserAgent, Outgoing, type UaConfig } from '../../core/ua/index.js';
import { streamModule } from '../../core/ua/stream-flows.js';

const BASE: UaConfig = { aor: 'sip:alice@example.com', registrar: null, localAddress: '192.0.2.20', localPort: 5061, random: () => 0.25 };

/** The REGISTER the UA sends first, as text. */
function firstRegister(config: Partial<UaConfig>): string {
  const ua = new UserAgent({ ...BASE, ...config }, { streams: streamModule });
  assert.ok(ua.register(0).ok);
  const out = new Outgoing();
  assert.ok(ua.pollTransmit(out), 'a REGISTER is queued');
  return String.fromCharCode(...out.bytes.subarray(out.off, out.off + out.len));
}

const contactOf = (message: string): string => /\r\nContact: ([^\r]*)/.exec(message)?.[1] ?? '';

test('a sips: registrar: the REGISTER goes to a SIPS Request-URI with a SIPS Contact', () => {
  const register = firstRegister({ aor: 'sips:alice@example.com', registrar: 'sips:example.com', transport: 'tls' });
  assert.ok(register.startsWith('REGISTER sips:example.com SIP/2.0\r\n'), register);
  assert.is(contactOf(register), '<sips:alice@192.0.2.20:5061>');
});

test('a sips: outbound proxy decides for a sip: registrar behind it', () => {
  const register = firstRegister({ registrar: 'sip:example.com', outboundProxy: 'sips:proxy.example.com', transport: 'tls' });
  assert.is(contactOf(register), '<sips:alice@192.0.2.20:5061>');
});

test('sip: over TLS (hop by hop) and over UDP keep a sip: Contact naming the transport', () => {
  assert.is(contactOf(firstRegister({ registrar: 'sip:example.com;transport=tls', transport: 'tls' })), '<sip:alice@192.0.2.20:5061;transport=tls>');
  assert.is(contactOf(firstRegister({ registrar: 'sip:example.com' })), '<sip:alice@192.0.2.20:5061;transport=udp>');
});

test.run();
