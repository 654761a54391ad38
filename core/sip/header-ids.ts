// Header and method ids: small integers the stack switches on instead of comparing strings.
// RFC 3261 §7.3.1: header field names are case-insensitive; §7.3.3 compact forms map to the same
// id as the long form. RFC 3261 §7.1: method names are case-sensitive.
//
// Lookup allocates nothing: header names are looked up by walking one double-array automaton of
// the names (built once at module load, the same one the parser walks while it scans a name);
// a method by the one candidate its (length, first byte) selects, then a byte compare. One
// structure per concept: a second table of the header names would only cost bundle bytes.
import { CLASS, LOWER, TOKEN } from '../bytes/chars.js';

export const H = {
  UNKNOWN: 0,
  ACCEPT: 1,
  ACCEPT_ENCODING: 2,
  ACCEPT_LANGUAGE: 3,
  ALERT_INFO: 4,
  ALLOW: 5,
  AUTHENTICATION_INFO: 6,
  AUTHORIZATION: 7,
  CALL_ID: 8,
  CALL_INFO: 9,
  CONTACT: 10,
  CONTENT_DISPOSITION: 11,
  CONTENT_ENCODING: 12,
  CONTENT_LANGUAGE: 13,
  CONTENT_LENGTH: 14,
  CONTENT_TYPE: 15,
  CSEQ: 16,
  DATE: 17,
  ERROR_INFO: 18,
  EXPIRES: 19,
  FROM: 20,
  IN_REPLY_TO: 21,
  MAX_FORWARDS: 22,
  MIN_EXPIRES: 23,
  MIME_VERSION: 24,
  ORGANIZATION: 25,
  PRIORITY: 26,
  PROXY_AUTHENTICATE: 27,
  PROXY_AUTHORIZATION: 28,
  PROXY_REQUIRE: 29,
  RECORD_ROUTE: 30,
  REPLY_TO: 31,
  REQUIRE: 32,
  RETRY_AFTER: 33,
  ROUTE: 34,
  SERVER: 35,
  SUBJECT: 36,
  SUPPORTED: 37,
  TIMESTAMP: 38,
  TO: 39,
  UNSUPPORTED: 40,
  USER_AGENT: 41,
  VIA: 42,
  WARNING: 43,
  WWW_AUTHENTICATE: 44,
  // RFC 6665 (was 3265) events
  EVENT: 45,
  ALLOW_EVENTS: 46,
  SUBSCRIPTION_STATE: 47,
  // RFC 3903 PUBLISH
  SIP_ETAG: 48,
  SIP_IF_MATCH: 49,
  // RFC 3262 reliable provisionals
  RACK: 50,
  RSEQ: 51,
  // RFC 3515 / 3892 REFER
  REFER_TO: 52,
  REFERRED_BY: 53,
  // RFC 3327, 3608, 3323, 3325
  PATH: 54,
  SERVICE_ROUTE: 55,
  PRIVACY: 56,
  P_ASSERTED_IDENTITY: 57,
  P_PREFERRED_IDENTITY: 58,
  // RFC 4028 session timers
  SESSION_EXPIRES: 59,
  MIN_SE: 60,
  // RFC 3891, 3326, 5839, 3841
  REPLACES: 61,
  REASON: 62,
  SUPPRESS_IF_MATCH: 63,
  ACCEPT_CONTACT: 64,
  REJECT_CONTACT: 65,
  REQUEST_DISPOSITION: 66,
  // RFC 8224 (was 4474)
  IDENTITY: 67,
  IDENTITY_INFO: 68,
  // RFC 4538, 3911, 4488, 4244, 5393, 5626, 3329
  TARGET_DIALOG: 69,
  JOIN: 70,
  REFER_SUB: 71,
  HISTORY_INFO: 72,
  MAX_BREADTH: 73,
  FLOW_TIMER: 74,
  SECURITY_CLIENT: 75,
  SECURITY_SERVER: 76,
  SECURITY_VERIFY: 77,
  // RFC 2045 MIME headers seen on SIP messages and in multipart bodies
  CONTENT_ID: 78,
  CONTENT_TRANSFER_ENCODING: 79,
  CONTENT_DESCRIPTION: 80,
} as const;

/** One more than the largest header id: size for per-id tables. */
export const HEADER_ID_COUNT = 81;

/** Canonical long names, indexed by id (spelling from the defining RFC). */
const HEADER_NAMES: readonly string[] = [
  '', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Authentication-Info',
  'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding',
  'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Expires', 'From',
  'In-Reply-To', 'Max-Forwards', 'Min-Expires', 'MIME-Version', 'Organization', 'Priority',
  'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'Record-Route', 'Reply-To', 'Require',
  'Retry-After', 'Route', 'Server', 'Subject', 'Supported', 'Timestamp', 'To', 'Unsupported',
  'User-Agent', 'Via', 'Warning', 'WWW-Authenticate', 'Event', 'Allow-Events', 'Subscription-State',
  'SIP-ETag', 'SIP-If-Match', 'RAck', 'RSeq', 'Refer-To', 'Referred-By', 'Path', 'Service-Route',
  'Privacy', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Session-Expires', 'Min-SE', 'Replaces',
  'Reason', 'Suppress-If-Match', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition', 'Identity',
  'Identity-Info', 'Target-Dialog', 'Join', 'Refer-Sub', 'History-Info', 'Max-Breadth', 'Flow-Timer',
  'Security-Client', 'Security-Server', 'Security-Verify', 'Content-ID', 'Content-Transfer-Encoding',
  'Content-Description',
];

