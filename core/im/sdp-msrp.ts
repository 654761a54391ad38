// SDP offer/answer for MSRP sessions (RFC 3264 applied as RFC 4975 §8 says):
//   m=message <port> TCP/MSRP *        (TCP/TLS/MSRP for msrps)
//   a=path:<MSRP URI> *(SP <MSRP URI>)             §8.1: the URIs to reach this endpoint
//   a=accept-types:<type> *(SP <type>)             §8.6: required; "*" means anything
//   a=accept-wrapped-types:<type> *(SP <type>)     types allowed inside message/cpim
//   a=max-size:<octets>                            §8.6: the largest message this end takes
//   a=setup:active|passive|actpass                 RFC 6135 §4.1 (from RFC 4145 §4)
//   a=connection:new|existing                      RFC 6135 §4.2 (from RFC 4145 §5)
//   a=fingerprint:<hash-func> <hex pairs>          RFC 8122 §5: the certificate of a TLS stream
//
// TLS (RFC 4975 §6, §14.2, §15): a TCP/TLS/MSRP stream carries msrps: paths. An answer keeps the
// offer's proto (RFC 3264 §6 lets the answerer reject a stream, not change its transport), so a
// TLS offer is never answered with TCP/MSRP: an answerer without TLS refuses the stream with
// port 0 (`refuseMsrpOffer`), and `answerMsrpOffer` reports E_SDP_TLS_MISMATCH.
//
// Connection roles (RFC 6135 §4.1): the offerer says actpass (either way), the answerer picks.
// A phone behind NAT cannot accept inbound TCP, so by default it answers "active" (it connects
// out). An offer without a=setup keeps RFC 4975's rule: the offerer connects (it is active),
// so the answerer is passive; likewise an answer without a=setup means the offerer connects.
import { Ok, Err, type Result } from '../result.js';
import { parseMsrpUri, type MsrpUri } from '../msrp/uri.js';
import { findAttribute, writeSdp, type SdpSession, type SdpMedia, type SdpError, type SdpAttribute } from './sdp.js';
import { parseFingerprint } from './sdp-fingerprint.js';

// A host checking the TLS peer's certificate needs these next to the offer/answer (one module for firmware bundles).
export { certificateFingerprint, fingerprintMatches, parseFingerprint } from './sdp-fingerprint.js';

export const E_SDP_NO_MSRP_MEDIA = -771;
export const E_SDP_NO_PATH = -772;
export const E_SDP_BAD_PATH = -773;
export const E_SDP_NO_ACCEPT_TYPES = -774;
export const E_SDP_BAD_SETUP = -775;
export const E_SDP_NO_COMMON_TYPE = -776;
export const E_SDP_REJECTED = -777;
export const E_SDP_BAD_MAX_SIZE = -778;
export const E_SDP_TLS_MISMATCH = -779;
export const E_SDP_BAD_FINGERPRINT = -780;

export type SetupRole = 'active' | 'passive' | 'actpass' | 'holdconn';
export type ConnectionAttr = 'new' | 'existing';

/** The m=message section of an SDP, read and checked. */
export interface MsrpMediaDescription {
  index: number;
  port: number;
  secure: boolean;
  /** c= address (informational: §8.1 says connect to the first a=path URI). */
  address: string;
  path: string[];
  pathUris: MsrpUri[];
  acceptTypes: string[];
  acceptWrappedTypes: string[];
  /** a=max-size, or -1 when absent. */
  maxSize: number;
  setup: SetupRole | null;
  connection: ConnectionAttr | null;
  /** a=fingerprint values (media level, else session level; RFC 8122 §5), as written. */
  fingerprints: string[];
}

const PROTO_TCP = 'TCP/MSRP';
const PROTO_TLS = 'TCP/TLS/MSRP';

function isMsrpMedia(m: SdpMedia): boolean {
  return m.media === 'message' && (m.proto === PROTO_TCP || m.proto === PROTO_TLS);
}

function words(v: string | null | undefined): string[] {
  return (v ?? '').split(' ').filter((w) => w !== '');
}

function fingerprintsOf(list: readonly SdpAttribute[]): string[] {
  const out: string[] = [];
  for (const a of list) if (a.name === 'fingerprint' && a.value !== null) out.push(a.value);
  return out;
}

