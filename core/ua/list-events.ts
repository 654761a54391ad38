// What the UA tells the application about resource-list subscriptions (RFC 4662) once
// enableResourceLists() brought the module in. Part of the UaEvent union (events.ts); kept here
// so the list module owns its vocabulary.

/** RFC 4662 §5.4 state of a resource's back-end subscription(s); `removed`: a full-state
 *  notification no longer lists it (§5.2), `unknown`: listed without an instance yet. */
export type ListResourceState = 'active' | 'pending' | 'terminated' | 'unknown' | 'removed';

/** Composed presence of a resource (PIDF + RPID, as core/presence/documents/pidf-effective.ts shows it). */
export type ListPresenceDisplay = 'unknown' | 'offline' | 'available' | 'away' | 'busy' | 'on-the-phone' | 'in-meeting';

export interface ListResourcePresence {
  readonly display: ListPresenceDisplay;
  /** The note of the deciding instance ('' when none). */
  readonly note: string;
  /** RPID activity bits (rpid-vocabulary.ts). */
  readonly activities: number;
}

/** Summary of a resource's dialog-info part (RFC 4235): the strongest dialog state. */
export interface ListResourceDialogs {
  readonly dialogs: number;
  /** 'idle' when the document lists no dialog that is not terminated. */
  readonly state: 'idle' | 'trying' | 'proceeding' | 'early' | 'confirmed' | 'unknown';
  readonly version: number;
}

/** Why a list notification ended the way it did. */
export type ListOutcome =
  /** Applied: the per-resource events before this one say what changed. */
  | 'applied'
  /** Version not above the last one (repeated or reordered NOTIFY): ignored (RFC 4662 §5.2). */
  | 'stale'
  /** A partial notification skipped a version (a NOTIFY was lost): applied as far as possible and
   *  a refresh SUBSCRIBE was sent; its NOTIFY carries full state (RFC 4662 §5.2, RFC 6665 §4.2.2). */
  | 'refreshing'
  /** More resources than the table holds: some are missing (see `overflowed`). */
  | 'overflow'
  /** The multipart/related body or its RLMI root could not be read: nothing changed. */
  | 'bad-body';

export type ListEvent =
  /** One per resource listed in a list NOTIFY (and one `removed` per resource a full state dropped). */
  | {
    readonly kind: 'list-resource'; readonly subscriptionId: number; readonly event: string;
    /** URI of the list the resource is on (a nested list's URI for its members). */
    readonly list: string; readonly uri: string; readonly name: string; readonly state: ListResourceState;
    /** §5.4 reason of a terminated instance (e.g. "rejected", "noresource"), else ''. */
    readonly reason: string;
    /** The resource is itself a list (its members follow as their own events). */
    readonly isList: boolean;
    /** The resource's own part (latest instance with a body), copied; '' and empty when the NOTIFY carried none. */
    readonly contentType: string; readonly body: Uint8Array;
    /** Composed presence (event `presence`, from the list's table: all instances considered). */
    readonly presence: ListResourcePresence | null;
    /** Event `dialog` with an application/dialog-info+xml part. */
    readonly dialog: ListResourceDialogs | null;
    readonly at: number;
  }
  /** One per list NOTIFY, after its resource events. */
  | {
    readonly kind: 'list'; readonly subscriptionId: number; readonly event: string; readonly uri: string;
    readonly version: number; readonly fullState: boolean; readonly outcome: ListOutcome;
    /** Resources now known over all nesting levels. */
    readonly resources: number; readonly overflowed: number;
    /** Parts that could not be read (bad PIDF, unknown type, unreadable nested list). */
    readonly unreadableParts: number;
    /** RlsBodyError name of a bad-body outcome, else ''. */
    readonly error: string;
    readonly at: number;
  };
