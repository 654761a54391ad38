// Time as the core sees it: a number of milliseconds from a monotonic clock, read by the host
// and passed in (`now`). The core never reads a clock and never sets a timer; it only answers
// "when do you next need me?" (pollTimeout), and the host arms its one timer for that instant.

export interface Clock {
  /**
   * Monotonic milliseconds (any origin; may be fractional). Never goes backwards and never jumps
   * with wall-clock changes (NTP, the user setting the date): transaction timers depend on it.
   */
  now(): number;
  /**
   * Wall-clock time in milliseconds since 1970 (for PIDF timestamps and message dates), or
   * undefined before the device knows the date (no NTP yet).
   */
  wallTime?(): number | undefined;
}

export interface TimerOptions {
  /** The scheduled instant passed. Runs from the host's event loop, never inside schedule(). */
  readonly onExpired: (this: Timer, now: number) => void;
}

/**
 * A single-shot timer on the same time base as Clock.now(). One is enough for the whole SDK:
 * after every turn of the host loop, schedule(min of the deadlines the core reports).
 */
export interface Timer {
  /**
   * Fire at `at` (Clock.now() units), replacing any earlier schedule. An instant in the past
   * fires as soon as possible, still from the event loop.
   */
  schedule(at: number): void;
  /** Nothing pending afterwards; scheduling again is allowed. */
  cancel(): void;
  close(): void;
}

export interface TimerConstructor {
  new (options: TimerOptions): Timer;
}
