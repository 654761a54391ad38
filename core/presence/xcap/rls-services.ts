// An rls-services document (RFC 4826 §4): the resource lists a Resource List Server expands when
// someone SUBSCRIBEs to a service URI with `Supported: eventlist` (RFC 4662). Lists are given
// inline (§4.2: <list> of resource-lists <entry> elements) rather than by reference.
//
//   <rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">
//     <service uri="sip:friends@example.com">
//       <list name="friends"><rl:entry uri="sip:bob@example.com"><rl:display-name>Bob</rl:display-name></rl:entry></list>
//       <packages><package>presence</package></packages>
//     </service>
//   </rls-services>
import { XmlWriter } from '../../xml/writer.js';
import type { XmlError } from '../../xml/errors.js';
import type { Result } from '../../result.js';

export const NS_RLS_SERVICES = 'urn:ietf:params:xml:ns:rls-services';
export const NS_RESOURCE_LISTS = 'urn:ietf:params:xml:ns:resource-lists';

export interface RlsEntry { readonly uri: string; readonly displayName?: string }
export interface RlsService {
  /** The list's own URI (what the watcher subscribes to). */
  readonly uri: string;
  /** Name of the inline list (RFC 4826 §3.2 `name` attribute). */
  readonly listName?: string;
  readonly entries: readonly RlsEntry[];
  /** Event packages the list serves (§4.2 <packages>; absent = any). */
  readonly packages?: readonly string[];
}

/** Writes the document into out[start, end); its end offset or an XmlError. */
export function writeRlsServices(services: readonly RlsService[], out: Uint8Array, start = 0, end = out.length, writer = new XmlWriter()): Result<number, XmlError> {
  const w = writer.reset(out, start, end);
  w.declaration().startElement('rls-services').attribute('xmlns', NS_RLS_SERVICES).attribute('xmlns:rl', NS_RESOURCE_LISTS);
  for (let i = 0; i < services.length; i++) {
    const s = services[i]!;
    w.startElement('service').attribute('uri', s.uri).startElement('list');
    if (s.listName !== undefined) w.attribute('name', s.listName);
    for (let k = 0; k < s.entries.length; k++) {
      const e = s.entries[k]!;
      w.startElement('rl:entry').attribute('uri', e.uri);
      if (e.displayName !== undefined) w.element('rl:display-name', e.displayName);
      w.endElement();
    }
    w.endElement();
    if (s.packages !== undefined && s.packages.length > 0) {
      w.startElement('packages');
      for (let k = 0; k < s.packages.length; k++) w.element('package', s.packages[k]!);
      w.endElement();
    }
    w.endElement();
  }
  w.endElement();
  return w.finish();
}
