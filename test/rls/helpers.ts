// Test helpers for resource-list NOTIFYs: corpus messages split into Content-Type + body, and a
// builder for synthetic multipart/related bodies (RLMI root + PIDF parts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');
export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

export interface Notify { contentType: Uint8Array; body: Uint8Array; text: string }

/** A NOTIFY as the UA hands it over: the (possibly folded) Content-Type value and the body bytes
 * after the empty line. RFC 4662's Content-Length values are RFC arithmetic (see the corpus
 * manifest), so the body is taken as printed. `fix` edits the message text first. */
export function corpusNotify(file: string, fix: (text: string) => string = (t) => t): Notify {
  const text = fix(readFileSync(join(corpusDir, file), 'latin1'));
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`no body in ${file}`);
  const head = text.slice(0, split);
  const m = /\r\nContent-Type:[ \t]*((?:.|\r\n[ \t])*)/i.exec(head);
  if (!m) throw new Error(`no Content-Type in ${file}`);
  return { contentType: new Uint8Array(Buffer.from(m[1]!, 'latin1')), body: new Uint8Array(Buffer.from(text.slice(split + 4), 'latin1')), text };
}

export interface PartSpec { cid: string; type: string; body: string }

export function pidf(entity: string, basic: 'open' | 'closed', extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">\n  <tuple id="t1"><status><basic>${basic}</basic></status></tuple>${extra}\n</presence>\n`;
}

export interface ResourceSpec { uri: string; name?: string; instances?: { id: string; state: string; reason?: string; cid?: string }[] }

export function rlmi(uri: string, version: number, full: boolean, resources: ResourceSpec[]): string {
  const res = resources.map((r) => `  <resource uri="${r.uri}">\n${r.name ? `    <name>${r.name}</name>\n` : ''}${(r.instances ?? []).map((i) => `    <instance id="${i.id}" state="${i.state}"${i.reason ? ` reason="${i.reason}"` : ''}${i.cid ? ` cid="${i.cid}"` : ''}/>\n`).join('')}  </resource>\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${uri}" version="${version}" fullState="${full}">\n${res}</list>\n`;
}

/** multipart/related with the RLMI root first (start names it) and the given parts. */
export function related(root: string, parts: PartSpec[], boundary = 'bNdRy42'): Notify {
  const all = [{ cid: 'root@rls.example.com', type: 'application/rlmi+xml;charset="UTF-8"', body: root }, ...parts];
  const text = all.map((p) => `--${boundary}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${p.cid}>\r\nContent-Type: ${p.type}\r\n\r\n${p.body}\r\n`).join('') + `--${boundary}--\r\n`;
  const ct = `multipart/related;type="application/rlmi+xml";start="<root@rls.example.com>";boundary="${boundary}"`;
  return { contentType: enc(ct), body: enc(text), text };
}
