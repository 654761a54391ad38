// Fakes the NodeUaHost tests share: a DNS zone table answering like platform/host's DnsResolver,
// a hand-written 200 for a request, and loopback ports nobody listens on.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { DnsRecord, DnsResolver } from '../../platform/host/index.js';

type Rr = 'A' | 'AAAA' | 'SRV' | 'NAPTR';

/** Answers from a zone table, asynchronously, logging every question (unknown names: no records). */
export class ZoneResolver implements DnsResolver {
  readonly asked: string[] = [];
  constructor(private readonly zone: Record<string, readonly DnsRecord[]>) {}
  resolve(options: { host: string; rrtype?: Rr }, done: (e: Error | null, r?: readonly DnsRecord[]) => void): void {
    const key = `${options.rrtype ?? 'A'} ${options.host}`;
    this.asked.push(key);
    setImmediate(() => done(null, this.zone[key] ?? []));
  }
}

/** A hand-written 200 for a request: Via, From, Call-ID, CSeq and Contact echoed, To tagged. */
export function okFor(request: string, tag = 'srv1'): string {
  const lines = request.split('\r\n');
  const echo = lines.filter((l) => /^(via|v|from|f|call-id|i|cseq):/i.test(l));
  const to = lines.find((l) => /^(to|t):/i.test(l)) ?? 'To: <sip:x@pbx.test>';
  const contact = lines.find((l) => /^(contact|m):/i.test(l));
  return ['SIP/2.0 200 OK', ...echo, `${to};tag=${tag}`, ...(contact ? [`${contact};expires=60`] : []), 'Content-Length: 0', '', ''].join('\r\n');
}

/** A free loopback UDP port with nothing listening on it (bound, then closed at once). */
export async function deadUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A free loopback TCP port with nothing listening on it. */
export async function deadTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
