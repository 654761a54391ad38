// `hardphone parse [--json] [--lenient] <file|->`: parse one SIP message the way the phone would read a UDP
// datagram (RFC 3261 §18.3: Content-Length may be absent) and print what the parser saw.
// Exit codes: 0 valid, 1 invalid message, 2 usage error.
import { readFileSync } from 'node:fs';
import {
  SipMessageView, parse, NEED_MORE, H, headerName, errorName, errorMessage, HeaderValueCursor,
  type ParseOptions,
} from '../core/sip/index.js';
import { CSeqValue, decodeCSeq } from '../core/sip/decode/index.js';

const usage = 'usage: hardphone parse [--json] [--lenient] <file|->\n';
const help = `${usage}
Parses one SIP message (a file, or - for standard input) the way the phone reads a UDP datagram
and prints what the parser saw: the start line, Call-ID, CSeq, the number of Via values,
Content-Length, the body size and every header.

  --json       print one JSON object instead: {"ok":true,...} or {"ok":false,"error":{"code","offset","message"}}
  --lenient    also accept bare LF line ends, a space or fold before a header's colon, and any bytes
               in a reason phrase (what some devices and test files send; RFC 3261 wants none of them)

Exit codes: 0 valid, 1 invalid (the error code and the byte where it was found are printed), 2 usage.
`;

interface ParsedJson {
  ok: true;
  kind: 'request' | 'response';
  method: string | null;
  requestUri: string | null;
  status: number | null;
  reason: string | null;
  callId: string | null;
  cseq: { seq: number; method: string } | null;
  via: number;
  contentLength: number | null;
  bodyLength: number;
  headers: { name: string; value: string }[];
}

interface FailedJson {
  ok: false;
  error: { code: string; offset: number; message: string };
}

export function describeMessage(bytes: Uint8Array, options: ParseOptions): ParsedJson | FailedJson {
  const size = Math.max(bytes.length, 65535);
  const view = new SipMessageView({ maxMessageBytes: size, maxBodyBytes: size });
  const consumed = parse(bytes, 0, bytes.length, view, options);
  if (consumed <= 0) {
    const code = consumed === NEED_MORE ? 'NEED_MORE' : errorName(consumed);
    const message = consumed === NEED_MORE
      ? 'the message is incomplete (no empty line ends the header section, or the body is shorter than Content-Length)'
      : errorMessage(consumed);
    const offset = consumed === NEED_MORE ? bytes.length : view.errorOffset;
    return { ok: false, error: { code, offset, message } };
  }
  const headers: { name: string; value: string }[] = [];
  for (let i = 0; i < view.headerCount; i++) {
    const id = view.headerId[i]!;
    headers.push({ name: id === H.UNKNOWN ? view.headerNameText(i) : headerName(id), value: view.headerValueText(i) });
  }
  const callIdIndex = view.find(H.CALL_ID);
  let cseq: ParsedJson['cseq'] = null;
  const cseqIndex = view.find(H.CSEQ);
  if (cseqIndex >= 0) {
    const value = new CSeqValue();
    const start = view.valueOff[cseqIndex]!;
    if (decodeCSeq(bytes, start, start + view.valueLen[cseqIndex]!, value) === 0) {
      cseq = { seq: value.seq, method: view.text(value.methodOff, value.methodLen) };
    }
  }
  const vias = new HeaderValueCursor();
  vias.reset(view, H.VIA);
  let viaCount = 0;
  while (vias.next()) viaCount++;
  return {
    ok: true,
    kind: view.isRequest ? 'request' : 'response',
    method: view.isRequest ? view.method() : null,
    requestUri: view.isRequest ? view.requestUri() : null,
    status: view.isRequest ? null : view.statusCode,
    reason: view.isRequest ? null : view.reason(),
    callId: callIdIndex >= 0 ? view.headerValueText(callIdIndex) : null,
    cseq,
    via: viaCount,
    contentLength: view.contentLength >= 0 ? view.contentLength : null,
    bodyLength: view.bodyLen,
    headers,
  };
}

function printHuman(d: ParsedJson | FailedJson): void {
  if (!d.ok) {
    process.stdout.write(`invalid: ${d.error.code} at byte ${d.error.offset}: ${d.error.message}\n`);
    return;
  }
  const start = d.kind === 'request' ? `${d.method} ${d.requestUri}` : `${d.status} ${d.reason}`;
  process.stdout.write(`${d.kind}: ${start}\n`);
  process.stdout.write(`  Call-ID: ${d.callId ?? '(none)'}\n`);
  process.stdout.write(`  CSeq: ${d.cseq ? `${d.cseq.seq} ${d.cseq.method}` : '(none)'}\n`);
  process.stdout.write(`  Via values: ${d.via}, Content-Length: ${d.contentLength ?? '(none)'}, body: ${d.bodyLength} bytes\n`);
  process.stdout.write(`  ${d.headers.length} headers:\n`);
  for (const h of d.headers) process.stdout.write(`    ${h.name}: ${h.value}\n`);
}

export async function parseCommand(argv: string[]): Promise<number> {
  let json = false;
  let lenient = false;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '--lenient') lenient = true;
    else if (arg === '-h' || arg === '--help') { process.stdout.write(help); return 0; }
    else if (arg.startsWith('--')) { process.stderr.write(`hardphone parse: unknown option ${arg}\n${usage}`); return 2; }
    else files.push(arg);
  }
  if (files.length !== 1) {
    process.stderr.write(`hardphone parse: expected one file (or - for standard input)\n${usage}`);
    return 2;
  }
  const file = files[0]!;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file === '-' ? 0 : file));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    process.stderr.write(`hardphone parse: cannot read ${file}: ${reason}\n`);
    return 2;
  }
  const options: ParseOptions = {
    datagram: true,
    allowBareLf: lenient,
    allowSpaceBeforeColon: lenient,
    allowAnyReasonBytes: lenient,
  };
  const described = describeMessage(bytes, options);
  if (json) process.stdout.write(JSON.stringify(described) + '\n');
  else printHuman(described);
  return described.ok ? 0 : 1;
}