/** RFC 3261 §7.3.3 and §20 compact forms, plus those of RFC 6665 (o, u), 3515 (r), 3892 (b),
 *  4028 (x), 3841 (a, j, d), 8224 (y, n). */
const COMPACT_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['i', H.CALL_ID], ['m', H.CONTACT], ['e', H.CONTENT_ENCODING], ['l', H.CONTENT_LENGTH],
  ['c', H.CONTENT_TYPE], ['f', H.FROM], ['s', H.SUBJECT], ['k', H.SUPPORTED], ['t', H.TO],
  ['v', H.VIA], ['o', H.EVENT], ['u', H.ALLOW_EVENTS], ['r', H.REFER_TO], ['b', H.REFERRED_BY],
  ['x', H.SESSION_EXPIRES], ['y', H.IDENTITY], ['a', H.ACCEPT_CONTACT], ['j', H.REJECT_CONTACT],
  ['d', H.REQUEST_DISPOSITION], ['n', H.IDENTITY_INFO],
];

export function headerName(id: number): string {
  return id > 0 && id < HEADER_ID_COUNT ? HEADER_NAMES[id] : '';
}

/** The compact form letter for an id ("" when it has none), for writers that emit compact forms. */
export function compactForm(id: number): string {
  for (let i = 0; i < COMPACT_FORMS.length; i++) if (COMPACT_FORMS[i][1] === id) return COMPACT_FORMS[i][0];
  return '';
}

/** Header id for the name bytes buf[off, off+len), case-insensitive; H.UNKNOWN (0) if not known.
 *  One walk of the name automaton below (the parser's, which learns the id while it scans). */
export function lookupHeaderId(buf: Uint8Array, off: number, len: number): number {
  const column = NAME_COLUMN;
  const base = NAME_BASE;
  const check = NAME_CHECK;
  let state = NAME_START;
  for (let k = 0; k < len; k++) {
    const t = base[state] + column[buf[off + k]];
    // Column 0 (not a token byte) is no child of any state: t then fails the check too.
    if (check[t] !== state) return 0;
    state = t;
  }
  return NAME_ID[state];
}

/** lookupHeaderId for a span already known to hold token characters only (same answer). */
export const lookupTokenHeaderId = lookupHeaderId;

// ---- Header-name automaton for the parser (RFC 3261 §7.3.1: case-insensitive names) ----
// A trie of the lower-cased long names and compact letters, so the parser learns the header id
// while it scans the name: no second pass over the name. Column 0 = not a token character (the
// name ends there); letters fold to one column per letter; "-" has its own; other token
// characters share one. Any byte leaving the trie leads to the dead state 0, which stays 0 and
// has id H.UNKNOWN.
//
// Stored as a double array (Aoe, 1989) rather than a states × 32 table: the ~650 states are
// mostly chains, and the full table took ≈ 42 KB of every engine's heap; this takes ≈ 4 KB.
// A transition from `state` on `column` is t = NAME_BASE[state] + column, taken when
// NAME_CHECK[t] === state, else the dead state. Leaves and the dead state point their base at a
// padding row whose check never matches, so no index is ever out of bounds.

/** Column of a byte: 0 for non-token bytes, else 1..28. */
export const NAME_COLUMN: Uint8Array = new Uint8Array(256);
const NAME_COLUMN_OTHER = 28;
/** The state every header name starts in (0 is the dead state). */
export const NAME_START = 1;
const NO_PARENT = 0xffff;

