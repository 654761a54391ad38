// Frames the session writes on the receive path (RFC 4975 §7.2 responses, §7.1.2 REPORTs),
// assembled from byte spans already in hand (the request's transaction id and From-Path, the
// stored Message-ID), so answering a chunk allocates nothing. All or nothing: the new position,
// or -1 when the frame does not fit (the caller reserves room first).

const CR = 13;
const LF = 10;

let out: Uint8Array = new Uint8Array(0);
let pos = 0;
let end = 0;
let ok = true;

function put(src: Uint8Array, off: number, len: number): void {
  if (pos + len > end) { ok = false; return; }
  for (let i = 0; i < len; i++) out[pos + i] = src[off + i]!;
  pos += len;
}

function text(s: string): void {
  const n = s.length;
  if (pos + n > end) { ok = false; return; }
  for (let i = 0; i < n; i++) out[pos + i] = s.charCodeAt(i);
  pos += n;
}

function crlf(): void {
  if (pos + 2 > end) { ok = false; return; }
  out[pos++] = CR;
  out[pos++] = LF;
}

function uint(n: number, width: number): void {
  let digits = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
  if (digits < width) digits = width;
  if (pos + digits > end) { ok = false; return; }
  for (let i = digits - 1, v = n; i >= 0; i--, v = Math.floor(v / 10)) out[pos + i] = 48 + (v % 10);
  pos += digits;
}

function begin(buf: Uint8Array, at: number, limit: number): void {
  out = buf;
  pos = at;
  end = Math.min(limit, buf.length);
  ok = true;
}

/**
 * §7.2: "MSRP <tid> <code> <comment>", To-Path = the request's From-Path, From-Path = ours,
 * end-line with "$". Responses carry no body.
 */
export function writeResponseFromSpans(buf: Uint8Array, at: number, limit: number,
  req: Uint8Array, tidOff: number, tidLen: number, status: number, comment: string,
  toPathOff: number, toPathLen: number, localPath: Uint8Array): number {
  begin(buf, at, limit);
  text('MSRP '); put(req, tidOff, tidLen); text(' '); uint(status, 3);
  if (comment) { text(' '); text(comment); }
  crlf();
  text('To-Path: '); put(req, toPathOff, toPathLen); crlf();
  text('From-Path: '); put(localPath, 0, localPath.length); crlf();
  text('-------'); put(req, tidOff, tidLen); text('$'); crlf();
  return ok ? pos : -1;
}

/** §7.1.2: a REPORT for bytes 1-`end`/`total` of a message, Status "000 <code> <reason>". */
export function writeReportFromSpans(buf: Uint8Array, at: number, limit: number,
  tid: Uint8Array, tidLen: number, toPath: Uint8Array, toPathLen: number, localPath: Uint8Array,
  messageId: Uint8Array, messageIdLen: number, rangeEnd: number, total: number, status: number, reason: string): number {
  begin(buf, at, limit);
  text('MSRP '); put(tid, 0, tidLen); text(' REPORT'); crlf();
  text('To-Path: '); put(toPath, 0, toPathLen); crlf();
  text('From-Path: '); put(localPath, 0, localPath.length); crlf();
  text('Message-ID: '); put(messageId, 0, messageIdLen); crlf();
  text('Byte-Range: 1-'); uint(rangeEnd, 1); text('/'); uint(total, 1); crlf();
  text('Status: 000 '); uint(status, 3);
  if (reason) { text(' '); text(reason); }
  crlf();
  text('-------'); put(tid, 0, tidLen); text('$'); crlf();
  return ok ? pos : -1;
}

/** Bytes a response or REPORT may need beyond the two paths and the ids (start line, names, range). */
export const CONTROL_FRAME_OVERHEAD = 256;
