// The address-of-record keys of the URIs the UA subscribes to, so the known-peers policy
// (RFC 3428 §11 for MESSAGE, the notifier's `known-peers` for watcher SUBSCRIBEs) answers "is this
// sender one we subscribe to?" with one Map lookup instead of comparing the sender with every
// subscription's target. Maintained where subscriptions take and free their slots.
//
// The key is exactly what sameAddressOfRecord (uri-target.ts) compares: the user part as written,
// the host (already lower case, no IPv6 brackets) and the port with RFC 3261's default 5060
// applied; scheme and URI parameters play no part, as there. Two subscriptions to one peer
// (presence and dialog, say) share a key, hence the count.
import type { SipUriParts } from './uri-target.js';

/** What sameAddressOfRecord treats as equal maps to one string. The NUL separators cannot occur in a host. */
export function addressOfRecordKey(parts: SipUriParts): string {
  return `${parts.port < 0 ? 5060 : parts.port}\u0000${parts.host}\u0000${parts.user}`;
}

export class KnownPeers {
  private readonly counts = new Map<string, number>();

  /** A subscription to `parts` now holds a slot. */
  add(parts: SipUriParts): void {
    const key = addressOfRecordKey(parts);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** A subscription to `parts` freed its slot (each add is matched by one remove). */
  remove(parts: SipUriParts): void {
    const key = addressOfRecordKey(parts);
    const n = this.counts.get(key);
    if (n === undefined) return;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  has(parts: SipUriParts): boolean {
    return this.counts.has(addressOfRecordKey(parts));
  }

  /** No subscription at all: the caller need not even parse the sender's URI. */
  get isEmpty(): boolean {
    return this.counts.size === 0;
  }

  /** Distinct peers (for tests and diagnostics). */
  get size(): number {
    return this.counts.size;
  }
}
