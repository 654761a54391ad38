// Hand-written SIP over node:dgram / node:net for talking to Kamailio before the project's own
// stack exists. Deliberately tiny: build a request, read one response, compute a digest.
// Every read is bounded by a timeout that rejects.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export type Transport = 'UDP' | 'TCP';

export interface SipResponse {
  readonly status: number;
  readonly reason: string;
  /** Header values by lower-case name, in arrival order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  readonly raw: string;
}

export function header(res: SipResponse, name: string): string | undefined {
  return res.headers.get(name.toLowerCase())?.[0];
}

const COMPACT: Record<string, string> = { m: 'contact', v: 'via', f: 'from', t: 'to', i: 'call-id', l: 'content-length', c: 'content-type', e: 'content-encoding', k: 'supported' };

export function parseResponse(raw: string): SipResponse {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? raw.slice(0, headEnd) : raw;
  const body = headEnd >= 0 ? raw.slice(headEnd + 4) : '';
  const lines = head.split('\r\n');
  const statusLine = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(lines[0] ?? '');
  if (!statusLine) throw new Error(`not a SIP response: ${JSON.stringify(raw.slice(0, 80))}`);
  const headers = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    const list = headers.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    headers.set(name, list);
  }
  return { status: Number(statusLine[1]), reason: statusLine[2]!, headers, body, raw };
}

export function token(): string {
  return randomBytes(6).toString('hex');
}

export interface RequestSpec {
  readonly method: string;
  readonly uri: string;
  readonly transport: Transport;
  readonly localPort: number;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
  readonly fromTag: string;
  /** For requests inside a dialog. */
  readonly toTag?: string;
  readonly extraHeaders?: readonly string[];
  readonly body?: string;
}

export function buildRequest(spec: RequestSpec): string {
  const body = spec.body ?? '';
  return [
    `${spec.method} ${spec.uri} SIP/2.0`,
    `Via: SIP/2.0/${spec.transport} 127.0.0.1:${spec.localPort};branch=z9hG4bK${token()};rport`,
    'Max-Forwards: 70',
    `From: <${spec.from}>;tag=${spec.fromTag}`,
    `To: <${spec.to}>${spec.toTag ? `;tag=${spec.toTag}` : ''}`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${spec.cseq} ${spec.method}`,
    ...(spec.extraHeaders ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** auth-param list of a WWW-Authenticate / Proxy-Authenticate value (RFC 7616 §3.3). */
export function parseChallenge(value: string): { scheme: string; params: Map<string, string> } {
  const space = value.indexOf(' ');
  const scheme = value.slice(0, space);
  const params = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]+)/g;
  for (let m = re.exec(value.slice(space + 1)); m; m = re.exec(value.slice(space + 1))) {
    params.set(m[1]!.toLowerCase(), m[3] ?? m[2]!);
  }
  return { scheme, params };
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** RFC 2617 §3.2.2 Authorization value for qop=auth (or no qop), MD5. */
export function digestAuthorization(opts: {
  challenge: string; method: string; uri: string; user: string; password: string; nc?: number; cnonce?: string;
}): string {
  const { params } = parseChallenge(opts.challenge);
  const realm = params.get('realm') ?? '';
  const nonce = params.get('nonce') ?? '';
  const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim());
  const ha1 = md5(`${opts.user}:${realm}:${opts.password}`);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  const parts = [`username="${opts.user}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${opts.uri}"`, 'algorithm=MD5'];
  if (qops.includes('auth')) {
    const nc = (opts.nc ?? 1).toString(16).padStart(8, '0');
    const cnonce = opts.cnonce ?? token();
    parts.push(`response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`, 'qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
  } else {
    parts.push(`response="${md5(`${ha1}:${nonce}:${ha2}`)}"`);
  }
  const opaque = params.get('opaque');
  if (opaque !== undefined) parts.push(`opaque="${opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

/** A queue of messages with bounded waits (one per direction: responses, requests). */
class Channel {
  private queue: string[] = [];
  private waiters: Array<(msg: string) => void> = [];

  push(msg: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(msg);
    else this.queue.push(msg);
  }

  /** First queued message accepted by `wanted` (others stay queued), waiting up to timeoutMs. */
  async take(wanted: (msg: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.queue.findIndex(wanted);
      if (index >= 0) return this.queue.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      const msg = await new Promise<string | undefined>((resolve) => {
        const waiter = (m: string): void => { clearTimeout(timer); resolve(m); };
        const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== waiter); resolve(undefined); }, left);
        this.waiters.push(waiter);
      });
      if (msg !== undefined) this.queue.push(msg);
    }
  }
}

