// Mutation fuzzing of the XML reader: ≥ 50k mutated presence-sized documents, bounded time.
// Properties: next() never throws, every stream ends (EndDocument or Error) within a bounded
// number of tokens, every reported span lies inside the input span, decoding stays in bounds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlReader, XmlToken } from '../../core/xml/index.js';
import { prng, mutate } from './mutate.js';

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus', 'bodies');
const seeds: Uint8Array[] = [];
for (const dir of readdirSync(corpusDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
  for (const file of readdirSync(join(corpusDir, dir))) {
    if (file.endsWith('.xml')) seeds.push(new Uint8Array(readFileSync(join(corpusDir, dir, file))));
  }
}

test('≥ 50k mutations: never throws, always terminates, spans in range', () => {
  assert.ok(seeds.length >= 10, `seeds: ${seeds.length}`);
  const rnd = prng(0x5eed);
  const reader = new XmlReader({ maxBytes: 8192, maxDepth: 16, maxAttributes: 16, maxNamespaces: 16 });
  const work = new Uint8Array(8192 + 64);
  const scratch = new Uint8Array(16384);
  const iterations = 60_000;
  const started = Date.now();
  let errorsSeen = 0;
  let cleanSeen = 0;
  for (let iter = 0; iter < iterations; iter++) {
    const seed = seeds[Math.floor(rnd() * seeds.length)]!;
    const length = mutate(seed, work, rnd);
    // Read from an offset inside a larger buffer so out-of-span reads would show.
    const start = 7 + (iter % 5);
    const buf = new Uint8Array(length + 20);
    buf.set(work.subarray(0, length), start);
    const end = start + length;
    reader.reset(buf, start, end);
    let steps = 0;
    for (;;) {
      let k: number;
      try {
        k = reader.next();
      } catch (err) {
        assert.unreachable(`iteration ${iter} threw ${String(err)}`);
        return;
      }
      if (++steps > 10_000) assert.unreachable(`iteration ${iter} did not terminate`);
      if (k === XmlToken.Error) {
        errorsSeen++;
        if (reader.errorPosition < start || reader.errorPosition > end) assert.unreachable(`iteration ${iter}: error position ${reader.errorPosition} outside [${start},${end}]`);
        break;
      }
      if (k === XmlToken.EndDocument) { cleanSeen++; break; }
      if (k === XmlToken.StartElement || k === XmlToken.EndElement) {
        if (!(start <= reader.nameStart && reader.nameStart < reader.nameEnd && reader.nameEnd <= end && reader.localStart >= reader.nameStart && reader.localEnd === reader.nameEnd)) {
          assert.unreachable(`iteration ${iter}: name span out of range`);
        }
        for (let i = 0; i < reader.attributeCount; i++) {
          const vs = reader.attrValueStartAt(i);
          const ve = reader.attrValueEndAt(i);
          if (!(start <= reader.attrNameStartAt(i) && reader.attrNameEndAt(i) <= end && start <= vs && vs <= ve && ve <= end)) assert.unreachable(`iteration ${iter}: attribute span out of range`);
          if (reader.decodeAttribute(i, scratch) > ve - vs) assert.unreachable(`iteration ${iter}: decoded attribute longer than raw`);
        }
      } else {
        if (!(start <= reader.textStart && reader.textStart <= reader.textEnd && reader.textEnd <= end)) assert.unreachable(`iteration ${iter}: text span out of range`);
        if (k === XmlToken.Text || k === XmlToken.CData) {
          const n = reader.decodeText(scratch);
          if (n < 0 || n > reader.textEnd - reader.textStart) assert.unreachable(`iteration ${iter}: decodeText returned ${n}`);
        }
      }
    }
  }
  const ms = Date.now() - started;
  console.log(`  xml fuzz: ${iterations} mutated documents in ${ms} ms (${errorsSeen} rejected, ${cleanSeen} accepted)`);
  assert.ok(errorsSeen > 1000 && cleanSeen > 1000, 'the mutations exercise both paths');
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test.run();