/**
 * The first (or `index`th) m=message TCP/MSRP or TCP/TLS/MSRP section. Port 0 means the stream
 * was refused (RFC 3264 §6): such a section is returned as it is (its a=path may be absent,
 * "any media formats listed are ignored"), so the caller sees the refusal, not a syntax error.
 */
export function readMsrpMedia(sdp: SdpSession, index = -1): Result<MsrpMediaDescription, SdpError> {
  const at = index >= 0 ? index : sdp.media.findIndex(isMsrpMedia);
  const m = sdp.media[at];
  if (!m || !isMsrpMedia(m)) return Err({ code: E_SDP_NO_MSRP_MEDIA, offset: 0 });
  if (m.port === 0) {
    return Ok({
      index: at, port: 0, secure: m.proto === PROTO_TLS, address: (m.connection ?? sdp.connection)?.address ?? '', path: [], pathUris: [],
      acceptTypes: [], acceptWrappedTypes: [], maxSize: -1, setup: null, connection: null, fingerprints: [],
    });
  }
  const path = words(findAttribute(m.attributes, 'path')?.value);
  if (path.length === 0) return Err({ code: E_SDP_NO_PATH, offset: 0 });
  const pathUris: MsrpUri[] = [];
  for (const p of path) {
    const u = parseMsrpUri(p);
    if (!u.ok) return Err({ code: E_SDP_BAD_PATH, offset: 0 });
    pathUris.push(u.val);
  }
  const acceptTypes = words(findAttribute(m.attributes, 'accept-types')?.value);
  if (acceptTypes.length === 0) return Err({ code: E_SDP_NO_ACCEPT_TYPES, offset: 0 });
  const maxSizeAttr = findAttribute(m.attributes, 'max-size');
  let maxSize = -1;
  if (maxSizeAttr) {
    if (!maxSizeAttr.value || !/^[0-9]{1,15}$/.test(maxSizeAttr.value)) return Err({ code: E_SDP_BAD_MAX_SIZE, offset: 0 });
    maxSize = Number(maxSizeAttr.value);
  }
  const setupValue = findAttribute(m.attributes, 'setup')?.value ?? findAttribute(sdp.attributes, 'setup')?.value ?? null;
  if (setupValue !== null && !['active', 'passive', 'actpass', 'holdconn'].includes(setupValue)) return Err({ code: E_SDP_BAD_SETUP, offset: 0 });
  const connValue = findAttribute(m.attributes, 'connection')?.value ?? null;
  if (connValue !== null && connValue !== 'new' && connValue !== 'existing') return Err({ code: E_SDP_BAD_SETUP, offset: 0 });
  const secure = m.proto === PROTO_TLS;
  // §8.1 / §6: msrps URIs go with TCP/TLS/MSRP and msrp with TCP/MSRP (for the URI we connect to).
  if (pathUris[0]!.secure !== secure) return Err({ code: E_SDP_TLS_MISMATCH, offset: 0 });
  const mediaPrints = fingerprintsOf(m.attributes);
  const fingerprints = mediaPrints.length > 0 ? mediaPrints : fingerprintsOf(sdp.attributes);
  for (const f of fingerprints) if (!parseFingerprint(f).ok) return Err({ code: E_SDP_BAD_FINGERPRINT, offset: 0 });
  return Ok({
    index: at, port: m.port, secure, address: (m.connection ?? sdp.connection)?.address ?? '', path, pathUris,
    acceptTypes, acceptWrappedTypes: words(findAttribute(m.attributes, 'accept-wrapped-types')?.value),
    maxSize, setup: setupValue as SetupRole | null, connection: connValue as ConnectionAttr | null, fingerprints,
  });
}

