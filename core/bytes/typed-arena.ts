// Typed arrays carved out of shared ArrayBuffers, for tables kept as a structure of arrays.
// Why: every ArrayBuffer is an object, a separate allocation and its bookkeeping — in QuickJS
// about 100 bytes beyond its contents — and a table of 64 transactions is three dozen small
// arrays. Views into one buffer cost the view alone. Configuration time only: each call makes a
// view object, so never call it on a hot path.

const ALIGN = 8;

export class TypedArena {
  private buffer: ArrayBuffer;
  private offset = 0;

  /** `expectedBytes`: about what will be carved (a larger request opens a new buffer). */
  constructor(private readonly expectedBytes: number) {
    this.buffer = new ArrayBuffer(Math.max(ALIGN, expectedBytes));
  }

  u8(length: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(length, 1), length);
  }

  u16(length: number): Uint16Array {
    return new Uint16Array(this.buffer, this.take(length * 2, 2), length);
  }

  i32(length: number): Int32Array {
    return new Int32Array(this.buffer, this.take(length * 4, 4), length);
  }

  f64(length: number): Float64Array {
    return new Float64Array(this.buffer, this.take(length * 8, 8), length);
  }

  /** Byte offset of `bytes` aligned to `align` in the current buffer, opening a new one if full. */
  private take(bytes: number, align: number): number {
    let at = (this.offset + align - 1) & ~(align - 1);
    if (at + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(bytes, this.expectedBytes >> 2, ALIGN));
      at = 0;
    }
    this.offset = at + bytes;
    return at;
  }
}