/** One SIP client socket (UDP or TCP) that collects whole messages; responses and requests
 *  are queued separately so a UA can wait for its response while serving a request. */
export class RawSipClient {
  private readonly responses = new Channel();
  private readonly requests = new Channel();
  private tcpBuffer = '';

  private constructor(
    readonly transport: Transport,
    readonly localPort: number,
    private readonly serverPort: number,
    private readonly udp: UdpSocket | undefined,
    private readonly tcp: TcpSocket | undefined,
  ) {}

  static async open(transport: Transport, serverPort: number, timeoutMs = 2000): Promise<RawSipClient> {
    if (transport === 'UDP') {
      const udp = createSocket('udp4');
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
      const client = new RawSipClient('UDP', udp.address().port, serverPort, udp, undefined);
      udp.on('message', (msg) => client.deliver(msg.toString('utf8')));
      return client;
    }
    const tcp = connect({ host: '127.0.0.1', port: serverPort });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`TCP connect to ${serverPort} timed out`)), timeoutMs);
      tcp.once('connect', () => { clearTimeout(timer); resolve(); });
      tcp.once('error', (err) => { clearTimeout(timer); reject(err); });
    });
    const client = new RawSipClient('TCP', tcp.localPort ?? 0, serverPort, undefined, tcp);
    tcp.on('data', (chunk) => client.onTcpData(chunk.toString('utf8')));
    tcp.on('error', () => { /* reported through the read timeout */ });
    return client;
  }

  send(text: string): void {
    if (this.udp) this.udp.send(Buffer.from(text, 'utf8'), this.serverPort, '127.0.0.1');
    else this.tcp!.write(text);
  }

  /** Next final response (1xx are dropped), or rejects after timeoutMs. */
  async response(timeoutMs = 3000): Promise<SipResponse> {
    const msg = await this.responses.take((m) => !/^SIP\/2\.0 1\d\d /.test(m), timeoutMs, 'final SIP response');
    return parseResponse(msg);
  }

  /** Next request whose method is in `methods` (others stay queued), or rejects after timeoutMs. */
  async request(methods: readonly string[], timeoutMs = 3000): Promise<string> {
    return this.requests.take((m) => methods.includes(m.slice(0, m.indexOf(' '))), timeoutMs, `${methods.join('/')} request`);
  }

  /** Answers a received request (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq copied). */
  reply(request: string, status: number, reason: string): void {
    const head = request.slice(0, request.indexOf('\r\n\r\n'));
    const lines = head.split('\r\n').slice(1);
    const copied = lines.filter((l) => /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i.test(l))
      .map((l) => (/^(to|t)\s*:/i.test(l) && !/;tag=/i.test(l) ? `${l};tag=${token()}` : l));
    this.send([`SIP/2.0 ${status} ${reason}`, ...copied, 'Content-Length: 0', '', ''].join('\r\n'));
  }

  close(): void {
    if (this.udp) this.udp.close();
    else this.tcp!.destroy();
  }

  private deliver(msg: string): void {
    if (msg.startsWith('SIP/2.0 ')) this.responses.push(msg);
    else this.requests.push(msg);
  }

  // RFC 3261 §18.3: on a stream, Content-Length frames the message.
  private onTcpData(text: string): void {
    this.tcpBuffer += text;
    for (;;) {
      while (this.tcpBuffer.startsWith('\r\n')) this.tcpBuffer = this.tcpBuffer.slice(2); // keepalives
      const headEnd = this.tcpBuffer.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const lengthMatch = /\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(this.tcpBuffer.slice(0, headEnd + 2));
      const bodyLength = lengthMatch ? Number(lengthMatch[1]) : 0;
      const total = headEnd + 4 + bodyLength;
      if (Buffer.byteLength(this.tcpBuffer) < total) return;
      this.deliver(this.tcpBuffer.slice(0, total));
      this.tcpBuffer = this.tcpBuffer.slice(total);
    }
  }
}
