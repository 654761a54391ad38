// Reads an RFC 3858 watcherinfo document (the presence.winfo package, RFC 3857) into a bounded,
// preallocated model, so the phone can list pending watchers for the user to approve or deny.
//
//   <watcherinfo version="N" state="full|partial">                           (§4.1)
//     <watcher-list resource="uri" package="presence">                       (§4.2)
//       <watcher id status="pending|active|waiting|terminated" event="subscribe|approved|
//                deactivated|probation|rejected|timeout|giveup|noresource"
//                display-name expiration duration-subscribed>uri</watcher>   (§4.3)
import { XmlReader, XmlToken, XmlError } from '../../xml/reader.js';
import { ascii, bytesEqual, parseDecimal } from '../../xml/bytes.js';
import { NS_WATCHERINFO } from './namespaces.js';
import { PresenceDocError } from './pidf-reader.js';
import { Span, TextPool } from './text-pool.js';

export const WatcherStatus = { Unknown: 0, Pending: 1, Active: 2, Waiting: 3, Terminated: 4 } as const;
export type WatcherStatus = typeof WatcherStatus[keyof typeof WatcherStatus];
const STATUS_NAMES: ReadonlyArray<readonly [Uint8Array, WatcherStatus]> = [
  [ascii('pending'), WatcherStatus.Pending], [ascii('active'), WatcherStatus.Active],
  [ascii('waiting'), WatcherStatus.Waiting], [ascii('terminated'), WatcherStatus.Terminated],
];

export const WATCHER_EVENTS = ['subscribe', 'approved', 'deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource'] as const;
export type WatcherEvent = typeof WATCHER_EVENTS[number];
const EVENT_BYTES = WATCHER_EVENTS.map(ascii);

export class Watcher {
  /** Index of the watcher-list this watcher belongs to. */
  list = 0;
  readonly id = new Span();
  readonly uri = new Span();
  readonly displayName = new Span();
  status: WatcherStatus = WatcherStatus.Unknown;
  /** WATCHER_EVENTS index, -1 when absent/unknown. */
  event = -1;
  /** Seconds, -1 when absent. */
  durationSubscribed = -1;
  expiration = -1;
}

export class WatcherList {
  readonly resource = new Span();
  readonly packageName = new Span();
}

export interface WatcherinfoLimits { readonly maxWatchers: number; readonly maxLists: number; readonly textBytes: number; readonly maxBytes: number }
export const DEFAULT_WATCHERINFO_LIMITS: WatcherinfoLimits = { maxWatchers: 16, maxLists: 4, textBytes: 4096, maxBytes: 16 * 1024 };

export class WatcherinfoDocument {
  readonly pool: TextPool;
  version = -1;
  full = true;
  readonly lists: readonly WatcherList[];
  listCount = 0;
  readonly watchers: readonly Watcher[];
  watcherCount = 0;
  dropped = 0;

  constructor(readonly limits: WatcherinfoLimits = DEFAULT_WATCHERINFO_LIMITS) {
    this.pool = new TextPool(limits.textBytes);
    this.lists = Array.from({ length: limits.maxLists }, () => new WatcherList());
    this.watchers = Array.from({ length: limits.maxWatchers }, () => new Watcher());
  }

  clear(): void {
    this.pool.clear();
    this.version = -1;
    this.full = true;
    this.listCount = 0;
    this.watcherCount = 0;
    this.dropped = 0;
  }

  text(span: Span): string {
    return this.pool.text(span.start, span.end);
  }
}

const WATCHERINFO = ascii('watcherinfo');
const WATCHER_LIST = ascii('watcher-list');
const WATCHER = ascii('watcher');
const A_VERSION = ascii('version');
const A_STATE = ascii('state');
const A_RESOURCE = ascii('resource');
const A_PACKAGE = ascii('package');
const A_ID = ascii('id');
const A_STATUS = ascii('status');
const A_EVENT = ascii('event');
const A_DISPLAY_NAME = ascii('display-name');
const A_DURATION = ascii('duration-subscribed');
const A_EXPIRATION = ascii('expiration');
const PARTIAL = ascii('partial');

export class WatcherinfoReader {
  readonly document: WatcherinfoDocument;
  xmlError: XmlError = XmlError.None;
  errorPosition = -1;
  private readonly xml: XmlReader;

  constructor(limits: WatcherinfoLimits = DEFAULT_WATCHERINFO_LIMITS) {
    this.document = new WatcherinfoDocument(limits);
    this.xml = new XmlReader({ maxBytes: limits.maxBytes, maxDepth: 8, maxAttributes: 16, maxNamespaces: 8 });
  }

