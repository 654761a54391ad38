// The YMODEM sender state machine against a scripted receiver on virtual time: full batches,
// block layout per size, NAK and timeout retries with their limits, lost answers, cancel from
// either side, no receiver at all, stale bytes, and the EOT handshake variants.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACK, CAN, CRC_REQUEST, EOT, NAK, SOH, STX } from '../../platform/serial/ymodem/blocks.js';
import { YmodemError, YmodemEvent, YmodemSender, type YmodemEventKind } from '../../platform/serial/ymodem/sender.js';
import { ModelReceiver, runExchange, type Unit } from './ymodem-model-receiver.js';

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

function events(sender: YmodemSender): YmodemEventKind[] {
  const out: YmodemEventKind[] = [];
  for (let e = sender.pollEvent(); e !== 0; e = sender.pollEvent()) out.push(e);
  return out;
}

const OPTIONS = { answerTimeoutMs: 5000, ackTimeoutMs: 1000, maxRetries: 4 };

test('files of every edge size arrive intact, with the right block sizes', () => {
  const cases: Array<[number, number[]]> = [
    [0, []],
    [1, [128]],
    [128, [128]],
    [129, [128, 128]],
    [384, [128, 128, 128]],
    [385, [1024]],
    [1024, [1024]],
    [1025, [1024, 128]],
    [2048 + 500, [1024, 1024, 1024]],
    [2048 + 300, [1024, 1024, 128, 128, 128]],
  ];
  for (const [size, blocks] of cases) {
    const data = bytes(size, size + 1);
    const sender = new YmodemSender([{ name: `f${size}.bin`, data }], OPTIONS);
    const receiver = new ModelReceiver();
    runExchange(sender, receiver);
    assert.ok(sender.succeeded, `size ${size}: ${sender.errorMessage()}`);
    assert.equal(receiver.problems, [], `size ${size}`);
    assert.ok(receiver.done, `size ${size}: end of batch not seen`);
    assert.is(receiver.files.length, 1);
    assert.is(receiver.files[0]!.name, `f${size}.bin`);
    assert.is(receiver.files[0]!.size, size);
    assert.equal(Array.from(receiver.files[0]!.data), Array.from(data), `size ${size}`);
    const dataBlocks = receiver.units.filter((u) => u.kind === 'data').map((u) => u.size);
    assert.equal(dataBlocks, blocks, `size ${size} block sizes`);
    assert.equal(receiver.units.map((u) => u.kind).filter((k) => k !== 'data'), ['header', 'eot', 'eot', 'end']);
    assert.is(sender.retransmissions, 0);
  }
});

test('sequence numbers wrap after 255 (a 300 KB file)', () => {
  const data = bytes(300 * 1024, 7);
  const sender = new YmodemSender([{ name: 'big.bin', data }], OPTIONS);
  const receiver = new ModelReceiver();
  runExchange(sender, receiver);
  assert.ok(sender.succeeded);
  assert.equal(receiver.problems, []);
  assert.ok(Buffer.from(receiver.files[0]!.data).equals(Buffer.from(data)));
  const seqs = receiver.units.filter((u) => u.kind === 'data').map((u) => u.seq);
  assert.is(seqs[0], 1);
  assert.is(seqs[254], 255);
  assert.is(seqs[255], 0);
  assert.is(seqs[256], 1);
});

test('a batch of several files, then the end-of-batch block', () => {
  const files = [{ name: 'a.bin', data: bytes(3000, 1) }, { name: 'b.txt', data: bytes(10, 2) }, { name: 'c', data: new Uint8Array(0) }];
  const sender = new YmodemSender(files, OPTIONS);
  const receiver = new ModelReceiver();
  runExchange(sender, receiver);
  assert.ok(sender.succeeded);
  assert.equal(receiver.problems, []);
  assert.equal(receiver.files.map((f) => [f.name, f.size]), [['a.bin', 3000], ['b.txt', 10], ['c', 0]]);
  for (let i = 0; i < files.length; i++) assert.equal(Array.from(receiver.files[i]!.data), Array.from(files[i]!.data));
  assert.is(sender.bytesAcked, 3010);
  assert.is(sender.totalBytes, 3010);
});

test('progress events rise to the total, then FileDone and Done', () => {
  const data = bytes(5000);
  const sender = new YmodemSender([{ name: 'p.bin', data }], OPTIONS);
  const seen: number[] = [];
  const kinds: YmodemEventKind[] = [];
  const receiver = new ModelReceiver(() => {
    for (const e of events(sender)) { kinds.push(e); if (e === YmodemEvent.Progress) seen.push(sender.bytesAcked); }
    return 'answer';
  });
  runExchange(sender, receiver);
  for (const e of events(sender)) { kinds.push(e); if (e === YmodemEvent.Progress) seen.push(sender.bytesAcked); }
  assert.equal(seen, [1024, 2048, 3072, 4096, 5000]);
  assert.is(kinds[0], YmodemEvent.FileStarted);
  assert.equal(kinds.slice(-2), [YmodemEvent.FileDone, YmodemEvent.Done]);
});

