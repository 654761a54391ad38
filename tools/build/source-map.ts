// Just enough of the source map v3 format to say where a position in a bundle came from: the
// base64 VLQ "mappings" decoder and a lookup. (esbuild writes the map; we only read it.)

export interface SourceMapV3 {
  readonly version: number;
  readonly sources: readonly string[];
  readonly mappings: string;
}

export interface OriginalPosition {
  readonly source: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

/** Segments of one generated line: [generatedColumn, sourceIndex, originalLine, originalColumn] (0-based, absolute). */
type Segment = [number, number, number, number];

function decodeLines(mappings: string): Segment[][] {
  const lines: Segment[][] = [[]];
  let source = 0;
  let origLine = 0;
  let origCol = 0;
  let genCol = 0;
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  const flush = () => {
    if (fields.length >= 4) {
      genCol += fields[0]!;
      source += fields[1]!;
      origLine += fields[2]!;
      origCol += fields[3]!;
      lines[lines.length - 1]!.push([genCol, source, origLine, origCol]);
    } else if (fields.length >= 1) {
      genCol += fields[0]!;
    }
    fields.length = 0;
  };
  for (let i = 0, n = mappings.length; i < n; i++) {
    const ch = mappings.charCodeAt(i);
    if (ch === 0x2c /* , */) { flush(); continue; }
    if (ch === 0x3b /* ; */) { flush(); lines.push([]); genCol = 0; continue; }
    const digit = ch < 128 ? DIGIT[ch]! : -1;
    if (digit < 0) continue;
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  flush();
  return lines;
}

/** A lookup for positions in the generated file (0-based line and column). */
export function sourceMapLookup(map: SourceMapV3): (line: number, column: number) => OriginalPosition | null {
  const lines = decodeLines(map.mappings);
  return (line, column) => {
    const segments = lines[line];
    if (!segments) return null;
    let best: Segment | null = null;
    for (const s of segments) {
      if (s[0] > column) break;
      best = s;
    }
    if (!best) return null;
    return { source: map.sources[best[1]] ?? '?', line: best[2] + 1, column: best[3] + 1 };
  };
}
