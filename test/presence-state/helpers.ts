// Shared by the presence-state tests: corpus bodies as bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const bodies = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
export const bodyFile = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(bodies, rel)));

/** The body of a corpus SIP message (after the first empty line) and its Content-Type value. */
export function sipBody(rel: string): { contentType: Uint8Array; body: Uint8Array } {
  const text = readFileSync(join(bodies, rel), 'latin1');
  const split = text.indexOf('\r\n\r\n');
  const m = /\r\nContent-Type:[ \t]*([^\r\n]*)/i.exec(text.slice(0, split));
  return { contentType: enc(m?.[1] ?? ''), body: new Uint8Array(Buffer.from(text.slice(split + 4), 'latin1')) };
}