test('a NAKed block is sent again byte for byte', () => {
  const data = bytes(3000);
  let naks = 0;
  const sender = new YmodemSender([{ name: 'n.bin', data }], OPTIONS);
  const receiver = new ModelReceiver((u) => (u.kind === 'data' && u.seq === 2 && naks++ < 2 ? 'nak' : 'answer'));
  const { transmissions } = runExchange(sender, receiver);
  assert.ok(sender.succeeded);
  assert.equal(receiver.problems, []);
  assert.equal(Array.from(receiver.files[0]!.data), Array.from(data));
  assert.is(sender.retransmissions, 2);
  const block2 = transmissions.filter((t) => t[0] === STX && t[1] === 2);
  assert.is(block2.length, 3);
  assert.equal(Array.from(block2[1]!), Array.from(block2[0]!));
  assert.equal(Array.from(block2[2]!), Array.from(block2[0]!));
});

test('a NAK on the header, and a lost header, are retried', () => {
  let headers = 0;
  const sender = new YmodemSender([{ name: 'h.bin', data: bytes(10) }], OPTIONS);
  const receiver = new ModelReceiver((u) => (u.kind === 'header' ? (++headers === 1 ? 'nak' : headers === 2 ? 'lose' : 'answer') : 'answer'));
  const run = runExchange(sender, receiver);
  assert.ok(sender.succeeded);
  assert.is(headers, 3);
  assert.is(run.now, OPTIONS.ackTimeoutMs); // exactly one timeout elapsed
});

test('a lost ACK makes the sender repeat the block; the receiver takes the repeat as a duplicate', () => {
  const data = bytes(4000);
  let lost = false;
  const sender = new YmodemSender([{ name: 'l.bin', data }], OPTIONS);
  const receiver = new ModelReceiver((u) => {
    if (u.kind === 'data' && u.seq === 3 && !lost) { lost = true; return 'lose'; }
    return 'answer';
  });
  runExchange(sender, receiver);
  assert.ok(sender.succeeded);
  assert.equal(Array.from(receiver.files[0]!.data), Array.from(data));
  assert.is(sender.retransmissions, 1);
});

test('more NAKs than the retry limit fail with TooManyRetries', () => {
  const sender = new YmodemSender([{ name: 'x.bin', data: bytes(3000) }], OPTIONS);
  const receiver = new ModelReceiver((u) => (u.kind === 'data' && u.seq === 2 ? 'nak' : 'answer'));
  runExchange(sender, receiver);
  assert.not.ok(sender.succeeded);
  assert.is(sender.error, YmodemError.TooManyRetries);
  assert.is(receiver.units.filter((u) => u.kind === 'data' && u.seq === 2).length, OPTIONS.maxRetries + 1);
  assert.match(sender.errorMessage(), /refused block 2 of "x.bin" 4 times/);
  assert.ok(events(sender).includes(YmodemEvent.Failed));
});

test('a receiver that goes silent mid-file fails with Timeout after the retries, at a bounded time', () => {
  const sender = new YmodemSender([{ name: 't.bin', data: bytes(5000) }], OPTIONS);
  const receiver = new ModelReceiver((u) => (u.kind === 'data' && u.seq >= 3 ? 'lose' : 'answer'));
  const run = runExchange(sender, receiver);
  assert.is(sender.error, YmodemError.Timeout);
  assert.is(run.now, (OPTIONS.maxRetries + 1) * OPTIONS.ackTimeoutMs);
  assert.match(sender.errorMessage(), /stopped answering at block 3/);
  assert.is(sender.pollTimeout(), -1);
});

test('no receiver at all: wake-up NULs, then NoAnswer at answerTimeoutMs', () => {
  const sender = new YmodemSender([{ name: 'z.bin', data: bytes(10) }], { ...OPTIONS, wakeIntervalMs: 2000 });
  sender.start(100);
  const sent: Array<[number, number[]]> = [];
  let now = 100;
  for (let steps = 0; steps < 20 && !sender.finished; steps++) {
    for (let out = sender.pollTransmit(); out !== null; out = sender.pollTransmit()) sent.push([now, Array.from(out)]);
    now = sender.pollTimeout();
    if (now < 0) break;
    sender.handleTimeout(now - 1);
    assert.is(sender.pollTransmit(), null, 'nothing before the deadline');
    sender.handleTimeout(now);
  }
  assert.equal(sent, [[100, [0]], [2100, [0]], [4100, [0]]]);
  assert.is(sender.error, YmodemError.NoAnswer);
  assert.is(now, 5100);
  assert.is(sender.pollTransmit(), null);
  assert.match(sender.errorMessage(), /never answered \(no 'C' within 5 s\)/);
});

