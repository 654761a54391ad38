// The messages a phone keeps, per conversation (one per peer), in bounded memory: a ring buffer
// of `capacityPerConversation` preallocated records per conversation (size it from the board:
// capacities.pendingMessages) and at most `maxConversations` conversations.
//
// Each message carries its delivery state. Legal transitions are the table below, per
// direction; anything else is refused with E_STORE_ILLEGAL_TRANSITION and changes nothing.
//
// Overflow, and why: a desk phone must never lose a text silently.
// - When a conversation is full, the oldest message that is already delivered or displayed is
//   evicted, read ones first; an unread incoming message goes only when nothing else can; every
//   eviction is reported as an 'evicted' event carrying a copy of the message.
// - An outgoing message that is queued, sent or failed is never evicted. If nothing else can go,
//   adding returns E_STORE_FULL and stores nothing: the caller tells the user (outgoing), or
//   answers the MESSAGE with an error so the sender keeps it and retries (incoming).
import type { Result } from '../result.js';
import { Ok, Err } from '../result.js';

export type Direction = 'in' | 'out';
export type DeliveryState = 'queued' | 'sent' | 'delivered' | 'displayed' | 'failed';
export type DeliveryInput =
  /** The MESSAGE left (also on a retransmission or an auth retry). */
  | 'transmitted'
  /** 200 from the far end, or an IMDN "delivered". (A 202 only says a relay took it: stay "sent".) */
  | 'delivered'
  /** IMDN "displayed" (outgoing), or the user read it (incoming). */
  | 'displayed'
  /** A final error, a timeout, a transport failure, or an IMDN "failed"; with a code. */
  | 'failed'
  /** The user asked to send a failed message again. */
  | 'retry';

type Table = Readonly<Record<DeliveryState, Readonly<Partial<Record<DeliveryInput, DeliveryState>>>>>;

/**
 * DELIVERY_TRANSITIONS[direction][state][input] = next state; absent = illegal.
 * Notes on the less obvious rows:
 * - queued → delivered: the UA may report the final 200 without a separate "transmitted".
 * - delivered → failed: a 200 from a server, then an IMDN saying the device never got it.
 * - failed → delivered/displayed: a late IMDN proves a timed-out message did arrive.
 * - displayed + delivered: a delivery IMDN overtaken by the display one; it stays displayed.
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<Direction, Table>> = {
  out: {
    queued: { transmitted: 'sent', delivered: 'delivered', failed: 'failed' },
    sent: { transmitted: 'sent', delivered: 'delivered', displayed: 'displayed', failed: 'failed' },
    delivered: { delivered: 'delivered', displayed: 'displayed', failed: 'failed' },
    displayed: { delivered: 'displayed', displayed: 'displayed' },
    failed: { retry: 'queued', delivered: 'delivered', displayed: 'displayed' },
  },
  in: {
    // An incoming message is stored once it has reached us: it starts "delivered" (unread).
    queued: {},
    sent: {},
    delivered: { delivered: 'delivered', displayed: 'displayed' },
    displayed: { displayed: 'displayed' },
    failed: {},
  },
};

export const E_STORE_FULL = -851;
export const E_STORE_ILLEGAL_TRANSITION = -852;
export const E_STORE_UNKNOWN_ID = -853;
export const E_STORE_TEXT_TOO_LONG = -854;
export const E_STORE_TOO_MANY_CONVERSATIONS = -855;

export function storeErrorName(code: number): string {
  switch (code) {
    case E_STORE_FULL: return 'E_STORE_FULL';
    case E_STORE_ILLEGAL_TRANSITION: return 'E_STORE_ILLEGAL_TRANSITION';
    case E_STORE_UNKNOWN_ID: return 'E_STORE_UNKNOWN_ID';
    case E_STORE_TEXT_TOO_LONG: return 'E_STORE_TEXT_TOO_LONG';
    case E_STORE_TOO_MANY_CONVERSATIONS: return 'E_STORE_TOO_MANY_CONVERSATIONS';
    default: return `E_STORE(${code})`;
  }
}

export interface StoredMessage {
  /** Local id, unique for the store's life (never reused). */
  readonly id: number;
  readonly direction: Direction;
  readonly peer: string;
  readonly text: string;
  /** Caller's key: e.g. the imdn.Message-ID, to map notifications to the message ('' = none). */
  readonly key: string;
  /** When it was stored, and last changed (caller's time base). */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incoming: the sender's timestamp (CPIM DateTime) when known, else NaN. */
  readonly remoteTime: number;
  readonly state: DeliveryState;
  /** With "failed": the SIP status, or 0 for a timeout / transport failure / IMDN failure. */
  readonly failureCode: number;
}

