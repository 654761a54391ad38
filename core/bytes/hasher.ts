// The shape shared by the core's own hash functions (device engines have no crypto module),
// so digest auth can run MD5 or SHA-256 through one code path.

export interface Hasher {
  /** Digest size in bytes (16 for MD5, 32 for SHA-256). */
  readonly digestLength: number;
  /** Starts a new message. */
  reset(): this;
  /** Adds buf[off, off+len). */
  update(buf: Uint8Array, off: number, len: number): this;
  /** Adds the UTF-8 bytes of `s` without allocating. */
  updateString(s: string): this;
  /** Writes the digest at out[off, off+digestLength) and resets for the next message. */
  digest(out: Uint8Array, off: number): void;
}
