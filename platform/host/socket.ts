// Network sockets as a host provides them, in the shape of ECMA-419 (the TC53 "Embedded Systems
// API" standard that Moddable XS implements): constructors take one options object, events are
// `on…` callbacks in that object, reads fill a caller buffer and return a count, writes are all
// or nothing. A host for QuickJS, Node or an RTOS wraps its native sockets in these shapes; on
// Moddable the ECMA-419 classes (`embedded:io/socket/udp`, `…/tcp`, `…/tcp/tls`) fit as they are
// except for the two extensions marked EXTENSION below.
//
// Rules every implementation keeps (ECMA-419 §8, §9):
//   - Options are validated before any resource is taken; unknown properties are ignored; the
//     options object is not modified.
//   - Callbacks run with `this` set to the socket, and never from inside one of the socket's own
//     methods (no re-entrancy): queue them to the host's event loop.
//   - close() is idempotent; any other call after close() throws.
//   - Nothing here throws because of what the network sent: errors arrive through onError.

/** Dotted IPv4 or RFC 5952 IPv6 text; ECMA-419 keeps addresses as strings. */
export type IpAddress = string;

export interface UdpSocketOptions {
  /** Local address to bind (default: any). */
  readonly address?: IpAddress;
  /** Local port to bind (default: an ephemeral port). SIP phones usually bind 5060. */
  readonly port?: number;
  /** Datagrams are waiting; `count` is how many. Fires once per arrival, not repeatedly. */
  readonly onReadable?: (this: UdpSocket, count: number) => void;
  /** The socket can take another datagram (after write() refused one as too early). */
  readonly onWritable?: (this: UdpSocket, count: number) => void;
  readonly onError?: (this: UdpSocket) => void;
}

export interface UdpSocket {
  /**
   * Copies the next datagram into `buffer` and returns its full length, or undefined when none is
   * waiting. If the length exceeds buffer.byteLength only the first bytes were copied (like
   * MSG_TRUNC): the caller sees truncation by comparing. EXTENSION: ECMA-419's read() returns a
   * new buffer carrying `address`/`port`; this zero-allocation form puts them on the socket.
   */
  read(buffer: Uint8Array): number | undefined;
  /** Source of the datagram returned by the last read() (EXTENSION, see read). */
  readonly remoteAddress: IpAddress | undefined;
  readonly remotePort: number | undefined;
  /**
   * Sends bytes [0, byteLength) of `buffer` as one datagram; throws if it cannot take it whole.
   * EXTENSION: `byteLength` lets the core send from its preallocated transmit buffer without a
   * subarray per datagram; omitted, the whole buffer is sent (ECMA-419 behaviour).
   */
  write(buffer: Uint8Array, address: IpAddress, port: number, byteLength?: number): void;
  /** Local port actually bound (useful with an ephemeral port). */
  readonly port: number;
  close(): void;
}

export interface UdpSocketConstructor {
  new (options: UdpSocketOptions): UdpSocket;
}

export interface TlsOptions {
  /** Server name for SNI and for checking the certificate (required). */
  readonly host: string;
  /** Trust anchors, DER. Verification is on unless `verify` is false. */
  readonly ca?: readonly Uint8Array[];
  readonly verify?: boolean;
  /** Client certificate and private key, DER (mutual TLS, e.g. towards CUCM). */
  readonly clientCertificate?: Uint8Array;
  readonly clientKey?: Uint8Array;
  readonly minimumVersion?: number;
}

export interface TcpSocketOptions {
  /** Remote address and port to connect to (omit when adopting with `from`). */
  readonly address?: IpAddress;
  readonly port?: number;
  /** Adopt an accepted connection from a TcpListener. */
  readonly from?: unknown;
  readonly noDelay?: boolean;
  readonly keepAlive?: number;
  /** Present for TLS (the `…/tcp/tls` constructor); ignored by plain TCP. */
  readonly tls?: TlsOptions;
  /** `count` bytes can be read. */
  readonly onReadable?: (this: TcpSocket, count: number) => void;
  /** `count` bytes can be written. The first call means "connected". */
  readonly onWritable?: (this: TcpSocket, count: number) => void;
  /** Connection failed, was reset, or closed by the peer (a clean close is also reported here). */
  readonly onError?: (this: TcpSocket) => void;
}

export interface TcpSocket {
  /** Copies up to buffer.byteLength waiting bytes into `buffer`; returns the count (0 if none). */
  read(buffer: Uint8Array): number;
  /**
   * Queues bytes [0, byteLength) of `buffer`; throws if they do not all fit in the free space the
   * last onWritable reported (all or nothing). Returns the space left.
   */
  write(buffer: Uint8Array, byteLength?: number): number;
  readonly remoteAddress: IpAddress | undefined;
  readonly remotePort: number | undefined;
  close(): void;
}

export interface TcpSocketConstructor {
  new (options: TcpSocketOptions): TcpSocket;
}

export interface TcpListenerOptions {
  readonly address?: IpAddress;
  readonly port: number;
  /** `count` connections are waiting; take each with read() and pass it as `from`. */
  readonly onReadable?: (this: TcpListener, count: number) => void;
  readonly onError?: (this: TcpListener) => void;
}

export interface TcpListener {
  /** The next waiting connection (an opaque handle for TcpSocketOptions.from), or undefined. */
  read(): unknown;
  close(): void;
}

export interface TcpListenerConstructor {
  new (options: TcpListenerOptions): TcpListener;
}

/** One answer record; which fields are present depends on `rrtype`. */
export interface DnsRecord {
  readonly address?: IpAddress; // A, AAAA
  readonly target?: string; // SRV
  readonly port?: number; // SRV
  readonly priority?: number; // SRV
  readonly weight?: number; // SRV
  readonly order?: number; // NAPTR
  readonly preference?: number; // NAPTR
  readonly flags?: string; // NAPTR
  readonly service?: string; // NAPTR, e.g. "SIP+D2U"
  readonly replacement?: string; // NAPTR
  readonly ttl?: number;
}

/**
 * ECMA-419 §18 resolver, widened to the record types RFC 3263 needs. The callback gets null and
 * the records, or an Error; it never runs from inside resolve().
 */
export interface DnsResolver {
  resolve(
    options: { readonly host: string; readonly rrtype?: 'A' | 'AAAA' | 'SRV' | 'NAPTR' },
    onResolved: (error: Error | null, records?: readonly DnsRecord[]) => void,
  ): void;
}