test('wakeIntervalMs: 0 keeps the line silent until the first C', () => {
  const sender = new YmodemSender([{ name: 'z.bin', data: bytes(10) }], { ...OPTIONS, wakeIntervalMs: 0 });
  sender.start(0);
  assert.is(sender.pollTransmit(), null);
  assert.is(sender.pollTimeout(), 5000);
  sender.handleTimeout(5000);
  assert.is(sender.error, YmodemError.NoAnswer);
  assert.is(sender.pollTransmit(), null);
});

test('noise before the first C is ignored; a burst of queued Cs sends one header', () => {
  const sender = new YmodemSender([{ name: 'q.bin', data: bytes(10) }], OPTIONS);
  sender.start(0);
  assert.equal(Array.from(sender.pollTransmit()!), [0]); // the wake-up NUL
  sender.handleBytes(Uint8Array.from([0x0d, 0x0a, 0x41, 0xff]), 0, 4, 10);
  assert.is(sender.pollTransmit(), null);
  sender.handleBytes(Uint8Array.from([CRC_REQUEST, CRC_REQUEST, CRC_REQUEST]), 0, 3, 20);
  const header = sender.pollTransmit();
  assert.ok(header !== null && header[0] === SOH && header[1] === 0);
  assert.is(sender.pollTransmit(), null);
  assert.is(sender.retransmissions, 0);
  // ACK and C in one chunk: the data starts.
  sender.handleBytes(Uint8Array.from([ACK, CRC_REQUEST]), 0, 2, 30);
  const first = sender.pollTransmit();
  assert.ok(first !== null && first[0] === SOH && first[1] === 1);
});

test('a stale C while a block is outstanding is not taken as a NAK', () => {
  const sender = new YmodemSender([{ name: 's.bin', data: bytes(3000) }], OPTIONS);
  sender.start(0);
  sender.handleBytes(Uint8Array.of(CRC_REQUEST), 0, 1, 0);
  sender.pollTransmit();
  sender.handleBytes(Uint8Array.from([ACK, CRC_REQUEST]), 0, 2, 0);
  assert.is(sender.pollTransmit()![1], 1);
  sender.handleBytes(Uint8Array.of(CRC_REQUEST), 0, 1, 0);
  assert.is(sender.pollTransmit(), null);
  assert.is(sender.retransmissions, 0);
});

test('CAN CAN from the receiver aborts; a single CAN is noise', () => {
  const sender = new YmodemSender([{ name: 'c.bin', data: bytes(3000) }], OPTIONS);
  sender.start(0);
  sender.handleBytes(Uint8Array.from([CRC_REQUEST]), 0, 1, 0);
  sender.pollTransmit();
  sender.handleBytes(Uint8Array.from([CAN, ACK, CRC_REQUEST]), 0, 3, 0);
  assert.not.ok(sender.finished);
  assert.is(sender.pollTransmit()![1], 1);
  sender.handleBytes(Uint8Array.from([CAN, CAN]), 0, 2, 0);
  assert.is(sender.error, YmodemError.CancelledByReceiver);
  assert.is(sender.pollTransmit(), null);
  assert.match(sender.errorMessage(), /receiver cancelled the transfer \(CAN CAN\) at block 1/);
});

test('the receiver cancelling through the model: transfer stops at once', () => {
  const sender = new YmodemSender([{ name: 'k.bin', data: bytes(10_000) }], OPTIONS);
  const receiver = new ModelReceiver((u) => (u.kind === 'data' && u.seq === 4 ? 'cancel' : 'answer'));
  const run = runExchange(sender, receiver);
  assert.is(sender.error, YmodemError.CancelledByReceiver);
  assert.is(run.transmissions.filter((t) => t[0] === STX).length, 4);
});

function senderAtBlock2(): YmodemSender {
  const sender = new YmodemSender([{ name: 'u.bin', data: bytes(10_000) }], { ...OPTIONS, cancelLingerMs: 500 });
  sender.start(0);
  sender.handleBytes(Uint8Array.of(CRC_REQUEST), 0, 1, 0);
  sender.pollTransmit();
  sender.handleBytes(Uint8Array.from([ACK, CRC_REQUEST]), 0, 2, 0);
  sender.handleBytes(Uint8Array.of(ACK), 0, 1, 0); // block 1 acknowledged, block 2 queued
  return sender;
}

