// The contract between a QuickJS embedding (the native side: C on a device, Node + quickjs-emscripten
// in the tests, see host.ts) and the JavaScript shim inside the engine (vm-bindings.ts) that turns
// it into HostBindings (platform/host). Deliberately flat: numbers, strings and ArrayBuffers only,
// so a C host implements each entry as one JS_NewCFunction without building objects.
//
// Events go the other way through ONE function the shim registers with setDispatcher: the native
// side calls dispatch(kind, id, value) from its event loop (never from inside one of these
// functions: ECMA-419 no re-entrancy) and then runs the engine's pending jobs.

/** Kinds passed to the dispatcher. */
export const NativeEvent = {
  /** UDP socket `id` has `value` datagrams waiting. */
  UdpReadable: 1,
  /** UDP socket `id` is bound / can take datagrams (value: 1). */
  UdpWritable: 2,
  /** UDP socket `id` failed (value unused). */
  UdpError: 3,
  /** Timer `id` expired; value = the clock's now. */
  TimerExpired: 4,
  /** TCP socket `id` has `value` bytes waiting. */
  TcpReadable: 5,
  /** TCP socket `id` can take `value` more bytes; the first one means "connected". */
  TcpWritable: 6,
  /** TCP socket `id` failed or was closed by the peer. */
  TcpError: 7,
} as const;
export type NativeEvent = typeof NativeEvent[keyof typeof NativeEvent];

export type NativeDispatcher = (kind: number, id: number, value: number) => void;

/** The global object the native side installs (named by NATIVE_GLOBAL). */
export interface QuickJsNative {
  setDispatcher(dispatch: NativeDispatcher): void;
  /** Monotonic ms. */
  now(): number;
  /** Epoch ms, or -1 while unknown. */
  wallTime(): number;
  log(level: string, message: string): void;

  /** Opens and binds a socket; returns its id (> 0). address '' = any, port 0 = ephemeral. Throws on bad options. */
  udpOpen(address: string, port: number): number;
  /** Bound local port (0 until the first UdpWritable). */
  udpPort(id: number): number;
  /**
   * Takes the next datagram: an ArrayBuffer holding it, or undefined when none waits. The sender
   * is then readable with udpRemoteAddress / udpRemotePort (no object per datagram).
   */
  udpRead(id: number): ArrayBuffer | undefined;
  udpRemoteAddress(id: number): string;
  udpRemotePort(id: number): number;
  /** Sends the whole ArrayBuffer as one datagram; throws if it cannot. */
  udpWrite(id: number, datagram: ArrayBuffer, address: string, port: number): void;
  udpClose(id: number): void;

  /** Connects to address:port (an IP literal); returns the socket's id. Throws on bad options. */
  tcpOpen(address: string, port: number, noDelay: boolean): number;
  /** Takes up to `max` waiting bytes: an ArrayBuffer of what was taken (empty when none). */
  tcpRead(id: number, max: number): ArrayBuffer;
  /** Queues the whole ArrayBuffer (all or nothing; throws if it does not fit); returns the space left. */
  tcpWrite(id: number, bytes: ArrayBuffer): number;
  tcpRemoteAddress(id: number): string;
  tcpRemotePort(id: number): number;
  tcpClose(id: number): void;

  timerOpen(): number;
  /** Fire once at `at` (now() units), replacing any earlier schedule. */
  timerSchedule(id: number, at: number): void;
  timerCancel(id: number): void;
  timerClose(id: number): void;

  /** One lamp changed: pattern 'off' | 'solid' | 'slow-blink' | 'fast-blink'; color '' for none. */
  lamp(role: string, pattern: string, color: string, onMs: number, offMs: number): void;
  /** The display's lines, joined with '\n'. */
  display(text: string): void;
  /** Display rows and columns, or 0 and 0 without a display. */
  displayRows(): number;
  displayCols(): number;
}

/** Name of the global the native side installs before the shim runs. */
export const NATIVE_GLOBAL = '__hardphoneNative';