/** What this endpoint puts in its offer or answer. */
export interface MsrpLocalMedia {
  /** Our c= address and m= port (the port of our a=path URI). */
  address: string;
  addrType?: 'IP4' | 'IP6';
  port: number;
  /** TCP/TLS/MSRP with an msrps: `uri` (true) or TCP/MSRP with msrp: (false). */
  secure: boolean;
  /** Our MSRP URI (a=path). */
  uri: string;
  /** a=fingerprint of the certificate we present (RFC 8122 §5), written for TLS streams only. */
  fingerprint?: string;
  acceptTypes: string[];
  acceptWrappedTypes?: string[];
  maxSize?: number;
  /** Behind NAT: prefer to connect out (answer "active"). Default true for a desk phone. */
  behindNat?: boolean;
  /** Offer only: a=setup to offer (default actpass). */
  offerSetup?: SetupRole;
  /** We already have a connection the peer could reuse (RFC 6135 §4.2). */
  existingConnection?: boolean;
  username?: string;
  sessionId?: string;
  sessionVersion?: string;
}

/** The result both ends agree on. */
export interface NegotiatedMsrp {
  /** active: we open the TCP connection (to `connectTo`); passive: we wait for it. */
  role: 'active' | 'passive';
  connection: ConnectionAttr;
  secure: boolean;
  localPath: string;
  /** The peer's a=path, space-separated: the To-Path of what we send. */
  remotePath: string;
  /** §8.1: the first URI of the peer's path is where to connect. */
  connectTo: { host: string; port: number };
  /** What the peer accepts: what we may send. */
  remoteAcceptTypes: string[];
  remoteAcceptWrappedTypes: string[];
  remoteMaxSize: number;
  /** TLS: the peer's a=fingerprint values; the host checks the certificate it presents against them. */
  remoteFingerprints: string[];
}

function msrpMediaSection(local: MsrpLocalMedia, setup: SetupRole, connection: ConnectionAttr | null): SdpMedia {
  const attributes = [
    { name: 'accept-types', value: local.acceptTypes.join(' ') },
    ...(local.acceptWrappedTypes?.length ? [{ name: 'accept-wrapped-types', value: local.acceptWrappedTypes.join(' ') }] : []),
    ...(local.maxSize !== undefined && local.maxSize >= 0 ? [{ name: 'max-size', value: String(local.maxSize) }] : []),
    { name: 'path', value: local.uri },
    { name: 'setup', value: setup },
    ...(connection ? [{ name: 'connection', value: connection }] : []),
    ...(local.secure && local.fingerprint ? [{ name: 'fingerprint', value: local.fingerprint }] : []),
  ];
  return { media: 'message', port: local.port, portCount: 1, proto: local.secure ? PROTO_TLS : PROTO_TCP, formats: ['*'], connection: null, attributes, other: [] };
}

function sessionFor(local: MsrpLocalMedia, media: SdpMedia): SdpSession {
  const addrType = local.addrType ?? (local.address.includes(':') ? 'IP6' : 'IP4');
  return {
    version: 0,
    origin: { username: local.username ?? '-', sessionId: local.sessionId ?? '0', sessionVersion: local.sessionVersion ?? '0', netType: 'IN', addrType, address: local.address },
    sessionName: '-', connection: { netType: 'IN', addrType, address: local.address }, times: ['0 0'], attributes: [], media: [media], other: [],
  };
}

/** The SDP offer for one MSRP stream (RFC 6135: a=setup:actpass unless told otherwise). */
export function buildMsrpOffer(local: MsrpLocalMedia): string {
  return writeSdp(sessionFor(local, msrpMediaSection(local, local.offerSetup ?? 'actpass', 'new')));
}

/** "*" matches anything, "text/*" a whole top-level type, else exact (case-insensitive). */
export function mediaTypeMatches(pattern: string, type: string): boolean {
  const p = pattern.toLowerCase();
  const t = (type.split(';')[0] ?? '').trim().toLowerCase();
  if (p === '*' || t === '*') return true;
  if (p.endsWith('/*')) return t.startsWith(p.slice(0, -1));
  if (t.endsWith('/*')) return p.startsWith(t.slice(0, -1));
  return p === t;
}

function negotiated(role: 'active' | 'passive', connection: ConnectionAttr, local: MsrpLocalMedia, remote: MsrpMediaDescription): NegotiatedMsrp {
  const first = remote.pathUris[0]!;
  return {
    role, connection, secure: remote.secure, localPath: local.uri, remotePath: remote.path.join(' '),
    connectTo: { host: first.host, port: first.port },
    remoteAcceptTypes: remote.acceptTypes, remoteAcceptWrappedTypes: remote.acceptWrappedTypes, remoteMaxSize: remote.maxSize,
    remoteFingerprints: remote.secure ? remote.fingerprints : [],
  };
}

