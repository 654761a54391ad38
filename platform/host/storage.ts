// Small persistent settings: account credentials, the BLF list, the last presence state, the
// unread-message counters that must survive a reboot. Flash-friendly on purpose: few keys, small
// values, whole-value writes (Moddable's Preference module, an NVS partition, a JSON file on
// Linux all fit). The SDK writes only when a value changes.

export interface KeyValueStorage {
  /** The stored bytes, or undefined when the key is absent. */
  get(key: string): Uint8Array | undefined;
  /**
   * Stores a value whole (a power cut leaves the old or the new value, never a mix). Returns
   * false when it does not fit (key longer than maxKeyLength, value larger than maxValueBytes,
   * storage full); it does not throw.
   */
  set(key: string, value: Uint8Array): boolean;
  /** Removes the key; absent keys are fine. */
  delete(key: string): void;
  /** Every stored key (order unspecified). */
  keys(): readonly string[];
  /** Limits the SDK respects: ESP-IDF NVS allows 15-character keys, Moddable preferences 63 bytes. */
  readonly maxKeyLength: number;
  readonly maxValueBytes: number;
}
