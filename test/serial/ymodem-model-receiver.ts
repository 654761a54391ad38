// A strict YMODEM receiver model for the sender's unit tests (not a test file). It checks every
// block it gets (type byte, sequence and its complement, CRC, order), rebuilds the files, and
// answers like lrzsz rb: ACK + 'C' after a header, ACK per block, NAK on the first EOT.
// A fault script decides, per received unit, whether to answer normally, NAK it, lose it
// (no answer), lose only the answer, or cancel.
import { crc16 } from '../../platform/serial/crc16.js';
import { ACK, CAN, CRC_REQUEST, EOT, NAK, SOH, STX, CPMEOF } from '../../platform/serial/ymodem/blocks.js';
import { YmodemSender } from '../../platform/serial/ymodem/sender.js';

export type Fault = 'answer' | 'nak' | 'lose' | 'cancel';
export interface Unit { readonly kind: 'header' | 'data' | 'eot' | 'end'; readonly seq: number; readonly size: number; readonly index: number }

export interface ReceivedFile { name: string; size: number; data: Uint8Array }

export class ModelReceiver {
  readonly files: ReceivedFile[] = [];
  readonly units: Unit[] = [];
  readonly problems: string[] = [];
  done = false;
  private expecting: 'header' | 'data' = 'header';
  private nextSeq = 1;
  private eotCount = 0;
  private chunks: Uint8Array[] = [];

  constructor(private readonly script: (unit: Unit) => Fault = () => 'answer') {}

  /** One transmission from the sender (a whole block, an EOT, or CAN CAN); returns the answer. */
  receive(bytes: Uint8Array): number[] {
    if (bytes.length === 1 && bytes[0] === 0) {
      // The sender's wake-up NUL: like rb, answer junk before the first header with a fresh 'C'.
      return this.expecting === 'header' && this.files.length === 0 ? [CRC_REQUEST] : [];
    }
    if (bytes[0] === CAN) { this.problems.push('sender cancelled'); this.done = true; return []; }
    if (bytes[0] === EOT) {
      if (bytes.length !== 1) this.problems.push(`EOT with ${bytes.length - 1} trailing bytes`);
      return this.afterEot();
    }
    const size = bytes[0] === STX ? 1024 : bytes[0] === SOH ? 128 : -1;
    if (size < 0 || bytes.length !== size + 5) { this.problems.push(`bad unit: type ${bytes[0]} length ${bytes.length}`); return [NAK]; }
    const seq = bytes[1]!;
    if ((seq ^ bytes[2]!) !== 0xff) { this.problems.push(`bad seq complement at ${seq}`); return [NAK]; }
    const crc = crc16(bytes, 3, size);
    if (crc !== ((bytes[3 + size]! << 8) | bytes[4 + size]!)) { this.problems.push(`bad CRC at ${seq}`); return [NAK]; }
    const payload = bytes.subarray(3, 3 + size);
    if (this.expecting === 'header') {
      if (seq !== 0) { this.problems.push(`expected header, got block ${seq}`); return [NAK]; }
      const end = payload[0] === 0;
      const unit: Unit = { kind: end ? 'end' : 'header', seq, size, index: this.units.length };
      const fault = this.fault(unit);
      if (fault !== 'answer') return this.faulty(fault);
      if (end) { this.done = true; return [ACK]; }
      const nul = payload.indexOf(0);
      const name = String.fromCharCode(...payload.subarray(0, nul));
      let at = nul + 1;
      let sizeText = '';
      while (payload[at] !== 0 && payload[at] !== 0x20) sizeText += String.fromCharCode(payload[at++]!);
      this.files.push({ name, size: Number(sizeText), data: new Uint8Array(0) });
      this.expecting = 'data';
      this.nextSeq = 1;
      this.eotCount = 0;
      this.chunks = [];
      return [ACK, CRC_REQUEST];
    }
    const unit: Unit = { kind: 'data', seq, size, index: this.units.length };
    const fault = this.fault(unit);
    if (fault !== 'answer') return this.faulty(fault);
    if (seq === ((this.nextSeq - 1) & 0xff)) return [ACK]; // a repeat of the block already taken
    if (seq !== this.nextSeq) { this.problems.push(`block ${seq} out of order (expected ${this.nextSeq})`); return [CAN, CAN]; }
    this.chunks.push(payload.slice());
    this.nextSeq = (this.nextSeq + 1) & 0xff;
    return [ACK];
  }

  private afterEot(): number[] {
    const unit: Unit = { kind: 'eot', seq: -1, size: 0, index: this.units.length };
    const fault = this.fault(unit);
    if (fault !== 'answer') return this.faulty(fault);
    if (this.expecting !== 'data') { this.problems.push('EOT outside a file'); return [NAK]; }
    if (++this.eotCount === 1) return [NAK];
    const file = this.files[this.files.length - 1]!;
    let total = 0;
    for (const c of this.chunks) total += c.length;
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) { all.set(c, at); at += c.length; }
    for (let i = file.size; i < total; i++) if (all[i] !== CPMEOF) { this.problems.push(`padding byte ${i} is ${all[i]}`); break; }
    file.data = all.subarray(0, file.size);
    this.expecting = 'header';
    return [ACK, CRC_REQUEST];
  }

  private fault(unit: Unit): Fault {
    this.units.push(unit);
    return this.script(unit);
  }

  private faulty(fault: Fault): number[] {
    if (fault === 'nak') return [NAK];
    if (fault === 'cancel') { this.done = true; return [CAN, CAN]; }
    return []; // 'lose': the unit (or its answer) never arrives
  }
}

export interface Exchange { readonly steps: number; readonly now: number; readonly transmissions: Uint8Array[] }

/**
 * Runs sender and receiver against each other on virtual time: the receiver's answers are fed
 * back at once; when nothing is in flight, time jumps to the sender's deadline. Bounded.
 */
export function runExchange(sender: YmodemSender, receiver: ModelReceiver, maxSteps = 100_000): Exchange {
  let now = 0;
  const transmissions: Uint8Array[] = [];
  sender.start(now); // the sender's wake-up NUL makes the model send its first 'C'
  let steps = 0;
  while (!sender.finished && steps++ < maxSteps) {
    const out = sender.pollTransmit();
    if (out !== null) {
      const copy = out.slice();
      transmissions.push(copy);
      const answer = receiver.receive(copy);
      if (answer.length > 0) sender.handleBytes(Uint8Array.from(answer), 0, answer.length, now);
      continue;
    }
    const deadline = sender.pollTimeout();
    if (deadline < 0) break;
    now = deadline;
    sender.handleTimeout(now);
  }
  const last = sender.pollTransmit();
  if (last !== null) { const copy = last.slice(); transmissions.push(copy); receiver.receive(copy); }
  return { steps, now, transmissions };
}
