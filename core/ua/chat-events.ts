// What the UA tells the application about session-mode IM (RFC 4975 over an INVITE dialog).
// Part of the UaEvent union (events.ts); kept here so the chat module owns its vocabulary.

/** offering: INVITE sent / offer received · ringing: 180 seen / sent · connected: 2xx + ACK · ended. */
export type ChatState = 'offering' | 'ringing' | 'connected' | 'ended';

export type ChatEvent =
  /** An incoming INVITE offering an MSRP session: answer with acceptChat / rejectChat. */
  | { readonly kind: 'chat-offer'; readonly sessionId: number; readonly from: string; readonly to: string; readonly remotePath: string; readonly acceptTypes: readonly string[]; readonly secure: boolean; readonly at: number }
  /** Every edge of a chat's state; `status` is the SIP status that caused it (0 when local). */
  | { readonly kind: 'chat-state'; readonly sessionId: number; readonly state: ChatState; readonly status: number; readonly reason: string; readonly at: number }
  /**
   * The offer/answer is done: the host opens (setup 'active') or awaits (setup 'passive') the
   * MSRP TCP connection. Active connects to remoteHost:remotePort (RFC 4975 §8.1: the first URI
   * of the peer's a=path) and sends the §5.4 bind SEND; passive binds the connection whose first
   * frame's To-Path names localPath. `secure`: the session runs over TLS (msrps, RFC 4975 §6):
   * the active end verifies the peer's certificate against remoteHost (the msrps URI's host) and
   * either end against remoteFingerprints (the peer's SDP a=fingerprint, RFC 8122) when given.
   */
  | {
    readonly kind: 'msrp-connect'; readonly sessionId: number; readonly setup: 'active' | 'passive'; readonly secure: boolean;
    readonly remoteHost: string; readonly remotePort: number; readonly remotePath: string; readonly localPath: string;
    readonly remoteAcceptTypes: readonly string[]; readonly remoteMaxSize: number;
    /** TLS only: the peer's a=fingerprint values (absent/empty: none given). */
    readonly remoteFingerprints?: readonly string[]; readonly at: number;
  };
