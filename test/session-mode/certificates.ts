// Test certificates made at test time by the openssl CLI in a temporary directory (the same
// recipe as test/platform-node/tls.test.ts): a CA, a second unrelated CA (the "wrong CA"), and
// one certificate per phone for 127.0.0.1 / ::1 / localhost, usable as TLS server and client.
// Nothing is checked in: a clone tests itself as long as `openssl` is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TestPki {
  readonly dir: string;
  /** PEM of the CA that signed every phone certificate. */
  readonly ca: Buffer;
  /** PEM of a CA that signed nothing we use. */
  readonly otherCa: Buffer;
  /** A phone's certificate and key (PEM). */
  identity(name: string): { cert: Buffer; key: Buffer };
  /** A self-signed certificate and key for `name` (no CA), for a=fingerprint-only trust. */
  selfSigned(name: string): { cert: Buffer; key: Buffer };
  remove(): void;
}

export function makePki(names: readonly string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'hardphone-msrps-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=hardphone MSRP test CA', ...caExt);
  openssl('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=some other CA', ...caExt);
  const san = 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1';
  writeFileSync(join(dir, 'phone.ext'), `${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n`);
  for (const name of names) {
    openssl('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
      '-out', `${name}.crt`, '-extfile', 'phone.ext');
    openssl('req', '-x509', ...ec, '-keyout', `${name}-self.key`, '-out', `${name}-self.crt`, '-days', '2', '-subj', `/CN=${name}`,
      '-addext', san);
  }
  const read = (f: string) => readFileSync(join(dir, f));
  return {
    dir, ca: read('ca.crt'), otherCa: read('other-ca.crt'),
    identity: (name) => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) }),
    selfSigned: (name) => ({ cert: read(`${name}-self.crt`), key: read(`${name}-self.key`) }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
