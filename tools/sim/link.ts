// PhoneLink: everything the simulated phone needs from SIP, as a small interface, so the phone
// model (phone.ts) knows nothing of sockets, transactions or servers. Two implementations:
//   ua-link.ts      core/ua over a loopback UDP socket: peer to peer, or against a registrar
//   memory-link.ts  phones joined in memory, for tests of the model alone
// Commands are fire-and-forget; everything the network answers comes back as LinkEvents.
import type { BlfState, PresenceStatus, RegistrationState } from '../../core/indicators/input.js';
import type { CallState, OwnPresence } from './documents.js';

export type LinkEvent =
  /** Own registration (peer to peer: 'registered' as soon as the socket is bound: no server to ask). */
  | { readonly kind: 'registration'; readonly state: RegistrationState; readonly detail: string }
  /** A watched user's presence (RFC 3856 NOTIFY). */
  | { readonly kind: 'presence'; readonly target: string; readonly status: PresenceStatus; readonly note: string }
  /** A watched user's dialog state (RFC 4235 NOTIFY). */
  | { readonly kind: 'dialog'; readonly target: string; readonly state: BlfState; readonly caller: string }
  /** A subscription ended or failed: what it showed is no longer known. */
  | { readonly kind: 'watch-lost'; readonly target: string; readonly event: 'presence' | 'dialog'; readonly reason: string }
  /** An incoming page-mode IM (RFC 3428). */
  | { readonly kind: 'im'; readonly from: string; readonly text: string }
  /** The outcome of one sendIm. */
  | { readonly kind: 'im-status'; readonly id: number; readonly ok: boolean; readonly detail: string }
  /** Something worth a log line (warnings, refused requests). */
  | { readonly kind: 'note'; readonly text: string };

export interface PhoneLink {
  /** Our address of record, e.g. "sip:alice@127.0.0.1:5071". */
  readonly aor: string;
  /** Bind, register (with a registrar), and start reporting events to `onEvent`. */
  start(onEvent: (e: LinkEvent) => void): Promise<void>;
  /** Watch a user's presence and dialog state (one BLF key). */
  watch(target: string): void;
  setPresence(presence: OwnPresence): void;
  setCallState(call: CallState, caller: string): void;
  /** Returns an id that the matching im-status carries, or an error text. */
  sendIm(target: string, text: string): number | string;
  /** Unsubscribe, unpublish, unregister (bounded wait), then release the socket. */
  close(): Promise<void>;
}