  read(buf: Uint8Array, start = 0, end = buf.length): PresenceDocError {
    const doc = this.document;
    const xml = this.xml;
    const pool = doc.pool;
    doc.clear();
    xml.reset(buf, start, end);
    this.xmlError = XmlError.None;
    this.errorPosition = -1;
    let currentList = -1;
    let currentWatcher = -1;
    let textStart = 0;
    for (let kind = xml.next(); kind !== XmlToken.EndDocument; kind = xml.next()) {
      if (kind === XmlToken.Error) {
        this.xmlError = xml.error;
        this.errorPosition = xml.errorPosition;
        return PresenceDocError.Xml;
      }
      const inNs = (kind === XmlToken.StartElement || kind === XmlToken.EndElement) && xml.namespaceIs(xml.namespace, NS_WATCHERINFO);
      if (kind === XmlToken.StartElement) {
        if (xml.depth === 1) {
          if (!inNs || !bytesEqual(buf, xml.localStart, xml.localEnd, WATCHERINFO)) {
            this.errorPosition = xml.nameStart;
            return PresenceDocError.WrongRoot;
          }
          doc.version = this.number(A_VERSION);
          doc.full = !this.attributeIs(A_STATE, PARTIAL);
        } else if (xml.depth === 2 && inNs && bytesEqual(buf, xml.localStart, xml.localEnd, WATCHER_LIST)) {
          if (doc.listCount >= doc.limits.maxLists) { doc.dropped++; currentList = -1; continue; }
          currentList = doc.listCount++;
          const list = doc.lists[currentList]!;
          this.attribute(A_RESOURCE, list.resource);
          this.attribute(A_PACKAGE, list.packageName);
        } else if (xml.depth === 3 && currentList >= 0 && inNs && bytesEqual(buf, xml.localStart, xml.localEnd, WATCHER)) {
          if (doc.watcherCount >= doc.limits.maxWatchers) { doc.dropped++; currentWatcher = -1; continue; }
          currentWatcher = doc.watcherCount++;
          const w = doc.watchers[currentWatcher]!;
          w.list = currentList;
          w.uri.clear();
          this.attribute(A_ID, w.id);
          this.attribute(A_DISPLAY_NAME, w.displayName);
          w.status = WatcherStatus.Unknown;
          const s = xml.findAttribute(A_STATUS, null);
          if (s >= 0) {
            for (let i = 0; i < STATUS_NAMES.length; i++) {
              if (bytesEqual(buf, xml.attrValueStartAt(s), xml.attrValueEndAt(s), STATUS_NAMES[i]![0])) w.status = STATUS_NAMES[i]![1];
            }
          }
          w.event = -1;
          const e = xml.findAttribute(A_EVENT, null);
          if (e >= 0) {
            for (let i = 0; i < EVENT_BYTES.length; i++) {
              if (bytesEqual(buf, xml.attrValueStartAt(e), xml.attrValueEndAt(e), EVENT_BYTES[i]!)) w.event = i;
            }
          }
          w.durationSubscribed = this.number(A_DURATION);
          w.expiration = this.number(A_EXPIRATION);
          textStart = pool.used;
        }
      } else if (kind === XmlToken.EndElement) {
        if (xml.depth === 3 && currentWatcher >= 0) {
          const s = pool.trimmedStart(textStart, pool.used);
          doc.watchers[currentWatcher]!.uri.set(s, pool.trimmedEnd(s, pool.used));
          currentWatcher = -1;
        } else if (xml.depth === 2) {
          currentList = -1;
        }
      } else if ((kind === XmlToken.Text || kind === XmlToken.CData) && xml.depth === 3 && currentWatcher >= 0) {
        pool.appendToken(xml);
      }
    }
    return PresenceDocError.None;
  }

  private attribute(name: Uint8Array, span: Span): void {
    span.clear();
    const i = this.xml.findAttribute(name, null);
    if (i < 0) return;
    const pool = this.document.pool;
    const at = pool.appendAttribute(this.xml, i);
    if (at >= 0) span.set(pool.trimmedStart(at, pool.used), pool.trimmedEnd(at, pool.used));
  }

  private attributeIs(name: Uint8Array, value: Uint8Array): boolean {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    return i >= 0 && bytesEqual(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i), value);
  }

  private number(name: Uint8Array): number {
    const xml = this.xml;
    const i = xml.findAttribute(name, null);
    return i < 0 ? -1 : parseDecimal(xml.buffer, xml.attrValueStartAt(i), xml.attrValueEndAt(i));
  }
}
