// Which core modules a board's firmware carries, as data. The generated entry imports exactly
// these, so code of a feature the board does not enable never reaches its bundle (esbuild only
// bundles what the entry reaches). Groups marked `budget` make up "core + presence + page-mode
// IM", the part every phone carries and whose size the budget limits.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '../../boards/index.js';

export type ModuleGroup =
  | 'core' | 'presence' | 'page-im'
  | 'blf' | 'mwi' | 'lamps' | 'display' | 'keys'
  | 'msrp' | 'rls' | 'imdn' | 'streams';

export interface CoreModule {
  /** Property of `hardphone` the module's namespace is exposed as. */
  readonly name: string;
  /** Path from the project root, as an import would spell it (`.js`; the source is `.ts`). */
  readonly path: string;
  readonly group: ModuleGroup;
}

export interface GroupRule {
  readonly group: ModuleGroup;
  readonly budget: boolean;
  readonly wanted: (board: Board) => boolean;
  readonly why: string;
}

export const GROUP_RULES: readonly GroupRule[] = [
  { group: 'core', budget: true, wanted: () => true, why: 'SIP, transactions, transport, dialogs, auth, registration, events' },
  { group: 'presence', budget: true, wanted: () => true, why: 'PUBLISH and PIDF/RPID/watcherinfo documents' },
  { group: 'page-im', budget: true, wanted: () => true, why: 'page-mode MESSAGE bodies (RFC 3428, CPIM)' },
  { group: 'blf', budget: false, wanted: (b) => b.capabilities.blfKeys > 0, why: 'capabilities.blfKeys > 0' },
  { group: 'mwi', budget: false, wanted: (b) => b.capabilities.mwiLamp, why: 'capabilities.mwiLamp' },
  { group: 'lamps', budget: false, wanted: (b) => b.leds.length > 0, why: 'the board has lamps' },
  { group: 'display', budget: false, wanted: (b) => b.capabilities.display !== 'none', why: 'capabilities.display is not "none"' },
  { group: 'keys', budget: false, wanted: (b) => b.keys.length > 0, why: 'the board has keys' },
  { group: 'msrp', budget: false, wanted: (b) => b.capabilities.modules.msrp, why: 'capabilities.modules.msrp' },
  { group: 'rls', budget: false, wanted: (b) => b.capabilities.modules.rls, why: 'capabilities.modules.rls' },
  { group: 'imdn', budget: false, wanted: (b) => b.capabilities.modules.imdn, why: 'capabilities.modules.imdn' },
  // WebSocket messages arrive whole (RFC 7118), so ws/wss need no stream framer.
  { group: 'streams', budget: false, wanted: (b) => b.capabilities.transports.some((t) => t === 'tcp' || t === 'tls'), why: 'capabilities.transports lists tcp or tls' },
];

