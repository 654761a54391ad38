// MSRP benchmark (issue #5 part 7): SEND frames parsed per second with the minor-GC count, the
// same frames through a whole MsrpSession receive path (parse, reassemble, write the 200), the
// send path (chunk a message, take each chunk's 200), and
// the throughput of a 1 MB transfer between two sessions over TCP on 127.0.0.1, and the same
// over TLS (msrps; certificates made by the openssl CLI, skipped when it is missing).
// `node --import tsx bench/msrp.ts` prints the figures; `benchMsrp()` returns them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { measure } from './measure.js';
import { MsrpFrameView, parseMsrp, writeMsrpSend, MsrpSession, MsrpTransmit, MSRP_EVENT } from '../core/msrp/index.js';
import { transferOverTcp, lcg, type TransferTls } from '../test/msrp-session/support.js';
import { haveOpenssl, makePki } from '../test/session-mode/certificates.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '..', 'test', 'corpus', 'rfc4975');

const BOB = 'msrp://127.0.0.1:2855/bobBench1;tcp';
const ALICE = 'msrp://127.0.0.1:2856/aliceBench2;tcp';

function chunkFrames(size: number, chunk: number): Uint8Array[] {
  const content = new Uint8Array(size);
  const rnd = lcg(7);
  for (let i = 0; i < size; i++) content[i] = Math.floor(rnd() * 256);
  const frames: Uint8Array[] = [];
  const buf = new Uint8Array(chunk + 1024);
  for (let at = 0, k = 0; at < size; at += chunk, k++) {
    const len = Math.min(chunk, size - at);
    const n = writeMsrpSend(buf, 0, buf.length, {
      transactionId: `tx${100000 + k}`, toPath: BOB, fromPath: ALICE, messageId: 'benchMsg01', rangeStart: at + 1, rangeEnd: at + len, total: size,
      contentType: 'application/octet-stream', successReport: '', failureReport: '', continuation: at + len === size ? '$' : '+',
    }, content, at, len);
    frames.push(buf.slice(0, n));
  }
  return frames;
}

function pack(frames: Uint8Array[]): { buf: Uint8Array; offs: Uint32Array; lens: Uint32Array } {
  const total = frames.reduce((n, f) => n + f.length, 0);
  const buf = new Uint8Array(total);
  const offs = new Uint32Array(frames.length);
  const lens = new Uint32Array(frames.length);
  let at = 0;
  frames.forEach((f, i) => { buf.set(f, at); offs[i] = at; lens[i] = f.length; at += f.length; });
  return { buf, offs, lens };
}