class MessageRecord implements StoredMessage {
  id = 0;
  direction: Direction = 'out';
  peer = '';
  text = '';
  key = '';
  createdAt = 0;
  updatedAt = 0;
  remoteTime = NaN;
  state: DeliveryState = 'queued';
  failureCode = 0;
  conversation = 0;
}

function snapshot(r: MessageRecord): StoredMessage {
  return {
    id: r.id, direction: r.direction, peer: r.peer, text: r.text, key: r.key, createdAt: r.createdAt,
    updatedAt: r.updatedAt, remoteTime: r.remoteTime, state: r.state, failureCode: r.failureCode,
  };
}

class Conversation {
  peer: string | null = null;
  head = 0;
  count = 0;
  lastActivity = 0;
  readonly slots: MessageRecord[];
  constructor(capacity: number, index: number) {
    this.slots = Array.from({ length: capacity }, () => { const r = new MessageRecord(); r.conversation = index; return r; });
  }
  at(i: number): MessageRecord {
    return this.slots[(this.head + i) % this.slots.length]!;
  }
  /** Removes logical position k, keeping order; the freed record moves behind the last one. */
  removeAt(k: number): void {
    const cap = this.slots.length;
    const freedAt = (this.head + k) % cap;
    const freed = this.slots[freedAt]!;
    for (let i = k; i < this.count - 1; i++) this.slots[(this.head + i) % cap] = this.slots[(this.head + i + 1) % cap]!;
    this.slots[(this.head + this.count - 1) % cap] = freed;
    this.count--;
    if (this.count === 0) this.head = 0;
  }
}

export type StoreEvent =
  | { readonly kind: 'evicted'; readonly message: StoredMessage; /** It was incoming and never displayed. */ readonly unread: boolean }
  | { readonly kind: 'state'; readonly id: number; readonly from: DeliveryState; readonly to: DeliveryState; readonly code: number };

export interface ConversationStoreOptions {
  /** Messages kept per conversation: the board's capacities.pendingMessages. */
  readonly capacityPerConversation: number;
  readonly maxConversations: number;
  /** Longest text stored, in UTF-16 units (the text-body limit already bounds bytes). */
  readonly maxTextLength: number;
}

export const DEFAULT_STORE_OPTIONS: ConversationStoreOptions = { capacityPerConversation: 16, maxConversations: 8, maxTextLength: 4096 };

export class ConversationStore {
  readonly options: ConversationStoreOptions;
  /** Events dropped because the caller did not drain pollEvent (the queue is bounded). */
  droppedEvents = 0;
  private readonly conversations: Conversation[];
  private readonly byId = new Map<number, MessageRecord>();
  private nextId = 1;
  private readonly events: StoreEvent[] = [];
  private readonly maxEvents: number;

  constructor(options: Partial<ConversationStoreOptions> = {}) {
    this.options = { ...DEFAULT_STORE_OPTIONS, ...options };
    const cap = Math.max(1, Math.floor(this.options.capacityPerConversation));
    const n = Math.max(1, Math.floor(this.options.maxConversations));
    this.conversations = Array.from({ length: n }, (_, i) => new Conversation(cap, i));
    this.maxEvents = cap * 2 + 16;
  }

  /** Stores an outgoing message as "queued"; returns its id. */
  addOutgoing(peer: string, text: string, now: number, key = ''): Result<number, number> {
    return this.add('out', 'queued', peer, text, now, key, NaN);
  }

  /** Stores a received message as "delivered" (unread); returns its id. */
  addIncoming(peer: string, text: string, now: number, key = '', remoteTime = NaN): Result<number, number> {
    return this.add('in', 'delivered', peer, text, now, key, remoteTime);
  }

  /** Moves message `id` by `input` if the table allows it; returns the new state. */
  apply(id: number, input: DeliveryInput, now: number, code = 0): Result<DeliveryState, number> {
    const r = this.byId.get(id);
    if (r === undefined) return Err(E_STORE_UNKNOWN_ID);
    const next = DELIVERY_TRANSITIONS[r.direction][r.state][input];
    if (next === undefined) return Err(E_STORE_ILLEGAL_TRANSITION);
    const from = r.state;
    r.state = next;
    r.updatedAt = now;
    if (next === 'failed') r.failureCode = code;
    else if (input === 'retry') r.failureCode = 0;
    this.conversations[r.conversation]!.lastActivity = now;
    if (from !== next) this.emit({ kind: 'state', id, from, to: next, code: next === 'failed' ? code : 0 });
    return Ok(next);
  }

