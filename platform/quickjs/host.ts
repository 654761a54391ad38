// The Node side of a QuickJS host (npm quickjs-emscripten): one runtime and context, the native
// functions of native.ts backed by real Node resources (node:dgram and node:net through platform/node,
// performance.now(), one setTimeout per Timer), and observable sinks for lamps, display and log.
// The shim (vm-shim-entry.ts) is evaluated first, so `globalThis.host` inside the engine is a
// platform/host HostBindings and a firmware bundle runs there unchanged.
//
// A C host on a device does the same with JS_NewCFunction and its own sockets; this file is the
// worked example for integrators, and what the tests boot firmware bundles in.
//
// Rules of quickjs-emscripten kept here (see the device-engine notes):
//   - no event loop in the engine: after every callback into it, run the pending jobs;
//   - every handle is disposed (a leaked one aborts the process when the runtime is freed);
//   - memory is read with computeMemoryUsage() (setMemoryLimit is not a real cap in 0.32);
//   - code is compiled without debug info by default, as a device build is (strip-info.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { getQuickJS, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime } from 'quickjs-emscripten';
import type { Clock } from '../host/clock.js';
import type { LogLevel } from '../host/host.js';
import type { LampColor, LampPattern, LampState } from '../../core/indicators/frame.js';
import { nodeClock, NodeTcpSocket, NodeTimer, NodeUdpSocket, type NodeTcpConfig, type NodeUdpConfig } from '../node/index.js';
import { NATIVE_GLOBAL, NativeEvent } from './native.js';
import { parseQuickJsDebugInfo, setQuickJsDebugInfo, type QuickJsDebugInfo } from './strip-info.js';

export interface QuickJsHostOptions {
  /** Engine stack limit (default 384 KiB; keep it within 256–512 KiB, see the device notes). */
  readonly maxStackBytes?: number;
  readonly udp?: NodeUdpConfig;
  readonly tcp?: NodeTcpConfig;
  /** Text display geometry the engine sees; null for none (default 4 rows × 20 columns). */
  readonly display?: { readonly rows: number; readonly cols: number } | null;
  readonly clock?: Clock;
  /** Also receives every log line from the engine (they are kept in `logs` regardless). */
  readonly log?: (level: LogLevel, message: string) => void;
  /**
   * What QuickJS keeps of the code it compiles (see strip-info.ts). Default `none`, like a device
   * build (`qjsc -s`): no source text, no line tables, so stack traces and `host.errors` name
   * functions without file:line. `full` (QuickJS's own default) keeps both for debugging; the
   * environment variable HARDPHONE_QUICKJS_DEBUG_INFO=full|lines|none overrides the default.
   */
  readonly debugInfo?: QuickJsDebugInfo;
}

export interface LampChange {
  readonly role: string;
  readonly state: LampState;
  readonly at: number;
}

/** computeMemoryUsage() of the runtime, as QuickJS reports it (bytes and counts). */
export type QuickJsMemoryUsage = Readonly<Record<string, number>>;

// From the sources (tests, tsx) or from the compiled package (dist/, see tools/build-lib.mjs).
const HERE = dirname(fileURLToPath(import.meta.url));
const SHIM_ENTRY = existsSync(join(HERE, 'vm-shim-entry.ts')) ? join(HERE, 'vm-shim-entry.ts') : join(HERE, 'vm-shim-entry.js');
const RECEIVE_BYTES = 65536;
const KEEP_LOGS = 500;
const LAMP_PATTERNS: readonly string[] = ['off', 'solid', 'slow-blink', 'fast-blink'];
const LAMP_COLORS: readonly string[] = ['red', 'green', 'amber'];

let shimSource: Promise<string> | undefined;

