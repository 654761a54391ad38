// NodeTlsSocket against a node:tls server on loopback, with a CA and certificates made by the
// openssl CLI in a temporary directory: verification is on by default (an unknown CA fails with a
// readable reason), succeeds once the CA is configured (DER per socket, or PEM host-wide), checks
// the name the target came from, sends SNI, and presents a client certificate when given one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { NodeTlsSocket, nodeHost, type NodeTlsConfig } from '../../platform/node/index.js';
import type { TcpSocket, TcpSocketOptions, TlsOptions } from '../../platform/host/index.js';
import { signal, skipLoudly } from './helpers.js';

const TIMEOUT = 4000;

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const OPENSSL = haveOpenssl();
let dir = '';
const pem = (name: string) => readFileSync(join(dir, name));
const der = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A test CA, a server certificate for sip.test / 127.0.0.1 / ::1, a client certificate. */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=hardphone test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:sip.test,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [['server', 'sip.test'], ['client', 'phone-1']] as const) {
    openssl('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-out', `${name}.crt`, '-extfile', `${name}.ext`);
  }
  openssl('x509', '-in', 'ca.crt', '-outform', 'DER', '-out', 'ca.der');
  openssl('x509', '-in', 'client.crt', '-outform', 'DER', '-out', 'client.der');
  // SEC1 DER ("EC PRIVATE KEY"), not PKCS#8: the adapter must recognise both.
  openssl('ec', '-in', 'client.key', '-outform', 'DER', '-out', 'client.key.der');
}

interface TestServer { server: Server; port: number; serverNames: (string | false)[]; clientNames: string[] }

async function startServer(requestClientCert = false): Promise<TestServer> {
  const serverNames: (string | false)[] = [];
  const clientNames: string[] = [];
  const server = createServer({
    key: pem('server.key'),
    cert: pem('server.crt'),
    ...(requestClientCert ? { ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true } : {}),
  }, (socket: TLSSocket) => {
    serverNames.push(socket.servername as string | false);
    const peer = socket.getPeerCertificate();
    if (peer && peer.subject) clientNames.push(String(peer.subject.CN));
    socket.on('data', (d) => socket.write(d)); // echo
    socket.on('error', () => {});
  });
  server.on('tlsClientError', () => {});
  const listening = signal<void>();
  server.listen(0, '127.0.0.1', () => listening.resolve());
  await listening.wait(TIMEOUT, 'TLS test server');
  return { server, port: (server.address() as { port: number }).port, serverNames, clientNames };
}

type Outcome = { kind: 'connected'; echo: string } | { kind: 'error'; code: string; message: string; certificate: boolean };

/** Connects, sends "PING" once writable, and reports the echo or the error. */
async function attempt(
  port: number, tls: TlsOptions, make: (o: TcpSocketOptions) => TcpSocket = (o) => new NodeTlsSocket(o),
): Promise<Outcome> {
  const outcome = signal<Outcome>();
  const rx = new Uint8Array(64);
  let socket: TcpSocket | undefined;
  try {
    socket = make({
      address: '127.0.0.1',
      port,
      tls,
      onWritable() { this.write(Uint8Array.from([80, 73, 78, 71])); },
      onReadable() {
        const n = this.read(rx);
        outcome.resolve({ kind: 'connected', echo: Buffer.from(rx.subarray(0, n)).toString() });
      },
      onError(this: TcpSocket, ...args: unknown[]) {
        const e = (this as NodeTlsSocket).error!;
        assert.is(args[0], e, 'the reason is also the callback argument');
        outcome.resolve({ kind: 'error', code: e.code, message: e.message, certificate: e.certificate });
      },
    });
    return await outcome.wait(TIMEOUT, 'TLS connect outcome');
  } finally {
    socket?.close();
  }
}