  get(id: number): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** Id of the most recent message with this key (and peer, when given), or -1. */
  findByKey(key: string, peer?: string): number {
    let best = -1;
    for (const r of this.byId.values()) {
      if (r.key === key && (peer === undefined || r.peer === peer) && r.id > best) best = r.id;
    }
    return best;
  }

  /** The conversation with `peer`, oldest first (a new array of live read-only records). */
  list(peer: string): StoredMessage[] {
    const c = this.find(peer);
    const out: StoredMessage[] = [];
    if (c === null) return out;
    for (let i = 0; i < c.count; i++) out.push(c.at(i));
    return out;
  }

  /** Peers with a conversation, most recently active first. */
  peers(): string[] {
    return this.conversations.filter((c) => c.peer !== null && c.count > 0)
      .sort((a, b) => b.lastActivity - a.lastActivity).map((c) => c.peer!);
  }

  /** Messages stored in all conversations. */
  get size(): number {
    return this.byId.size;
  }

  pollEvent(): StoreEvent | undefined {
    return this.events.shift();
  }

  // ---------------------------------------------------------------- internals

  private add(direction: Direction, state: DeliveryState, peer: string, text: string, now: number, key: string, remoteTime: number): Result<number, number> {
    if (text.length > this.options.maxTextLength) return Err(E_STORE_TEXT_TOO_LONG);
    let c = this.find(peer);
    if (c === null) {
      c = this.claimConversation(peer, now);
      if (c === null) return Err(E_STORE_TOO_MANY_CONVERSATIONS);
    }
    if (c.count === c.slots.length) {
      const victim = evictionCandidate(c);
      if (victim < 0) return Err(E_STORE_FULL);
      this.evict(c, victim);
    }
    const r = c.at(c.count);
    c.count++;
    r.id = this.nextId++;
    r.direction = direction;
    r.peer = peer;
    r.text = text;
    r.key = key;
    r.createdAt = r.updatedAt = now;
    r.remoteTime = remoteTime;
    r.state = state;
    r.failureCode = 0;
    c.lastActivity = now;
    this.byId.set(r.id, r);
    return Ok(r.id);
  }

  private find(peer: string): Conversation | null {
    const list = this.conversations;
    for (let i = 0; i < list.length; i++) if (list[i]!.peer === peer) return list[i]!;
    return null;
  }

  /**
   * A free conversation, or the least recently active one holding no message that must stay
   * (pending or failed outgoing), read ones first; its messages are evicted with events. null
   * when none can go.
   */
  private claimConversation(peer: string, now: number): Conversation | null {
    let best: Conversation | null = null;
    let bestRank = Infinity;
    for (const c of this.conversations) {
      if (c.peer === null || c.count === 0) { best = c; break; }
      let mustStay = false;
      let unread = false;
      for (let i = 0; i < c.count && !mustStay; i++) {
        const r = c.at(i);
        mustStay = !evictable(r);
        unread ||= r.direction === 'in' && r.state === 'delivered';
      }
      // Conversations with unread messages go last.
      const rank = c.lastActivity + (unread ? 1e15 : 0);
      if (!mustStay && rank < bestRank) { best = c; bestRank = rank; }
    }
    if (best === null) return null;
    while (best.count > 0) this.evict(best, 0);
    best.peer = peer;
    best.head = 0;
    best.lastActivity = now;
    return best;
  }

  private evict(c: Conversation, k: number): void {
    const r = c.at(k);
    this.emit({ kind: 'evicted', message: snapshot(r), unread: r.direction === 'in' && r.state === 'delivered' });
    this.byId.delete(r.id);
    r.text = '';
    r.key = '';
    c.removeAt(k);
  }

  private emit(e: StoreEvent): void {
    this.events.push(e);
    if (this.events.length > this.maxEvents) { this.events.shift(); this.droppedEvents++; }
  }
}

/** Delivered or displayed: its fate is known, so it may be evicted (with an event). */
function evictable(r: MessageRecord): boolean {
  return r.state === 'delivered' || r.state === 'displayed';
}

/** Logical index of the message to evict from a full conversation, or -1 when none may go. */
function evictionCandidate(c: Conversation): number {
  let unread = -1;
  for (let i = 0; i < c.count; i++) {
    const r = c.at(i);
    if (!evictable(r)) continue;
    if (r.direction === 'in' && r.state === 'delivered') { if (unread < 0) unread = i; continue; }
    return i;
  }
  return unread;
}
