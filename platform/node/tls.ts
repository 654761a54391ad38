// TLS client socket (the ECMA-419 `…/tcp/tls` shape: TcpSocketOptions with `tls`) over node:tls.
// The server certificate is verified unless `tls.verify === false` is given explicitly:
// RFC 5922 §7 requires a SIP client to check the server's identity against the host name the
// target came from (Target.host in core/transport/targets.ts), which is what `tls.host` carries.
//   - SNI (RFC 6066 §3) carries tls.host when it is a DNS name; SNI never carries IP literals.
//   - The identity check is made against tls.host, not against the connected address, so a
//     target reached through SRV/A records is still checked against the name the user asked for.
//   - Trust anchors: per-socket `tls.ca` (DER), else the host-wide CA bundle (NodeTlsConfig.ca,
//     PEM), else Node's built-in Mozilla roots. A failed check arrives as onError with
//     `error.certificate === true` and a message naming the OpenSSL reason.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { TcpSocketOptions, TlsOptions } from '../host/socket.js';
import { ipFamily } from './addresses.js';
import { NodeTcpSocket, type Connector, type NodeTcpConfig } from './tcp.js';

export interface NodeTlsConfig extends NodeTcpConfig {
  /** Host-wide trust anchors, PEM (a CA bundle), used when a socket's options name none. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Host-wide client certificate chain and key, PEM, used when a socket's options name none. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

// TLS protocol versions as they appear on the wire (RFC 8446 §4.2.1), which is what an
// embedded stack's `minimumVersion` number most naturally means.
const VERSIONS: Readonly<Record<number, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'>> = {
  0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3',
};

function derCertificateToPem(der: Uint8Array, what: string): string {
  try {
    return new X509Certificate(der).toString();
  } catch (e) {
    throw new TypeError(`TLS: ${what} is not a DER certificate (${(e as Error).message})`);
  }
}

function derKeyToPem(der: Uint8Array): string {
  const buffer = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: buffer, format: 'der', type }).export({ format: 'pem', type: 'pkcs8' }) as string;
    } catch {
      // Try the next DER container.
    }
  }
  throw new TypeError('TLS: clientKey is not a DER private key (PKCS#8, SEC1 or PKCS#1)');
}

/** Builds node:tls options from the host interface's TlsOptions; throws on bad options. */
export function nodeTlsOptions(tls: TlsOptions | undefined, config: NodeTlsConfig): ConnectionOptions {
  if (tls === null || typeof tls !== 'object') throw new TypeError('TLS: options.tls required');
  if (typeof tls.host !== 'string' || tls.host.length === 0) throw new TypeError('TLS: tls.host (server name) required');
  if (tls.verify !== undefined && typeof tls.verify !== 'boolean') throw new TypeError('TLS: tls.verify must be a boolean');
  const serverName = tls.host.startsWith('[') && tls.host.endsWith(']') ? tls.host.slice(1, -1) : tls.host;
  const out: ConnectionOptions = {
    rejectUnauthorized: tls.verify !== false,
    checkServerIdentity: (_connectedHost: string, cert: PeerCertificate) => checkServerIdentity(serverName, cert),
    minVersion: 'TLSv1.2',
  };
  if (ipFamily(serverName) === 0) out.servername = serverName;
  if (tls.ca !== undefined) {
    if (!Array.isArray(tls.ca)) throw new TypeError('TLS: tls.ca must be an array of DER certificates');
    out.ca = tls.ca.map((der, i) => derCertificateToPem(der, `tls.ca[${i}]`));
  } else if (config.ca !== undefined) {
    out.ca = config.ca as ConnectionOptions['ca'];
  }
  if ((tls.clientCertificate === undefined) !== (tls.clientKey === undefined)) {
    throw new TypeError('TLS: clientCertificate and clientKey go together');
  }
  if (tls.clientCertificate !== undefined && tls.clientKey !== undefined) {
    out.cert = derCertificateToPem(tls.clientCertificate, 'clientCertificate');
    out.key = derKeyToPem(tls.clientKey);
  } else if (config.cert !== undefined || config.key !== undefined) {
    if (config.cert === undefined || config.key === undefined) throw new TypeError('TLS: host cert and key go together');
    out.cert = config.cert;
    out.key = config.key;
  }
  if (tls.minimumVersion !== undefined) {
    const version = VERSIONS[tls.minimumVersion];
    if (version === undefined) throw new RangeError(`TLS: unknown minimumVersion 0x${tls.minimumVersion.toString(16)}`);
    out.minVersion = version;
  }
  return out;
}

export class NodeTlsSocket extends NodeTcpSocket {
  constructor(options: TcpSocketOptions, config: NodeTlsConfig = {}) {
    // Built (and validated) before the base class takes any resource.
    const secure = options !== null && typeof options === 'object' ? nodeTlsOptions(options.tls, config) : undefined;
    const connector: Connector = {
      label: 'TLS',
      peerName: options?.tls?.host,
      readyEvent: 'secureConnect',
      open: (o) => tlsConnect({ ...secure, host: o.address, port: o.port }),
    };
    super(options, config, connector);
  }
}
