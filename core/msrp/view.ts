// MsrpFrameView: a parsed MSRP request or response as spans into the caller's bytes, filled by
// parseMsrp() without allocating. Byte-Range and the Status header are decoded during the scan
// because every frame needs them for chunk reassembly and reports.

export interface MsrpLimits {
  maxFrameBytes: number;
  maxHeaders: number;
  maxLineBytes: number;
}

export const DEFAULT_MSRP_LIMITS: Readonly<MsrpLimits> = { maxFrameBytes: 65536 + 1024, maxHeaders: 24, maxLineBytes: 4096 };

const EMPTY = new Uint8Array(0);

export class MsrpFrameView {
  readonly limits: Readonly<MsrpLimits>;
  buf: Uint8Array = EMPTY;
  isRequest = false;
  transactionIdOff = 0;
  transactionIdLen = 0;
  /** MSRP_METHOD id for requests. */
  methodId = 0;
  methodOff = 0;
  methodLen = 0;
  /** Status code of a response (000–999). */
  statusCode = 0;
  commentOff = 0;
  commentLen = 0;
  headerCount = 0;
  readonly headerId: Uint8Array;
  readonly nameOff: Uint32Array;
  readonly nameLen: Uint32Array;
  readonly valueOff: Uint32Array;
  readonly valueLen: Uint32Array;
  /** Body (data) span; bodyLen 0 and hasBody false when the frame carries none. */
  hasBody = false;
  bodyOff = 0;
  bodyLen = 0;
  /** '+' (more chunks follow), '$' (last chunk), '#' (message aborted): the byte itself. */
  continuation = 0;
  /** Byte-Range (RFC 4975 §9): start, end (-1 for "*"), total (-1 for "*"); start -1 when absent. */
  rangeStart = -1;
  rangeEnd = -1;
  rangeTotal = -1;
  /** Status header of a REPORT or response: code, or -1 when absent. */
  statusHeaderCode = -1;
  frameOff = 0;
  frameLen = 0;
  errorCode = 0;
  errorOffset = 0;

  constructor(limits: Partial<MsrpLimits> = {}) {
    this.limits = { ...DEFAULT_MSRP_LIMITS, ...limits };
    const n = this.limits.maxHeaders;
    this.headerId = new Uint8Array(n);
    this.nameOff = new Uint32Array(n);
    this.nameLen = new Uint32Array(n);
    this.valueOff = new Uint32Array(n);
    this.valueLen = new Uint32Array(n);
  }

  find(id: number, from = 0): number {
    const count = this.headerCount;
    for (let i = from; i < count; i++) if (this.headerId[i] === id) return i;
    return -1;
  }

  /** Text of a span (allocates: only when the caller asks). */
  text(off: number, len: number): string {
    let s = '';
    const buf = this.buf;
    for (let i = 0; i < len; i++) s += String.fromCharCode(buf[off + i]!);
    return s;
  }

  transactionId(): string {
    return this.text(this.transactionIdOff, this.transactionIdLen);
  }

  headerValueText(i: number): string {
    return this.text(this.valueOff[i]!, this.valueLen[i]!);
  }
}
