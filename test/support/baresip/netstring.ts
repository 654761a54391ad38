// Netstring framing (https://cr.yp.to/proto/netstrings.txt) as used by baresip's ctrl_tcp:
//   netstring = length ":" bytes ","      length = 1*DIGIT (no leading zero unless "0")
// Lengths count bytes, not UTF-16 units, so the reader works on Buffers.

export function encodeNetstring(payload: string): Buffer {
  const bytes = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length}:`, 'latin1'), bytes, Buffer.from(',', 'latin1')]);
}

/** Incremental reader: feed chunks as they arrive from the socket, get whole payloads back. */
export class NetstringReader {
  private pending: Buffer = Buffer.alloc(0);
  /** Set once the stream is not netstring-framed; no further payloads are produced. */
  error: string | undefined;

  constructor(private readonly maxLength = 1 << 20) {}

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    if (this.error !== undefined) return out;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const colon = this.pending.indexOf(0x3a);
      if (colon < 0) {
        if (this.pending.length > 10) this.fail('no colon within 10 digits');
        return out;
      }
      const digits = this.pending.subarray(0, colon).toString('latin1');
      if (!/^(0|[1-9][0-9]{0,9})$/.test(digits)) { this.fail(`bad length ${JSON.stringify(digits)}`); return out; }
      const length = Number(digits);
      if (length > this.maxLength) { this.fail(`length ${length} over ${this.maxLength}`); return out; }
      const end = colon + 1 + length;
      if (this.pending.length < end + 1) return out;
      if (this.pending[end] !== 0x2c) { this.fail('missing trailing comma'); return out; }
      out.push(this.pending.subarray(colon + 1, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
    }
  }

  private fail(why: string): void {
    this.error = why;
    this.pending = Buffer.alloc(0);
  }
}

// baresip colours its console output (ESC [ 31 m ... ESC [ ; m), also inside ctrl_tcp "data".
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