test('cancel() sends CAN CAN at once and reports Failed/Cancelled', () => {
  const sender = senderAtBlock2();
  events(sender);
  sender.cancel(100); // block 2 was queued but not yet taken: CAN CAN replaces it
  assert.equal(Array.from(sender.pollTransmit()!), [CAN, CAN]);
  assert.is(sender.pollTransmit(), null);
  assert.is(sender.error, YmodemError.Cancelled);
  assert.equal(events(sender), [YmodemEvent.Failed]);
  assert.ok(sender.cancelling);
  assert.not.ok(sender.succeeded);
  assert.is(sender.pollTimeout(), 600);
  sender.cancel(200); // a second cancel changes nothing
  assert.is(sender.pollTransmit(), null);
  assert.match(sender.errorMessage(), /cancelled at block 2/);
});

test('after cancel(), the receiver\'s next ACK/NAK/C is answered with CAN CAN again (rb purges input after its ACK), a bounded number of times', () => {
  const sender = senderAtBlock2();
  sender.cancel(0);
  sender.pollTransmit();
  // rb checked block 2, ACKed it, then purged the CAN CAN that had arrived meanwhile.
  sender.handleBytes(Uint8Array.of(ACK), 0, 1, 10);
  assert.equal(Array.from(sender.pollTransmit()!), [CAN, CAN]);
  let repeats = 1;
  for (let i = 0; i < 10; i++) {
    sender.handleBytes(Uint8Array.of(i % 2 ? NAK : CRC_REQUEST), 0, 1, 20 + i);
    if (sender.pollTransmit() !== null) repeats++;
  }
  assert.is(repeats, 4);
  assert.is(sender.error, YmodemError.Cancelled);
});

test('cancelling ends when the receiver echoes CAN CAN, or when the linger runs out', () => {
  const echoed = senderAtBlock2();
  echoed.cancel(0);
  echoed.pollTransmit();
  echoed.handleBytes(Uint8Array.from([CAN, CAN]), 0, 2, 50);
  assert.ok(echoed.finished);
  assert.is(echoed.error, YmodemError.Cancelled);
  assert.is(echoed.pollTimeout(), -1);

  const silent = senderAtBlock2();
  silent.cancel(0);
  silent.pollTransmit();
  silent.handleTimeout(499);
  assert.not.ok(silent.finished);
  silent.handleTimeout(500);
  assert.ok(silent.finished);
  assert.is(silent.pollTransmit(), null);
  assert.is(silent.error, YmodemError.Cancelled);
});

test('EOT handshake: EOT, NAK, EOT, ACK — and a receiver that ACKs the first EOT', () => {
  for (const firstAnswer of [NAK, ACK]) {
    const sender = new YmodemSender([{ name: 'e.bin', data: bytes(10) }], OPTIONS);
    sender.start(0);
    sender.handleBytes(Uint8Array.of(CRC_REQUEST), 0, 1, 0);
    sender.pollTransmit();
    sender.handleBytes(Uint8Array.from([ACK, CRC_REQUEST]), 0, 2, 0);
    sender.pollTransmit();
    sender.handleBytes(Uint8Array.of(ACK), 0, 1, 0);
    assert.equal(Array.from(sender.pollTransmit()!), [EOT]);
    sender.handleBytes(Uint8Array.of(firstAnswer), 0, 1, 0);
    if (firstAnswer === NAK) {
      assert.equal(Array.from(sender.pollTransmit()!), [EOT]);
      sender.handleBytes(Uint8Array.of(ACK), 0, 1, 0);
    }
    assert.is(sender.pollTransmit(), null);
    sender.handleBytes(Uint8Array.of(CRC_REQUEST), 0, 1, 0);
    const end = sender.pollTransmit()!;
    assert.is(end.length, 133);
    assert.ok(end.subarray(3, 131).every((b) => b === 0));
    sender.handleBytes(Uint8Array.of(ACK), 0, 1, 0);
    assert.ok(sender.succeeded);
  }
});

test('lost EOT answers and a lost end-of-batch ACK are retried', () => {
  let eots = 0;
  let ends = 0;
  const sender = new YmodemSender([{ name: 'r.bin', data: bytes(100) }], OPTIONS);
  const receiver = new ModelReceiver((u: Unit) => {
    if (u.kind === 'eot' && ++eots === 2) return 'lose';
    if (u.kind === 'end' && ++ends === 1) return 'lose';
    return 'answer';
  });
  runExchange(sender, receiver);
  assert.ok(sender.succeeded, sender.errorMessage());
  assert.equal(Array.from(receiver.files[0]!.data), Array.from(bytes(100)));
  assert.is(sender.retransmissions, 2);
});

test('a name that does not fit any header block fails cleanly', () => {
  const sender = new YmodemSender([{ name: 'x'.repeat(2000), data: bytes(1) }], OPTIONS);
  runExchange(sender, new ModelReceiver());
  assert.is(sender.error, YmodemError.BadFileName);
  assert.match(sender.errorMessage(), /does not fit/);
});

test.run();