function buildNameAutomaton(): { base: Uint16Array; check: Uint16Array; id: Uint8Array } {
  for (let b = 0; b < 256; b++) {
    if ((CLASS[b] & TOKEN) === 0) continue;
    const lower = LOWER[b];
    NAME_COLUMN[b] = lower >= 0x61 && lower <= 0x7a ? lower - 0x60 : lower === 0x2d ? 27 : NAME_COLUMN_OTHER;
  }
  // Trie nodes first (growable arrays at load time only), then the flat tables.
  const children: number[][] = [[], []]; // per node: column -> node; node 1 is the root
  const ids: number[] = [0, 0];
  const insert = (name: string, id: number): void => {
    let node = 1;
    for (let k = 0; k < name.length; k++) {
      const col = NAME_COLUMN[name.charCodeAt(k)];
      let next = children[node][col];
      if (next === undefined) {
        next = children.length;
        children.push([]);
        ids.push(0);
        children[node][col] = next;
      }
      node = next;
    }
    ids[node] = id;
  };
  for (let id = 1; id < HEADER_NAMES.length; id++) insert(HEADER_NAMES[id], id);
  for (const [letter, id] of COMPACT_FORMS) insert(letter, id);

  // Place the nodes breadth-first: each one's children at base + column, first fit. Position 0
  // is the dead state, position 1 the root.
  const baseOf: number[] = [];
  const parentOf: number[] = [NO_PARENT, NO_PARENT];
  const idOf: number[] = [0, ids[1]];
  const positionOf: number[] = [];
  positionOf[1] = NAME_START;
  const queue = [1];
  let firstFree = 2;
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q];
    const position = positionOf[node];
    const row = children[node];
    const columns: number[] = [];
    for (let col = 1; col <= NAME_COLUMN_OTHER; col++) if (row[col] !== undefined) columns.push(col);
    if (columns.length === 0) { baseOf[position] = -1; continue; } // a leaf: the padding row, set below
    let base = Math.max(0, firstFree - columns[0]);
    for (;;) {
      let fits = true;
      for (const col of columns) if (parentOf[base + col] !== undefined) { fits = false; break; }
      if (fits) break;
      base++;
    }
    baseOf[position] = base;
    for (const col of columns) {
      const at = base + col;
      parentOf[at] = position;
      idOf[at] = ids[row[col]];
      positionOf[row[col]] = at;
      queue.push(row[col]);
    }
    while (parentOf[firstFree] !== undefined) firstFree++;
  }
  const used = parentOf.length;
  const padding = used; // NAME_COLUMN_OTHER + 1 entries that belong to nobody
  const size = padding + NAME_COLUMN_OTHER + 1;
  const base = new Uint16Array(size);
  const check = new Uint16Array(size).fill(NO_PARENT);
  const id = new Uint8Array(size);
  base[0] = padding;
  for (let at = 1; at < used; at++) {
    if (parentOf[at] === undefined) continue;
    base[at] = baseOf[at] === undefined || baseOf[at] < 0 ? padding : baseOf[at];
    check[at] = parentOf[at];
    id[at] = idOf[at];
  }
  // The root has no parent; a gap position (never reached) keeps base 0 and check NO_PARENT.
  base[NAME_START] = baseOf[NAME_START];
  return { base, check, id };
}
const NAME_AUTOMATON = buildNameAutomaton();
/** Double-array transitions: t = NAME_BASE[state] + column, valid when NAME_CHECK[t] === state. */
export const NAME_BASE: Uint16Array = NAME_AUTOMATON.base;
export const NAME_CHECK: Uint16Array = NAME_AUTOMATON.check;
/** Header id of the name that ends in a state; H.UNKNOWN (0) for prefixes and the dead state. */
export const NAME_ID: Uint8Array = NAME_AUTOMATON.id;

export const M = {
  OTHER: 0,
  INVITE: 1,
  ACK: 2,
  BYE: 3,
  CANCEL: 4,
  OPTIONS: 5,
  REGISTER: 6,
  SUBSCRIBE: 7,
  NOTIFY: 8,
  PUBLISH: 9,
  MESSAGE: 10,
  INFO: 11,
  PRACK: 12,
  UPDATE: 13,
  REFER: 14,
} as const;

const METHOD_NAMES: readonly string[] = [
  '', 'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH',
  'MESSAGE', 'INFO', 'PRACK', 'UPDATE', 'REFER',
];

// Every known method has its own (length, first byte) pair: one table read finds the only
// candidate, then its bytes are compared. A method added with a clashing pair would hide the
// other one: test/sip/header-ids.test.ts looks every method up, so such a clash fails there.
const METHOD_SLOT_BITS = 5;
const METHOD_BY_SHAPE = new Uint8Array(10 << METHOD_SLOT_BITS);
for (let id = 1; id < METHOD_NAMES.length; id++) {
  const name = METHOD_NAMES[id];
  METHOD_BY_SHAPE[(name.length << METHOD_SLOT_BITS) | (name.charCodeAt(0) & 31)] = id;
}

/** Name of a known method id; '' for M.OTHER (read the span from the message instead). */
export function methodName(id: number): string {
  return id > 0 && id < METHOD_NAMES.length ? METHOD_NAMES[id] : '';
}

/** Method id for buf[off, off+len). Case-sensitive (RFC 3261 §7.1): "invite" is an unknown method. */
export function lookupMethodId(buf: Uint8Array, off: number, len: number): number {
  if (len < 3 || len > 9) return 0;
  const id = METHOD_BY_SHAPE[(len << METHOD_SLOT_BITS) | (buf[off] & 31)];
  if (id === 0) return 0;
  const name = METHOD_NAMES[id];
  for (let k = 0; k < len; k++) if (buf[off + k] !== name.charCodeAt(k)) return 0;
  return id;
}
