// Account files for `hardphone register` (issue #3): JSON decoded with io-ts, so a bad file gets
// an error that names the field ("expires: expected an integer from 10 to 86400").
//
//   { "aor": "sip:alice@127.0.0.1", "username": "alice", "password": "alicepw",
//     "registrar": "sip:127.0.0.1:5060;transport=udp", "expires": 60,
//     "outboundProxy": "sip:127.0.0.1:5060",                        optional
//     "transport": "udp" | "tcp" | "tls" | "ws" | "wss",            optional (else from registrar)
//     "tls": { "caFile": "ca.pem", "verify": true },                optional (also for wss)
//     "websocket": { "path": "/", "pingIntervalSeconds": 30 },      optional (ws/wss, RFC 7118; WebSocket
//                                                                   pings keep a ws flow alive: use them, not keepalive)
//     "keepalive": { "mode": "stun" | "udp-crlf" | "stream-ping" | "off", "intervalSeconds": 25 } }
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { formatErrors } from '../boards/report.js';
import { intRange, matching, oneOf, strictObject } from '../boards/codec-kit.js';

const SipUri = matching('a sip: or sips: URI', /^sips?:[^\s]+$/i);

const Tls = strictObject('tls settings', {}, {
  caFile: t.string,
  certFile: t.string,
  keyFile: t.string,
  verify: t.boolean,
});

const WebSocket = strictObject('websocket settings', {}, {
  path: matching('an HTTP request target starting with "/"', /^\/[\x21-\x7e]*$/),
  pingIntervalSeconds: intRange(5, 3600),
});

const Keepalive = strictObject('keep-alive settings', { mode: oneOf(['stun', 'udp-crlf', 'stream-ping', 'off'] as const) }, {
  intervalSeconds: intRange(5, 3600),
});

export const AccountFile = strictObject('account', { aor: SipUri, registrar: SipUri }, {
  username: t.string,
  password: t.string,
  displayName: t.string,
  expires: intRange(10, 86400),
  outboundProxy: SipUri,
  transport: oneOf(['udp', 'tcp', 'tls', 'ws', 'wss'] as const),
  localAddress: t.string,
  localPort: intRange(0, 65535),
  tls: Tls,
  websocket: WebSocket,
  keepalive: Keepalive,
});

export type AccountFile = t.TypeOf<typeof AccountFile>;

export function decodeAccount(text: string, fileName: string): { ok: true; value: AccountFile } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`${fileName}: not JSON: ${(e as Error).message}`] };
  }
  const r = AccountFile.decode(json);
  if (isLeft(r)) return { ok: false, errors: formatErrors(r.left).map((line) => `${fileName}: ${line}`) };
  // RFC 7118 has no CRLF/STUN keep-alive: on ws/wss the flow is kept alive by WebSocket pings.
  const kind = accountTransport(r.right);
  if ((kind === 'ws' || kind === 'wss') && r.right.keepalive !== undefined && r.right.keepalive.mode !== 'off') {
    return { ok: false, errors: [`${fileName}: keepalive.mode: "${r.right.keepalive.mode}" does not exist on a ${kind} flow (RFC 7118); use websocket.pingIntervalSeconds instead`] };
  }
  return { ok: true, value: r.right };
}

/** The transport an account uses: explicit, else the registrar URI's transport parameter, else UDP (sips: → TLS). */
export function accountTransport(a: AccountFile): 'udp' | 'tcp' | 'tls' | 'ws' | 'wss' {
  if (a.transport) return a.transport;
  const param = /;transport=(udp|tcp|tls|wss|ws)\b/i.exec(a.registrar)?.[1]?.toLowerCase();
  if (param === 'udp' || param === 'tcp' || param === 'tls' || param === 'ws' || param === 'wss') return param;
  return /^sips:/i.test(a.registrar) ? 'tls' : 'udp';
}
