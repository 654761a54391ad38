// `hardphone flash --port <tty> [--baud N] [--timeout S] [--name NAME] <bundle>`: sends a bundle to
// a device waiting for a YMODEM upload (U-Boot `loady`, lrzsz `rb --ymodem`, a board's loader).
// Exit codes: 0 sent and acknowledged, 1 failed or cancelled, 2 usage error.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { openSerialPort, closeSerialPort } from '../platform/serial/open-port.js';
import { YmodemSender } from '../platform/serial/ymodem/sender.js';
import { runYmodemTransfer } from '../platform/serial/ymodem/transfer.js';

const usage = `usage: hardphone flash --port <tty> [--baud N] [--timeout S] [--name NAME] <bundle>

Sends <bundle> over YMODEM (1 KB blocks, CRC-16) to a receiver on the serial line, e.g. U-Boot
after "loady", or "rb --ymodem". Ctrl-C cancels (CAN CAN).

  --port <tty>    serial device, e.g. /dev/ttyUSB0 (required)
  --baud N        line speed (default 115200)
  --timeout S     seconds to wait for the receiver's first 'C' (default 60)
  --name NAME     file name sent in the YMODEM header (default: the bundle's base name)
`;

interface FlashArgs {
  port: string;
  baud: number;
  answerTimeoutMs: number;
  name: string;
  file: string;
}

/** Streams and hooks a test can replace; the CLI uses the process's own. */
export interface FlashIo {
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Aborting it cancels like Ctrl-C. */
  readonly signal?: AbortSignal;
}

function parseArgs(argv: string[]): FlashArgs | string {
  let port = '';
  let baud = 115200;
  let timeout = 60;
  let name = '';
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--port': port = value() ?? ''; if (!port) return '--port needs a device path'; break;
      case '--baud': {
        const text = value() ?? '';
        baud = Number(text);
        if (!/^\d+$/.test(text) || baud <= 0) return `--baud needs a positive integer, got "${text}"`;
        break;
      }
      case '--timeout': {
        const text = value() ?? '';
        timeout = Number(text);
        if (text === '' || !Number.isFinite(timeout) || timeout <= 0) return `--timeout needs a number of seconds, got "${text}"`;
        break;
      }
      case '--name': name = value() ?? ''; if (!name) return '--name needs a value'; break;
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
        positional.push(arg);
    }
  }
  if (!port) return 'missing --port <tty>';
  if (positional.length !== 1) return positional.length === 0 ? 'missing <bundle>' : 'give exactly one <bundle>';
  const file = positional[0]!;
  return { port, baud, answerTimeoutMs: timeout * 1000, name: name || basename(file), file };
}

export async function flashCommand(argv: string[], io: FlashIo = {}): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  if (argv.includes('-h') || argv.includes('--help')) { process.stdout.write(usage); return 0; }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    stderr.write(`hardphone flash: ${args}\n${usage}`);
    return 2;
  }

  let data: Uint8Array;
  try {
    const info = await stat(args.file);
    if (!info.isFile()) { stderr.write(`hardphone flash: ${args.file} is not a file\n`); return 1; }
    data = await readFile(args.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    stderr.write(code === 'ENOENT'
      ? `hardphone flash: file ${args.file} does not exist\n`
      : `hardphone flash: cannot read ${args.file}: ${(error as Error).message}\n`);
    return 1;
  }

  const opened = await openSerialPort({ path: args.port, baudRate: args.baud });
  if (opened.err) { stderr.write(`hardphone flash: ${opened.val.message}\n`); return 1; }
  const port = opened.val;

  const cancel = new AbortController();
  const onSigint = (): void => cancel.abort();
  const onOuterAbort = (): void => cancel.abort();
  process.once('SIGINT', onSigint);
  io.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const sender = new YmodemSender([{ name: args.name, data }], { answerTimeoutMs: args.answerTimeoutMs });
  const bar = new ProgressBar(stderr, data.length);
  stderr.write(`hardphone flash: waiting for the receiver on ${args.port} (${args.baud} baud)…\n`);
  try {
    const outcome = await runYmodemTransfer(port, sender, { onProgress: (s) => bar.update(s.bytesAcked) }, cancel.signal);
    bar.end();
    if (!outcome.ok) {
      stderr.write(`hardphone flash: ${outcome.message}\n`);
      return 1;
    }
    const seconds = outcome.elapsedMs / 1000;
    stderr.write(`hardphone flash: sent ${args.name} (${formatBytes(outcome.bytes)}) in ${seconds.toFixed(1)} s, `
      + `${formatBytes(outcome.bytes / Math.max(seconds, 0.001))}/s, ${outcome.retransmissions} retransmission(s)\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    io.signal?.removeEventListener('abort', onOuterAbort);
    await closeSerialPort(port);
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(2)} MiB`;
}

/**
 * On a terminal: one line redrawn in place (at most 10 times a second). Elsewhere (CI logs,
 * pipes): a plain line at every 10 %, so logs stay readable.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, private readonly total: number) {}

  update(done: number): void {
    const fraction = this.total === 0 ? 1 : done / this.total;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 45));
      const filled = Math.round(fraction * width);
      const rate = done / Math.max((now - this.startedAt) / 1000, 0.001);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  `
        + `${formatBytes(done)}/${formatBytes(this.total)}  ${formatBytes(rate)}/s\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.out.write(`flash: ${decile * 10}% (${formatBytes(done)} of ${formatBytes(this.total)})\n`);
  }

  end(): void {
    if (this.drawn) this.out.write('\n');
  }
}
