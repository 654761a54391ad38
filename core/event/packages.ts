// The event packages a UA knows (RFC 6665 §7.2): which bodies each accepts and how long its
// subscriptions last by default. Allow-Events and Accept are built from it, and a NOTIFY or
// SUBSCRIBE for a package not in it is answered 489 Bad Event (§8.2.1) instead of 405.

export interface EventPackage {
  /** Event package name as on the wire, lower case ("presence", "dialog", "message-summary"). */
  readonly name: string;
  /** Body types a NOTIFY of this package may carry, most preferred first. */
  readonly accept: readonly string[];
  /** Default subscription duration in seconds. */
  readonly defaultExpires: number;
  /** Whether we also act as notifier for it (e.g. our own dialog state for others' BLF keys). */
  readonly notifier: boolean;
}

export const PRESENCE: EventPackage = { name: 'presence', accept: ['application/pidf+xml', 'application/rlmi+xml', 'multipart/related'], defaultExpires: 3600, notifier: false };
export const PRESENCE_WINFO: EventPackage = { name: 'presence.winfo', accept: ['application/watcherinfo+xml'], defaultExpires: 3600, notifier: false };
export const DIALOG: EventPackage = { name: 'dialog', accept: ['application/dialog-info+xml', 'application/rlmi+xml', 'multipart/related'], defaultExpires: 3600, notifier: true };
export const MESSAGE_SUMMARY: EventPackage = { name: 'message-summary', accept: ['application/simple-message-summary'], defaultExpires: 3600, notifier: false };

export class EventPackageRegistry {
  private readonly packages: EventPackage[] = [];
  /** Accept value of each package (same index), joined once: every SUBSCRIBE keeps it. */
  private readonly acceptValues: string[] = [];

  constructor(initial: readonly EventPackage[] = [PRESENCE, PRESENCE_WINFO, DIALOG, MESSAGE_SUMMARY]) {
    for (const p of initial) this.register(p);
  }

  register(p: EventPackage): void {
    const i = this.packages.findIndex((q) => q.name === p.name);
    if (i >= 0) { this.packages[i] = p; this.acceptValues[i] = p.accept.join(', '); }
    else { this.packages.push(p); this.acceptValues.push(p.accept.join(', ')); }
  }

  /** Case-insensitive lookup by name (event package names are tokens, compared caselessly). */
  find(name: string): EventPackage | undefined {
    const lower = name.toLowerCase();
    return this.packages.find((p) => p.name === lower);
  }

  /** Allow-Events value (RFC 6665 §8.2.2): every package we accept NOTIFYs or SUBSCRIBEs for. */
  allowEvents(): string {
    return this.packages.map((p) => p.name).join(', ');
  }

  /** Accept value for a SUBSCRIBE of this package (§7.2). */
  acceptFor(name: string): string {
    const lower = name.toLowerCase();
    const i = this.packages.findIndex((p) => p.name === lower);
    return i >= 0 ? this.acceptValues[i]! : '';
  }

  /** Whether a NOTIFY body type fits the package; an empty body is always allowed (§4.1.3). */
  accepts(name: string, contentType: string): boolean {
    const p = this.find(name);
    if (!p) return false;
    if (contentType === '') return true;
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    return p.accept.includes(type);
  }
}
