// Shared by the parser's corpus tests: loads test/corpus/manifest.tsv and the message bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

export interface ManifestRow {
  file: string;
  kind: string;
  verdict: 'valid' | 'valid-but-odd' | 'invalid';
  startLine: string;
  callId: string;
  cseq: string;
  viaHeaderFields: string;
  viaValues: string;
  contentLengthDeclared: string;
  bodyLengthActual: string;
  notes: string;
}

export function loadManifest(): ManifestRow[] {
  const text = readFileSync(join(CORPUS_DIR, 'manifest.tsv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0].split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`manifest.tsv has no column ${name}`);
    return i;
  };
  const c = {
    file: col('file'), kind: col('kind'), verdict: col('verdict'), start: col('start_line'), callId: col('call_id'),
    cseq: col('cseq'), viaH: col('via_header_fields'), viaV: col('via_values'), cl: col('content_length_declared'),
    body: col('body_length_actual'), notes: col('notes'),
  };
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      file: f[c.file], kind: f[c.kind], verdict: f[c.verdict] as ManifestRow['verdict'], startLine: f[c.start],
      callId: f[c.callId], cseq: f[c.cseq], viaHeaderFields: f[c.viaH], viaValues: f[c.viaV],
      contentLengthDeclared: f[c.cl], bodyLengthActual: f[c.body], notes: f[c.notes] ?? '',
    };
  });
}

/** The SIP messages of the manifest (kind sip-request / sip-response). */
export function sipRows(): ManifestRow[] {
  return loadManifest().filter((r) => r.kind === 'sip-request' || r.kind === 'sip-response');
}

export function readCorpus(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, file)));
}