/**
 * RFC 3264 §6 answer to an MSRP offer: our path, our accept-types, and the connection role
 * chosen per RFC 6135. Err when the stream cannot be accepted (the caller answers 488, or
 * port 0 for that m= line).
 */
export function answerMsrpOffer(offer: SdpSession, local: MsrpLocalMedia): Result<{ sdp: string; negotiated: NegotiatedMsrp }, SdpError> {
  const read = readMsrpMedia(offer);
  if (!read.ok) return read;
  const remote = read.val;
  if (remote.port === 0) return Err({ code: E_SDP_REJECTED, offset: 0 });
  if (remote.secure !== local.secure) return Err({ code: E_SDP_TLS_MISMATCH, offset: 0 });
  // §8.6: a session where neither side can send the other anything is useless.
  const common = local.acceptTypes.some((ours) => remote.acceptTypes.some((theirs) => mediaTypeMatches(ours, theirs)));
  if (!common) return Err({ code: E_SDP_NO_COMMON_TYPE, offset: 0 });
  const behindNat = local.behindNat ?? true;
  let ourSetup: 'active' | 'passive';
  switch (remote.setup) {
    case 'actpass': ourSetup = behindNat ? 'active' : 'passive'; break;
    case 'passive': ourSetup = 'active'; break;
    case 'holdconn': return Err({ code: E_SDP_BAD_SETUP, offset: 0 });
    default: ourSetup = 'passive'; // 'active' or absent: the offerer connects (RFC 4975 §5.4)
  }
  const connection: ConnectionAttr = remote.connection === 'existing' && local.existingConnection ? 'existing' : 'new';
  const sdp = writeSdp(sessionFor(local, msrpMediaSection(local, ourSetup, remote.connection ? connection : null)));
  return Ok({ sdp, negotiated: negotiated(ourSetup, connection, local, remote) });
}

/**
 * RFC 3264 §6 refusal of the offered MSRP stream: the answer repeats the m= line with port 0
 * (same media and proto: an answer may not switch TCP/TLS/MSRP to TCP/MSRP). Used when the stream
 * cannot be taken as offered, notably a TLS offer to an endpoint without TLS. Null when the
 * offer has no MSRP stream to refuse.
 */
export function refuseMsrpOffer(offer: SdpSession, local: Pick<MsrpLocalMedia, 'address' | 'addrType' | 'username' | 'sessionId' | 'sessionVersion'>): string | null {
  const m = offer.media.find(isMsrpMedia);
  if (!m) return null;
  const refused: SdpMedia = { media: m.media, port: 0, portCount: 1, proto: m.proto, formats: m.formats.length ? m.formats.slice() : ['*'], connection: null, attributes: [], other: [] };
  return writeSdp(sessionFor({ ...local, port: 0, secure: m.proto === PROTO_TLS, uri: '', acceptTypes: [] }, refused));
}

/** The offerer's side: what the answer means for us. */
export function acceptMsrpAnswer(answer: SdpSession, local: MsrpLocalMedia): Result<NegotiatedMsrp, SdpError> {
  const read = readMsrpMedia(answer);
  if (!read.ok) return read;
  const remote = read.val;
  if (remote.port === 0) return Err({ code: E_SDP_REJECTED, offset: 0 });
  if (remote.secure !== local.secure) return Err({ code: E_SDP_TLS_MISMATCH, offset: 0 });
  const offered = local.offerSetup ?? 'actpass';
  let role: 'active' | 'passive';
  if (remote.setup === 'active') role = 'passive';
  else if (remote.setup === 'passive' || remote.setup === null) role = 'active';
  else return Err({ code: E_SDP_BAD_SETUP, offset: 0 }); // an answer must pick: actpass/holdconn are not answers
  // The answer must be compatible with what we offered (RFC 4145 §4.1).
  if ((offered === 'active' && role !== 'active') || (offered === 'passive' && role !== 'passive')) return Err({ code: E_SDP_BAD_SETUP, offset: 0 });
  return Ok(negotiated(role, remote.connection ?? 'new', local, remote));
}