test.before(() => {
  if (!OPENSSL) return;
  dir = mkdtempSync(join(tmpdir(), 'hardphone-tls-'));
  makeCertificates();
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the server certificate is verified by default: an unknown CA fails through onError with a readable reason', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed (apt-get install openssl)');
  const s = await startServer();
  try {
    const out = await attempt(s.port, { host: 'sip.test' });
    assert.is(out.kind, 'error');
    if (out.kind !== 'error') return;
    assert.ok(out.certificate, `flagged as a certificate failure: ${out.code}`);
    assert.ok(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(out.code), out.code);
    assert.match(out.message, /certificate verification failed/);
    assert.match(out.message, /unable to (verify|get)/i);
  } finally {
    s.server.close();
  }
});

test('with the CA configured (DER, per socket) the connection verifies, carries SNI and works', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer();
  try {
    const out = await attempt(s.port, { host: 'sip.test', ca: [der('ca.der')] });
    assert.equal(out, { kind: 'connected', echo: 'PING' });
    assert.equal(s.serverNames, ['sip.test'], 'SNI names the target host');
  } finally {
    s.server.close();
  }
});

test('a host-wide PEM CA bundle (nodeHost tls.ca) is used when the socket names none', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer();
  const config: NodeTlsConfig = { ca: pem('ca.crt').toString() };
  const host = nodeHost({ tls: config, dns: false });
  try {
    const out = await attempt(s.port, { host: 'sip.test' }, (o) => new host.network.TLS!(o));
    assert.equal(out, { kind: 'connected', echo: 'PING' });
  } finally {
    s.server.close();
  }
});

test('the certificate must match the name the target came from, not just any trusted name', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer();
  try {
    const out = await attempt(s.port, { host: 'registrar.other.test', ca: [der('ca.der')] });
    assert.is(out.kind, 'error');
    if (out.kind !== 'error') return;
    assert.is(out.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
    assert.ok(out.certificate);
    assert.match(out.message, /registrar\.other\.test/);
  } finally {
    s.server.close();
  }
});

test('a numeric host is checked against the IP subjectAltName and sends no SNI', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer();
  try {
    const out = await attempt(s.port, { host: '127.0.0.1', ca: [der('ca.der')] });
    assert.equal(out, { kind: 'connected', echo: 'PING' });
    assert.equal(s.serverNames, [false], 'no SNI for an IP literal (RFC 6066 §3)');
  } finally {
    s.server.close();
  }
});

test('verification is only skipped when verify:false is given explicitly', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer();
  try {
    assert.equal(await attempt(s.port, { host: 'sip.test', verify: false }), { kind: 'connected', echo: 'PING' });
  } finally {
    s.server.close();
  }
});

test('a client certificate and key (DER) are presented for mutual TLS', async () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  const s = await startServer(true);
  try {
    const out = await attempt(s.port, {
      host: 'sip.test', ca: [der('ca.der')], clientCertificate: der('client.der'), clientKey: der('client.key.der'),
    });
    assert.equal(out, { kind: 'connected', echo: 'PING' });
    assert.equal(s.clientNames, ['phone-1']);
  } finally {
    s.server.close();
  }
});

test('TLS options are validated before connecting', () => {
  if (!OPENSSL) return skipLoudly('TLS tests', 'the openssl CLI is not installed');
  assert.throws(() => new NodeTlsSocket({ address: '127.0.0.1', port: 5061 }), /tls required/);
  assert.throws(() => new NodeTlsSocket({ address: '127.0.0.1', port: 5061, tls: { host: '' } }), /server name/);
  assert.throws(() => new NodeTlsSocket({ address: '127.0.0.1', port: 5061, tls: { host: 'sip.test', clientCertificate: der('client.der') } }), /go together/);
  assert.throws(() => new NodeTlsSocket({ address: '127.0.0.1', port: 5061, tls: { host: 'sip.test', ca: [new Uint8Array([1, 2, 3])] } }), /DER certificate/);
  assert.throws(() => new NodeTlsSocket({ address: '127.0.0.1', port: 5061, tls: { host: 'sip.test', minimumVersion: 0x0200 } }), /minimumVersion/);
});

test.run();
