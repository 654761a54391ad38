// XCAP URIs (RFC 4825 §6): where a user's XML document lives on an XCAP server.
//
//   XCAP URI     = XCAP-root "/" AUID "/" ("users" "/" XUI / "global") "/" document-name
//                  [ "/~~/" node-selector ]                                   (§6.1, §6.3)
//   XUI          = the user's SIP URI (RFC 4825 §4: "sip:alice@example.com")
//
// The XUI goes into one path segment: RFC 3986 §3.3 pchar allows ":" and "@", so a SIP URI needs
// no escaping except for characters outside pchar (and "/", "?", "#", "%"), which are
// percent-encoded (§6: the XCAP URI is an HTTP URI). Application usages used with presence:
// pres-rules (RFC 5025 §9), resource-lists (RFC 4826 §3), rls-services (RFC 4826 §4).

export const Auid = {
  PresRules: 'pres-rules',
  ResourceLists: 'resource-lists',
  RlsServices: 'rls-services',
} as const;
export type Auid = typeof Auid[keyof typeof Auid];

/** MIME type of each application usage's documents (RFC 5025 §9.3, RFC 4826 §3.2 / §4.2). */
export const XCAP_CONTENT_TYPE: Readonly<Record<Auid, string>> = {
  [Auid.PresRules]: 'application/auth-policy+xml',
  [Auid.ResourceLists]: 'application/resource-lists+xml',
  [Auid.RlsServices]: 'application/rls-services+xml',
};

// RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
const HEX = '0123456789ABCDEF';
function isPchar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
    || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e                        // - . _ ~
    || c === 0x21 || c === 0x24 || c === 0x26 || c === 0x27 || c === 0x28 || c === 0x29 // ! $ & ' ( )
    || c === 0x2a || c === 0x2b || c === 0x2c || c === 0x3b || c === 0x3d            // * + , ; =
    || c === 0x3a || c === 0x40;                                                     // : @
}

/** One path segment, percent-encoding what pchar does not allow (UTF-8 for non-ASCII). */
export function encodePathSegment(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp < 0x80 && isPchar(cp)) { out += text[i]; continue; }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // lone surrogate
    const bytes = cp < 0x80 ? [cp]
      : cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
      : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
      : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    for (let k = 0; k < bytes.length; k++) out += `%${HEX[bytes[k]! >> 4]}${HEX[bytes[k]! & 15]}`;
  }
  return out;
}

/**
 * The path of a user's document: `root` is the XCAP root path ("/xcap-root", with or without the
 * trailing slash), `xui` the user's SIP URI, `document` the document name (RFC 5025 §9.6 and
 * RFC 4826 §3.7 / §4.7 name the default document "index").
 */
export function xcapUserDocumentPath(root: string, auid: Auid, xui: string, document = 'index'): string {
  return `${trimSlash(root)}/${auid}/users/${encodePathSegment(xui)}/${encodePathSegment(document)}`;
}

/** The path of a global document (RFC 4825 §6.2), e.g. rls-services/global/index. */
export function xcapGlobalDocumentPath(root: string, auid: Auid, document = 'index'): string {
  return `${trimSlash(root)}/${auid}/global/${encodePathSegment(document)}`;
}

function trimSlash(root: string): string {
  let end = root.length;
  while (end > 0 && root.charCodeAt(end - 1) === 0x2f) end--;
  const r = root.slice(0, end);
  return r.length === 0 || r.charCodeAt(0) === 0x2f ? r : `/${r}`;
}
