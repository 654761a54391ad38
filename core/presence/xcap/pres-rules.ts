// The presence authorisation policy a presentity keeps on its XCAP server: a pres-rules document
// (RFC 5025) in the common-policy format (RFC 4745). One rule per watcher URI:
//
//   <cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules">
//     <cr:rule id="..">
//       <cr:conditions><cr:identity><cr:one id="sip:bob@example.com"/></cr:identity></cr:conditions>
//       <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
//       <cr:transformations>..provide-* ..</cr:transformations>                 (allow only)
//     </cr:rule>
//   </cr:ruleset>
//
// RFC 5025 §3.2.1 sub-handling: block (reject: the watcher's subscription is terminated with
// reason "rejected"), confirm (pending: ask the presentity), polite-block (accept, but send
// "offline"-looking state), allow (accept with the state the transformations permit). Common
// policy grants nothing by default (RFC 4745 §10), so an allow rule also says what may be seen:
// all services, persons and devices, all attributes (§3.3: provide-services etc.).
// The table is bounded; the document is written into a caller's buffer (no allocation of bytes).
import { XmlWriter } from '../../xml/writer.js';
import type { XmlError } from '../../xml/errors.js';
import type { Result } from '../../result.js';

export const NS_COMMON_POLICY = 'urn:ietf:params:xml:ns:common-policy';
export const NS_PRES_RULES = 'urn:ietf:params:xml:ns:pres-rules';

export type SubHandling = 'block' | 'confirm' | 'polite-block' | 'allow';

export interface PresRule {
  readonly watcher: string;
  readonly handling: SubHandling;
}

export class PresRules {
  private readonly watchers: string[] = [];
  private readonly handlings: SubHandling[] = [];
  /** Bumped on every change: lets a publisher tell "this state was stored" from "newer exists". */
  revision = 0;

  constructor(readonly maxRules = 64) {}

  get size(): number {
    return this.watchers.length;
  }

  /** The watcher's rule (a URI compared as given: Kamailio matches `one id` byte for byte). */
  get(watcher: string): SubHandling | undefined {
    const i = this.watchers.indexOf(watcher);
    return i < 0 ? undefined : this.handlings[i];
  }

  /** Sets (or changes) the watcher's rule; false when the table is full. */
  set(watcher: string, handling: SubHandling): boolean {
    const i = this.watchers.indexOf(watcher);
    if (i >= 0) {
      if (this.handlings[i] !== handling) { this.handlings[i] = handling; this.revision++; }
      return true;
    }
    if (this.watchers.length >= this.maxRules) return false;
    this.watchers.push(watcher);
    this.handlings.push(handling);
    this.revision++;
    return true;
  }

  /** Drops the watcher's rule (the server then treats it as unknown: pending, RFC 5025 §3.2.1). */
  remove(watcher: string): boolean {
    const i = this.watchers.indexOf(watcher);
    if (i < 0) return false;
    this.watchers.splice(i, 1);
    this.handlings.splice(i, 1);
    this.revision++;
    return true;
  }

  rules(): PresRule[] {
    return this.watchers.map((watcher, i) => ({ watcher, handling: this.handlings[i]! }));
  }

  /** Writes the pres-rules document into out[start, end); its end offset or an XmlError. */
  write(out: Uint8Array, start = 0, end = out.length, writer = new XmlWriter()): Result<number, XmlError> {
    const w = writer.reset(out, start, end);
    w.declaration().startElement('cr:ruleset')
      .attribute('xmlns:cr', NS_COMMON_POLICY)
      .attribute('xmlns:pr', NS_PRES_RULES);
    for (let i = 0; i < this.watchers.length; i++) {
      const handling = this.handlings[i]!;
      // RFC 4745 §7: rule ids are unique within the ruleset; position keeps them short and stable
      // for an unchanged table.
      w.startElement('cr:rule').attribute('id', `w${i}`)
        .startElement('cr:conditions').startElement('cr:identity')
        .startElement('cr:one').attribute('id', this.watchers[i]!).endElement()
        .endElement().endElement()
        .startElement('cr:actions').element('pr:sub-handling', handling).endElement();
      if (handling === 'allow') {
        w.startElement('cr:transformations')
          .startElement('pr:provide-services').startElement('pr:all-services').endElement().endElement()
          .startElement('pr:provide-persons').startElement('pr:all-persons').endElement().endElement()
          .startElement('pr:provide-devices').startElement('pr:all-devices').endElement().endElement()
          .startElement('pr:provide-all-attributes').endElement()
          .endElement();
      }
      w.endElement();
    }
    w.endElement();
    return w.finish();
  }
}
