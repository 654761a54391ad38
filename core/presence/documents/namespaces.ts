// Namespace URIs of the presence documents, compared as bytes against the reader's bindings.
import { ascii } from '../../xml/bytes.js';
import type { XmlReader } from '../../xml/reader.js';

export const NS_PIDF = ascii('urn:ietf:params:xml:ns:pidf');            // RFC 3863
export const NS_RPID = ascii('urn:ietf:params:xml:ns:pidf:rpid');       // RFC 4480
export const NS_CIPID = ascii('urn:ietf:params:xml:ns:pidf:cipid');     // RFC 4482
export const NS_DATA_MODEL = ascii('urn:ietf:params:xml:ns:pidf:data-model'); // RFC 4479
export const NS_PIDF_IM = ascii('urn:ietf:params:xml:ns:pidf:im');      // RFC 3863 §4.3.1 example
// Pure: the presence documents carried by every phone do not read these two (issue #7's budget).
export const NS_DIALOG_INFO = /* @__PURE__ */ ascii('urn:ietf:params:xml:ns:dialog-info'); // RFC 4235
export const NS_WATCHERINFO = /* @__PURE__ */ ascii('urn:ietf:params:xml:ns:watcherinfo'); // RFC 3858

/** Small codes for the namespaces the presence readers switch on. */
export const Ns = { Other: 0, Pidf: 1, Rpid: 2, Cipid: 3, DataModel: 4, PidfIm: 5 } as const;
/** Number of Ns codes (tables indexed by code are this long). */
export const NS_CODE_COUNT = 6;
export type Ns = typeof Ns[keyof typeof Ns];

/** The URI → code table, for XmlReader.setNamespaceCodes (the codes are then known per declaration). */
export const PRESENCE_NAMESPACE_CODES: ReadonlyArray<readonly [Uint8Array, Ns]> = [
  [NS_PIDF, Ns.Pidf], [NS_RPID, Ns.Rpid], [NS_CIPID, Ns.Cipid], [NS_DATA_MODEL, Ns.DataModel], [NS_PIDF_IM, Ns.PidfIm],
];

/** Code of a namespace index from the reader (element or attribute namespace). */
export function namespaceCode(reader: XmlReader, ns: number): Ns {
  const table = PRESENCE_NAMESPACE_CODES;
  const count = table.length;
  for (let i = 0; i < count; i++) if (reader.namespaceIs(ns, table[i]![0])) return table[i]![1];
  return Ns.Other;
}
