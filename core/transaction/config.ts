// Timer values and capacities of a transaction engine (RFC 3261 §17.1.1.1 and Table 4).

export interface TransactionConfig {
  /** RTT estimate, default 500 ms (§17.1.1.1). */
  t1: number;
  /** Maximum retransmission interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2: number;
  /** Maximum time a message remains in the network, default 5 s (Timers K and I). */
  t4: number;
  /** Timer D on unreliable transports: "at least 32 s" (§17.1.1.2); 0 on reliable ones. */
  timerD: number;
  /** Live transactions at most (client + server). Slots are preallocated. */
  maxTransactions: number;
  /** Branch bytes kept per transaction for exact matching; longer branches compare on this prefix + length + hash. */
  maxBranchBytes: number;
  /** Pending transmits/events before the host drains them; beyond, new ones are dropped and counted. */
  transmitQueueSize: number;
  eventQueueSize: number;
}

export const DEFAULT_TRANSACTION_CONFIG: Readonly<TransactionConfig> = {
  t1: 500,
  t2: 4000,
  t4: 5000,
  timerD: 32000,
  maxTransactions: 1024,
  maxBranchBytes: 64,
  transmitQueueSize: 0,
  eventQueueSize: 0,
};

/**
 * Fills defaults. Queue sizes of 0 mean: transmits maxTransactions + 64, events
 * 2 × maxTransactions + 64 — enough for the worst single handleTimeout (every transaction fires
 * one retransmission plus a timeout and its termination) when the host drains after each call.
 * Throws RangeError on nonsense (a programming error, not input).
 */
export function resolveTransactionConfig(partial: Partial<TransactionConfig>): TransactionConfig {
  const c: TransactionConfig = { ...DEFAULT_TRANSACTION_CONFIG, ...partial };
  for (const name of ['t1', 't2', 't4', 'timerD'] as const) {
    if (!(c[name] >= 0) || !Number.isFinite(c[name])) throw new RangeError(`transaction config: ${name} must be a finite number >= 0`);
  }
  if (!(c.t1 > 0)) throw new RangeError('transaction config: t1 must be > 0');
  if (!(c.maxTransactions >= 1 && c.maxTransactions <= 0x100000 && Number.isInteger(c.maxTransactions))) {
    throw new RangeError('transaction config: maxTransactions must be an integer in 1..1048576');
  }
  if (!(c.maxBranchBytes >= 8 && Number.isInteger(c.maxBranchBytes))) throw new RangeError('transaction config: maxBranchBytes must be an integer >= 8');
  if (!c.transmitQueueSize) c.transmitQueueSize = c.maxTransactions + 64;
  if (!c.eventQueueSize) c.eventQueueSize = 2 * c.maxTransactions + 64;
  return c;
}
