// What a UserAgent holds at one moment: live transactions, armed timers, pool slots in use,
// queues, subscription and watcher records. Everything the UA keeps is bounded by its
// capacities; these figures show how much of it is in use, so a soak test (test/soak/) can
// check that a phone left idle gives every slot back, and a host can show it in diagnostics.
// Filled by UserAgent.occupancy(into): one record reused, no allocation per read.

export class UaOccupancy {
  /** Live client transactions (our requests, including Completed ones absorbing retransmissions). */
  clientTransactions = 0;
  /** Live server transactions (requests we answer; a UDP one lives 64·T1 after the answer). */
  serverTransactions = 0;
  /** Armed timers of both transaction engines. */
  transactionTimers = 0;
  /** Request / response buffer slots in use. */
  requestBuffersInUse = 0;
  responseBuffersInUse = 0;
  /** Requests waiting for a request buffer. */
  queuedRequests = 0;
  /** Events and extra transmits (keep-alives, chat CANCELs) not yet polled by the host. */
  queuedEvents = 0;
  queuedTransmits = 0;
  /** Subscriptions we hold (any state), their dialogs, and distinct peers they target. */
  subscriptions = 0;
  dialogs = 0;
  knownPeers = 0;
  /** Watcher records of the notifier side (including ended ones whose final NOTIFY is unanswered). */
  watchers = 0;
  /** Incoming MESSAGEs waiting for the application's answer. */
  pendingMessages = 0;
  /** Destinations referenced by live transactions. */
  endpointsInUse = 0;
  /** Session-mode chats held (after enableChat), lingering ones included. */
  chats = 0;
  /** Extra dialogs of forked subscriptions (RFC 6665 §4.1.2.4; subscription-forks.ts), beyond their first. */
  forkDialogs = 0;
  /** TCP/TLS flows holding a framer (with the stream module). */
  streamFlows = 0;
}