/** The shim as an es2022 IIFE script (bundled once per process). */
export function quickJsShimSource(): Promise<string> {
  shimSource ??= build({
    entryPoints: [SHIM_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return shimSource;
}

function readMemory(runtime: QuickJSRuntime): QuickJsMemoryUsage {
  const handle = runtime.computeMemoryUsage();
  try {
    // The handle belongs to the runtime's system context, created on demand by the call.
    return runtime.context!.dump(handle) as QuickJsMemoryUsage;
  } finally {
    handle.dispose();
  }
}

export class QuickJsHost {
  /** Current state of every lamp the engine has set. */
  readonly lamps = new Map<string, LampState>();
  /** Every setLamp call, in order. */
  readonly lampChanges: LampChange[] = [];
  /** Lines last shown, and every showLines call. */
  displayLines: readonly string[] = [];
  readonly displayChanges: { readonly lines: readonly string[]; readonly at: number }[] = [];
  /** The last KEEP_LOGS log lines from the engine. */
  readonly logs: { readonly level: LogLevel; readonly message: string }[] = [];
  /** Exceptions thrown inside the engine by callbacks and jobs (each one a bug to report). */
  readonly errors: string[] = [];
  /** memory_used_size of the bare runtime + context, before the natives and the shim. */
  readonly heapEmpty: number;
  /** The whole computeMemoryUsage() of the bare runtime + context (heapEmpty is its memory_used_size). */
  readonly emptyUsage: QuickJsMemoryUsage;
  /** What the runtime keeps of compiled code: the option, or `full` if this QuickJS build cannot strip. */
  readonly debugInfo: QuickJsDebugInfo;

  private readonly sockets = new Map<number, NodeUdpSocket>();
  private readonly streams = new Map<number, NodeTcpSocket>();
  private readonly timers = new Map<number, NodeTimer>();
  private nextId = 1;
  private dispatcher: QuickJSHandle | undefined = undefined;
  private disposed = false;
  private readonly rx = new Uint8Array(RECEIVE_BYTES);
  private readonly clock: Clock;
  private readonly lampListeners: ((change: LampChange) => void)[] = [];

  private constructor(
    readonly runtime: QuickJSRuntime,
    readonly context: QuickJSContext,
    private readonly options: QuickJsHostOptions,
    debugInfo: QuickJsDebugInfo,
  ) {
    this.debugInfo = debugInfo;
    this.clock = options.clock ?? nodeClock;
    readMemory(runtime); // creates the system context the measurement itself needs
    this.emptyUsage = readMemory(runtime);
    this.heapEmpty = this.emptyUsage.memory_used_size!;
  }

  /** A runtime and context with the natives installed and the shim evaluated (`globalThis.host`). */
  static async create(options: QuickJsHostOptions = {}): Promise<QuickJsHost> {
    const [quickjs, shim] = await Promise.all([getQuickJS(), quickJsShimSource()]);
    const runtime = quickjs.newRuntime();
    runtime.setMaxStackSize(options.maxStackBytes ?? 384 * 1024);
    const wanted = options.debugInfo ?? parseQuickJsDebugInfo(process.env.HARDPHONE_QUICKJS_DEBUG_INFO) ?? 'none';
    const debugInfo = setQuickJsDebugInfo(quickjs, runtime, wanted);
    const context = runtime.newContext();
    const host = new QuickJsHost(runtime, context, options, debugInfo);
    try {
      host.installNatives();
      host.evalScript(shim, 'hardphone-quickjs-shim.js');
    } catch (e) {
      host.dispose();
      throw e;
    }
    return host;
  }

  /** computeMemoryUsage() now. */
  memoryUsage(): QuickJsMemoryUsage {
    return readMemory(this.runtime);
  }

  memoryUsed(): number {
    return this.memoryUsage().memory_used_size!;
  }

  /** Evaluates a script (e.g. an IIFE firmware bundle) as global code; throws what it throws. */
  evalScript(code: string, filename = 'script.js'): void {
    const result = this.context.evalCode(code, filename, { type: 'global' });
    if (result.error) {
      const err = this.context.dump(result.error);
      result.error.dispose();
      throw new Error(`QuickJS: ${filename} threw ${describe(err)}`);
    }
    result.value.dispose();
    this.runJobs();
  }

  /** Evaluates `expression` in the engine and returns JSON.parse(JSON.stringify(value)). */
  evalJson<T>(expression: string): T {
    const result = this.context.evalCode(`JSON.stringify((${expression}))`, 'eval-json.js', { type: 'global' });
    if (result.error) {
      const err = this.context.dump(result.error);
      result.error.dispose();
      throw new Error(`QuickJS: ${expression} threw ${describe(err)}`);
    }
    const text = this.context.typeof(result.value) === 'string' ? this.context.getString(result.value) : 'null';
    result.value.dispose();
    this.runJobs();
    return JSON.parse(text) as T;
  }

  onLamp(listener: (change: LampChange) => void): void {
    this.lampListeners.push(listener);
  }

  /** Node sockets the engine has open (for tests: ports, drops). */
  openSockets(): readonly (NodeUdpSocket | NodeTcpSocket)[] {
    return [...this.sockets.values(), ...this.streams.values()];
  }

  /** Closes every socket and timer the engine opened and frees the runtime. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
    for (const t of this.timers.values()) t.close();
    this.timers.clear();
    this.dispatcher?.dispose();
    this.dispatcher = undefined;
    this.context.dispose();
    this.runtime.dispose();
  }

  // ---- engine → Node -------------------------------------------------------------------

  private installNatives(): void {
    const ctx = this.context;
    const native = ctx.newObject();
    const fn = (name: string, impl: (...args: QuickJSHandle[]) => QuickJSHandle | void): void => {
      ctx.newFunction(name, impl).consume((f) => ctx.setProp(native, name, f));
    };
    const num = (h: QuickJSHandle | undefined): number => (h === undefined ? NaN : ctx.getNumber(h));
    const str = (h: QuickJSHandle | undefined): string => (h === undefined ? '' : ctx.getString(h));

    fn('setDispatcher', (f) => {
      if (f === undefined || ctx.typeof(f) !== 'function') throw new TypeError('setDispatcher: a function is required');
      this.dispatcher?.dispose();
      this.dispatcher = f.dup();
    });
    fn('now', () => ctx.newNumber(this.clock.now()));
    fn('wallTime', () => ctx.newNumber(this.clock.wallTime?.() ?? -1));
    fn('log', (level, message) => this.log(str(level) as LogLevel, str(message)));

    fn('udpOpen', (address, port) => {
      const a = str(address);
      const id = this.nextId++;
      const socket = new NodeUdpSocket({
        ...(a !== '' ? { address: a } : {}),
        port: num(port),
        onReadable: (count) => this.dispatch(NativeEvent.UdpReadable, id, count),
        onWritable: (count) => this.dispatch(NativeEvent.UdpWritable, id, count),
        onError: () => this.dispatch(NativeEvent.UdpError, id, 0),
      }, this.options.udp ?? {});
      this.sockets.set(id, socket);
      return ctx.newNumber(id);
    });
    fn('udpPort', (id) => ctx.newNumber(this.socket(num(id)).port));
    fn('udpRead', (id) => {
      const socket = this.socket(num(id));
      const n = socket.read(this.rx);
      if (n === undefined) return ctx.undefined;
      // Larger than our receive buffer cannot happen on UDP (65507 max); keep what fits anyway.
      return ctx.newArrayBuffer(this.rx.slice(0, Math.min(n, this.rx.length)).buffer);
    });
    fn('udpRemoteAddress', (id) => ctx.newString(this.socket(num(id)).remoteAddress ?? ''));
    fn('udpRemotePort', (id) => ctx.newNumber(this.socket(num(id)).remotePort ?? 0));
    fn('udpWrite', (id, datagram, address, port) => {
      const socket = this.socket(num(id));
      if (datagram === undefined) throw new TypeError('udpWrite: an ArrayBuffer is required');
      // A copy out of the wasm heap; NodeUdpSocket.write copies again before the async send.
      const bytes = ctx.getArrayBuffer(datagram);
      try {
        socket.write(bytes.value, str(address), num(port));
      } finally {
        bytes.dispose();
      }
    });
    fn('udpClose', (id) => {
      const key = num(id);
      this.sockets.get(key)?.close();
      this.sockets.delete(key);
    });

    fn('tcpOpen', (address, port, noDelay) => {
      const id = this.nextId++;
      const socket = new NodeTcpSocket({
        address: str(address),
        port: num(port),
        noDelay: noDelay !== undefined && ctx.typeof(noDelay) === 'boolean' && ctx.dump(noDelay) === true,
        onReadable: (count) => this.dispatch(NativeEvent.TcpReadable, id, count),
        onWritable: (count) => this.dispatch(NativeEvent.TcpWritable, id, count),
        onError: () => this.dispatch(NativeEvent.TcpError, id, 0),
      }, this.options.tcp ?? {});
      this.streams.set(id, socket);
      return ctx.newNumber(id);
    });
    fn('tcpRead', (id, max) => {
      const socket = this.stream(num(id));
      const want = Math.max(0, Math.min(num(max) || 0, this.rx.length));
      const n = socket.read(this.rx.subarray(0, want));
      return ctx.newArrayBuffer(this.rx.slice(0, n).buffer);
    });
    fn('tcpWrite', (id, bytes) => {
      const socket = this.stream(num(id));
      if (bytes === undefined) throw new TypeError('tcpWrite: an ArrayBuffer is required');
      const copy = ctx.getArrayBuffer(bytes);
      try {
        return ctx.newNumber(socket.write(copy.value));
      } finally {
        copy.dispose();
      }
    });
    fn('tcpRemoteAddress', (id) => ctx.newString(this.stream(num(id)).remoteAddress ?? ''));
    fn('tcpRemotePort', (id) => ctx.newNumber(this.stream(num(id)).remotePort ?? 0));
    fn('tcpClose', (id) => {
      const key = num(id);
      this.streams.get(key)?.close();
      this.streams.delete(key);
    });

    fn('timerOpen', () => {
      const id = this.nextId++;
      this.timers.set(id, new NodeTimer({ onExpired: (now) => this.dispatch(NativeEvent.TimerExpired, id, now) }, { clock: this.clock }));
      return ctx.newNumber(id);
    });
    fn('timerSchedule', (id, at) => this.timer(num(id)).schedule(num(at)));
    fn('timerCancel', (id) => this.timer(num(id)).cancel());
    fn('timerClose', (id) => {
      const key = num(id);
      this.timers.get(key)?.close();
      this.timers.delete(key);
    });

    fn('lamp', (role, pattern, color, onMs, offMs) => {
      const p = str(pattern);
      const c = str(color);
      if (!LAMP_PATTERNS.includes(p) || (c !== '' && !LAMP_COLORS.includes(c))) throw new TypeError(`lamp: bad state ${p}/${c}`);
      const change: LampChange = {
        role: str(role),
        state: { pattern: p as LampPattern, color: c === '' ? null : (c as LampColor), onMs: num(onMs), offMs: num(offMs) },
        at: this.clock.now(),
      };
      this.lamps.set(change.role, change.state);
      this.lampChanges.push(change);
      for (const l of this.lampListeners) l(change);
    });
    fn('display', (text) => {
      const lines = str(text).split('\n');
      this.displayLines = lines;
      this.displayChanges.push({ lines, at: this.clock.now() });
    });
    const display = this.options.display === undefined ? { rows: 4, cols: 20 } : this.options.display;
    fn('displayRows', () => ctx.newNumber(display?.rows ?? 0));
    fn('displayCols', () => ctx.newNumber(display?.cols ?? 0));

    ctx.setProp(ctx.global, NATIVE_GLOBAL, native);
    native.dispose();
  }

  private socket(id: number): NodeUdpSocket {
    const s = this.sockets.get(id);
    if (s === undefined) throw new Error(`no UDP socket ${id}`);
    return s;
  }

  private stream(id: number): NodeTcpSocket {
    const s = this.streams.get(id);
    if (s === undefined) throw new Error(`no TCP socket ${id}`);
    return s;
  }

  private timer(id: number): NodeTimer {
    const t = this.timers.get(id);
    if (t === undefined) throw new Error(`no timer ${id}`);
    return t;
  }

  private log(level: LogLevel, message: string): void {
    this.logs.push({ level, message });
    if (this.logs.length > KEEP_LOGS) this.logs.splice(0, this.logs.length - KEEP_LOGS);
    this.options.log?.(level, message);
  }

  // ---- Node → engine -------------------------------------------------------------------

  /** Calls the shim's dispatcher from Node's event loop, then drains the engine's job queue. */
  private dispatch(kind: number, id: number, value: number): void {
    if (this.disposed || this.dispatcher === undefined) return;
    const ctx = this.context;
    const args = [ctx.newNumber(kind), ctx.newNumber(id), ctx.newNumber(value)];
    try {
      const result = ctx.callFunction(this.dispatcher, ctx.undefined, args);
      if (result.error) {
        this.recordError(`callback (kind ${kind}, id ${id})`, ctx.dump(result.error));
        result.error.dispose();
      } else {
        result.value.dispose();
      }
    } finally {
      for (const a of args) a.dispose();
    }
    this.runJobs();
  }

  private runJobs(): void {
    if (this.disposed) return;
    for (;;) {
      const r = this.runtime.executePendingJobs();
      if (r.error) {
        this.recordError('pending job', r.error.context.dump(r.error));
        r.error.dispose();
        continue;
      }
      if (r.value === 0) return;
    }
  }

  private recordError(where: string, err: unknown): void {
    const text = `${where}: ${describe(err)}`;
    this.errors.push(text);
    this.log('error', text);
  }
}

function describe(err: unknown): string {
  if (err !== null && typeof err === 'object') {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    if (typeof e.message === 'string') return `${String(e.name ?? 'Error')}: ${e.message}${typeof e.stack === 'string' ? `\n${e.stack}` : ''}`;
  }
  return JSON.stringify(err);
}