export const CORE_MODULES: readonly CoreModule[] = [
  { name: 'bytes', path: 'core/bytes/index.js', group: 'core' },
  { name: 'sip', path: 'core/sip/index.js', group: 'core' },
  { name: 'sipDecode', path: 'core/sip/decode/index.js', group: 'core' },
  { name: 'transaction', path: 'core/transaction/index.js', group: 'core' },
  { name: 'transport', path: 'core/transport/index.js', group: 'core' },
  { name: 'stun', path: 'core/stun/index.js', group: 'core' },
  { name: 'dialog', path: 'core/dialog/index.js', group: 'core' },
  { name: 'auth', path: 'core/auth/index.js', group: 'core' },
  { name: 'registration', path: 'core/registration/index.js', group: 'core' },
  { name: 'event', path: 'core/event/index.js', group: 'core' },
  { name: 'timers', path: 'core/timers/index.js', group: 'core' },
  { name: 'xml', path: 'core/xml/index.js', group: 'core' },
  // The user agent: registration, subscriptions, publication, page-mode MESSAGE, its host-loop
  // types. Its optional roles are their own modules below (msrp, rls, streams), so a board that
  // does not enable one leaves its code out.
  { name: 'ua', path: 'core/ua/essentials.js', group: 'core' },
  { name: 'publication', path: 'core/presence/publication.js', group: 'presence' },
  // ua.trackPresence: the PIDF of each NOTIFY read into per-subscription presence state.
  { name: 'presenceStates', path: 'core/presence/presence-states.js', group: 'presence' },
  // Peer-to-peer mode (RFC 3856 §5): the UA answers SUBSCRIBEs for its own presence and dialog state.
  { name: 'uaNotifier', path: 'core/ua/notifier.js', group: 'presence' },
  { name: 'uaPartialNotifier', path: 'core/ua/notifier-partial.js', group: 'presence' },
  { name: 'presenceDocuments', path: 'core/presence/documents/index.js', group: 'presence' },
  { name: 'im', path: 'core/im/index.js', group: 'page-im' },
  { name: 'dialogInfo', path: 'core/packages/dialog-info.js', group: 'blf' },
  { name: 'dialogInfoBlf', path: 'core/packages/dialog-info-blf.js', group: 'blf' },
  { name: 'dialogInfoWriter', path: 'core/packages/dialog-info-writer.js', group: 'blf' },
  { name: 'messageSummary', path: 'core/packages/message-summary.js', group: 'mwi' },
  { name: 'indicators', path: 'core/indicators/index.js', group: 'lamps' },
  // UA events → what the lamps and the display show (BLF keys, buddies, MWI).
  { name: 'phoneState', path: 'core/app/phone-state.js', group: 'lamps' },
  { name: 'display', path: 'core/display/index.js', group: 'display' },
  { name: 'keys', path: 'core/keys/index.js', group: 'keys' },
  { name: 'msrp', path: 'core/msrp/index.js', group: 'msrp' },
  { name: 'sdp', path: 'core/im/sdp-msrp.js', group: 'msrp' },
  // Session-mode chat for the UA (INVITE/SDP, RFC 4975): ua.enableChat(uaChat.chatModule, options).
  { name: 'uaChat', path: 'core/ua/invite-sessions.js', group: 'msrp' },
  // RFC 4662 NOTIFYs are multipart/related bodies with an RLMI document; the UA reads them once
  // UserAgent.enableResourceLists(resourceListsModule) brings the module in.
  { name: 'mime', path: 'core/mime/index.js', group: 'rls' },
  { name: 'rls', path: 'core/presence/rls/index.js', group: 'rls' },
  { name: 'uaLists', path: 'core/ua/resource-lists.js', group: 'rls' },
  // RFC 5438 delivery and display notifications.
  { name: 'imdn', path: 'core/im/imdn.js', group: 'imdn' },
  // SIP over TCP/TLS: new UserAgent(config, { streams: streamModule }); a UDP-only phone leaves the
  // framer out (the UA refuses a tcp/tls account without it).
  { name: 'streams', path: 'core/ua/stream-flows.js', group: 'streams' },
];

export interface ModuleSelection {
  readonly modules: readonly CoreModule[];
  readonly groups: readonly ModuleGroup[];
  /** Things the board enables that core/ cannot supply yet. */
  readonly notes: readonly string[];
}

/** The modules `board` wants; `budgetOnly` keeps just the budgeted groups. */
export function selectModules(board: Board, root: string, budgetOnly = false): ModuleSelection {
  const groups = GROUP_RULES.filter((r) => r.wanted(board) && (!budgetOnly || r.budget)).map((r) => r.group);
  const modules: CoreModule[] = [];
  const notes: string[] = [];
  for (const m of CORE_MODULES) {
    if (!groups.includes(m.group)) continue;
    if (existsSync(join(root, m.path.replace(/\.js$/, '.ts')))) modules.push(m);
    else notes.push(`${m.group}: the board enables it but ${m.path.replace(/\.js$/, '.ts')} does not exist yet; left out`);
  }
  return { modules, groups, notes };
}