export async function benchMsrp(options: { quick?: boolean } = {}): Promise<object> {
  const quick = options.quick ?? false;
  const iterations = quick ? 200_000 : 1_000_000;

  // 1. The parser alone, on the RFC's SEND frames plus a 2 KB chunk (the RFC's default chunk size).
  const rfc = ['fig2-SEND.msrp', '11.1-step4-SEND.msrp', '11.4-chunk1-cpim.msrp', '11.4-chunk2-cpim.msrp', '11.6-SEND-html.msrp']
    .map((f) => new Uint8Array(readFileSync(join(corpus, f))));
  const small = pack(rfc);
  const view = new MsrpFrameView();
  for (let i = 0; i < rfc.length; i++) if (parseMsrp(small.buf, small.offs[i]!, small.lens[i]!, view) !== small.lens[i]) throw new Error(`frame ${i} does not parse`);
  const parseSmall = await measure('parseMsrp RFC 4975 SENDs', 'node', iterations, (i) => {
    const k = i % rfc.length;
    return parseMsrp(small.buf, small.offs[k]!, small.lens[k]!, view);
  });
  const bigFrames = chunkFrames(2048 * 16, 2048);
  const big = pack(bigFrames);
  const bigCount = big.offs.length;
  const parseChunk = await measure('parseMsrp 2 KB chunks', 'node', iterations / 2, (i) => {
    const k = i % bigCount;
    return parseMsrp(big.buf, big.offs[k]!, big.lens[k]!, view);
  });

  // 2. The session's receive path: each frame in, its 200 out, the message reassembled. Each
  // frame is handed in as one whole read (its own Uint8Array, as a host passes what it read: a
  // sub-range would cost the session one view per call). The allocation-free API throughout:
  // pollTransmitInto, and the message read in place (the dataBytes span) rather than through
  // e.data / e.messageId, which make a view / string when the app asks.
  const session = new MsrpSession({ localUri: BOB, remotePath: ALICE, random: lcg(3), maxMessageBytes: 65536, progressEvents: false });
  const transmit = new MsrpTransmit();
  let messages = 0;
  const sessionRx = await measure('MsrpSession 2 KB SEND in + 200 out', 'node', iterations / 4, (i) => {
    const k = i % bigCount;
    const frame = bigFrames[k]!;
    const n = session.handleBytes(frame, 0, frame.length, 0);
    let out = 0;
    while (session.pollTransmitInto(transmit, 0)) out += transmit.len;
    for (let e = session.pollEvent(); e; e = session.pollEvent()) {
      if (e.kind === MSRP_EVENT.RECEIVED) { messages++; out += e.dataBytes[e.dataOff + e.dataLen - 1]! + e.messageIdLen; }
    }
    return n + out;
  });
  if (messages === 0 || session.protocolErrors !== 0) throw new Error('the session benchmark did not receive its messages');

  // 2b. The session's send path: a 256 KB message chunked into 2 KB SENDs (pollTransmitInto),
  // each chunk's 200 handed back as one whole read (the peer's response, its transaction id
  // copied in from the chunk); the next message is queued when one is DELIVERED. One iteration
  // is one chunk out and its 200 in; the per-message work (sendMessage's Result and Message-ID
  // string, one per 128 chunks) is included.
  const sender = new MsrpSession({ localUri: ALICE, remotePath: BOB, random: lcg(5), chunkSize: 2048, progressEvents: true });
  const message = new Uint8Array(2048 * 128);
  for (let i = 0; i < message.length; i++) message[i] = (i * 131 + 7) & 0xff;
  const ID = 'XXXXXXXXXXXX';
  const response = new Uint8Array(Array.from(`MSRP ${ID} 200 OK\r\nTo-Path: ${ALICE}\r\nFrom-Path: ${BOB}\r\n-------${ID}$\r\n`, (ch) => ch.charCodeAt(0)));
  const tidAt2 = response.length - 3 - ID.length;
  const sendOut = new MsrpTransmit();
  let delivered = 0;
  let idle = true;
  const sessionTx = await measure('MsrpSession 2 KB SEND out + 200 in', 'node', iterations / 4, (i) => {
    if (idle) { if (!sender.sendMessage('application/octet-stream', message, 0).ok) throw new Error('no outgoing slot'); idle = false; }
    if (!sender.pollTransmitInto(sendOut, 0)) throw new Error('no chunk to send');
    const b = sendOut.bytes;
    const tid = sendOut.off + 5;
    for (let k = 0; k < 12; k++) { response[5 + k] = b[tid + k]!; response[tidAt2 + k] = b[tid + k]!; }
    const n = sender.handleBytes(response, 0, response.length, 0);
    let done = 0;
    for (let e = sender.pollEvent(); e; e = sender.pollEvent()) {
      if (e.kind === MSRP_EVENT.DELIVERED) { delivered++; idle = true; } else done = e.done;
    }
    return n + sendOut.len + done;
  });
  if (delivered === 0 || sender.protocolErrors !== 0) throw new Error('the send benchmark did not deliver its messages');

  // 3. 1 MB over TCP loopback in 16 KB chunks with a success report (the transfer).
  const content = new Uint8Array(1 << 20);
  const rnd = lcg(11);
  for (let i = 0; i < content.length; i++) content[i] = Math.floor(rnd() * 256);
  const runs = quick ? 3 : 7;
  const mb = content.length / (1 << 20);
  const transfer = async (tls?: TransferTls) => {
    const times: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      const t = await transferOverTcp(content, { chunkSize: 16384, successReport: true, timeoutMs: 30000, ...(tls ? { tls } : {}) });
      if (!t.received || t.received.length !== content.length) throw new Error('transfer incomplete');
      for (let i = 0; i < content.length; i++) if (t.received[i] !== content[i]) throw new Error(`byte ${i} differs`);
      if (r > 0) times.push(t.ms); // the first run warms the JIT
    }
    times.sort((a, b) => a - b);
    return {
      chunkSize: 16384, successReport: true, runs: times.length,
      medianMs: Math.round(times[times.length >> 1]! * 10) / 10, bestMs: Math.round(times[0]! * 10) / 10,
      medianMBps: Math.round((mb / (times[times.length >> 1]! / 1000)) * 10) / 10, bestMBps: Math.round((mb / (times[0]! / 1000)) * 10) / 10,
    };
  };
  const transfer1MB = await transfer();
  let transfer1MBTls: object = { skipped: 'the openssl CLI is not installed' };
  if (haveOpenssl()) {
    const pki = makePki(['bob']);
    try {
      transfer1MBTls = { ...(await transfer({ ...pki.identity('bob'), ca: pki.ca })), note: 'TLS 1.3, P-256 certificate; timed from handshake done' };
    } finally {
      pki.remove();
    }
  }
  const strip = (m: { name: string; msgsPerSec: number; nsPerMsg: number; gcPer1M: number | null; messages: number }) =>
    ({ name: m.name, framesPerSec: m.msgsPerSec, nsPerFrame: m.nsPerMsg, minorGcPer1M: m.gcPer1M, frames: m.messages });
  return {
    parse: [strip(parseSmall), strip(parseChunk)],
    sessionReceive: { ...strip(sessionRx), messagesReassembled: messages },
    sessionSend: { ...strip(sessionTx), messagesDelivered: delivered },
    transfer1MB,
    transfer1MBTls,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await benchMsrp({ quick: process.argv.includes('--quick') });
  process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
}
