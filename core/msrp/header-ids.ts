// MSRP header ids (RFC 4975 §9, §7.1; RFC 4976 adds Use-Path/WWW-Authenticate for relays).
// Names are case-sensitive in MSRP's ABNF but peers vary, so lookup ignores case; it compares
// bytes in place and allocates nothing.

export const MH = {
  UNKNOWN: 0,
  TO_PATH: 1,
  FROM_PATH: 2,
  MESSAGE_ID: 3,
  SUCCESS_REPORT: 4,
  FAILURE_REPORT: 5,
  BYTE_RANGE: 6,
  STATUS: 7,
  CONTENT_TYPE: 8,
  CONTENT_ID: 9,
  CONTENT_DESCRIPTION: 10,
  CONTENT_DISPOSITION: 11,
  USE_PATH: 12,
  WWW_AUTHENTICATE: 13,
  AUTHORIZATION: 14,
  AUTHENTICATION_INFO: 15,
  EXPIRES: 16,
  MIN_EXPIRES: 17,
  MAX_EXPIRES: 18,
} as const;

const NAMES: readonly string[] = [
  '', 'To-Path', 'From-Path', 'Message-ID', 'Success-Report', 'Failure-Report', 'Byte-Range', 'Status',
  'Content-Type', 'Content-ID', 'Content-Description', 'Content-Disposition', 'Use-Path', 'WWW-Authenticate',
  'Authorization', 'Authentication-Info', 'Expires', 'Min-Expires', 'Max-Expires',
];

const LOWER: readonly string[] = NAMES.map((n) => n.toLowerCase());

export function msrpHeaderName(id: number): string {
  return NAMES[id] ?? '';
}

export function lookupMsrpHeaderId(buf: Uint8Array, off: number, len: number): number {
  const count = LOWER.length;
  for (let id = 1; id < count; id++) {
    const name = LOWER[id]!;
    if (name.length !== len) continue;
    let i = 0;
    for (; i < len; i++) {
      let c = buf[off + i]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c !== name.charCodeAt(i)) break;
    }
    if (i === len) return id;
  }
  return MH.UNKNOWN;
}

export const MSRP_METHOD = { OTHER: 0, SEND: 1, REPORT: 2, AUTH: 3 } as const;
