// Readable parser vectors (test/vectors/sip/*.vec, format in its README.md). Each is parsed whole;
// stream vectors are also fed through SipStreamFramer split at every byte boundary (two pushes),
// and byte by byte, and must give the same message or the same error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parse, createParseOptions, type ParseOptions } from '../../core/sip/parser.js';
import { SipMessageView, type ParseLimits } from '../../core/sip/view.js';
import { SipStreamFramer } from '../../core/sip/framer.js';
import { errorName, NEED_MORE } from '../../core/sip/errors.js';
import { headerName } from '../../core/sip/header-ids.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'sip');

interface Vector {
  name: string;
  datagram: boolean;
  options: Partial<ParseOptions>;
  limits: Partial<ParseLimits>;
  input: Uint8Array;
  expect: string[];
}

/** Vector escapes: \r \n \t \s \\ \xHH. Text is UTF-8 otherwise. */
function unescape(s: string): number[] {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\' || i + 1 >= s.length) {
      out.push(...utf8.encode(ch));
      continue;
    }
    const n = s[++i];
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === 's') out.push(32);
    else if (n === '\\') out.push(92);
    else if (n === 'x') { out.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
    else throw new Error(`bad escape \\${n}`);
  }
  return out;
}

function loadVector(file: string): Vector {
  const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const v: Vector = { name: file, datagram: false, options: {}, limits: {}, input: new Uint8Array(0), expect: [] };
  let section = 'head';
  const input: number[] = [];
  for (const line of lines) {
    if (line === '--- input') { section = 'input'; continue; }
    if (line === '--- expect') { section = 'expect'; continue; }
    if (section === 'head') {
      if (line.startsWith('#') || line.trim() === '') continue;
      const [key, value] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
      if (key === 'mode') v.datagram = value === 'datagram';
      else if (key === 'options') for (const o of value.split(',')) (v.options as Record<string, boolean>)[o.trim()] = true;
      else if (key === 'limits') for (const kv of value.split(',')) { const [k, n] = kv.split('='); (v.limits as Record<string, number>)[k.trim()] = Number(n); }
      else throw new Error(`${file}: unknown key ${key}`);
    } else if (section === 'input') {
      if (line.endsWith('\\') && !line.endsWith('\\\\')) input.push(...unescape(line.slice(0, -1)));
      else input.push(...unescape(line), 13, 10);
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      v.expect.push(line);
    }
  }
  v.input = new Uint8Array(input);
  return v;
}

const latin1 = new TextDecoder('latin1');
function escaped(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 13) s += '\\r';
    else if (b === 10) s += '\\n';
    else if (b === 9) s += '\\t';
    else if (b === 92) s += '\\\\';
    else if (b < 32 || b === 127) s += `\\x${b.toString(16).padStart(2, '0')}`;
    else s += latin1.decode(new Uint8Array([b]));
  }
  return s;
}

/** What a view says, in the vector's own words (start line text via the UTF-8 getters). */
function describe(view: SipMessageView, r: number, base: number, wantConsumed: boolean): string[] {
  if (r === NEED_MORE) return ['need-more'];
  if (r < 0) return [`error: ${errorName(r)} at ${view.errorOffset - base}`];
  const out: string[] = [];
  if (view.isRequest) out.push(`start: request ${view.method()} ${view.requestUri()}`);
  else out.push(`start: response ${view.statusCode} ${escapeText(view.reason())}`.trimEnd());
  for (let i = 0; i < view.headerCount; i++) {
    const name = latin1.decode(view.buf.subarray(view.nameOff[i], view.nameOff[i] + view.nameLen[i]));
    const value = escaped(view.buf.subarray(view.valueOff[i], view.valueOff[i] + view.valueLen[i]));
    out.push(`header: ${name} (${headerName(view.headerId[i]) || '?'}) = ${value}`.trimEnd());
  }
  out.push(`content-length: ${view.contentLength}`);
  out.push(`body: ${escaped(view.buf.subarray(view.bodyOff, view.bodyOff + view.bodyLen))}`.trimEnd());
  if (wantConsumed) out.push(`consumed: ${r}`);
  return out;
}

function escapeText(s: string): string {
  // control characters in decoded text, written as in the vector files
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 32 || c === 127 ? `\\x${c.toString(16).padStart(2, '0')}` : c === 0xfffd ? '\\xff' : ch;
  }
  return out;
}

/** Keep from `actual` only the kinds of line the vector states, so a vector may state less. */
function project(actual: string[], expect: string[]): string[] {
  const kinds = new Set(expect.map((l) => l.split(':')[0]));
  return actual.filter((l) => kinds.has(l.split(':')[0]));
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.vec')).sort();

test('there are vectors', () => {
  assert.ok(files.length >= 30, `${files.length} vectors`);
});

for (const file of files) {
  const v = loadVector(file);
  const options = createParseOptions({ ...v.options, datagram: v.datagram });
  const wantConsumed = v.expect.some((l) => l.startsWith('consumed:'));
  const expect = v.expect.map((l) => l.trimEnd());

  test(`${file}: whole`, () => {
    const view = new SipMessageView(v.limits);
    const r = parse(v.input, 0, v.input.length, view, options);
    assert.equal(project(describe(view, r, 0, wantConsumed), expect), expect);
    if (r > 0 && !wantConsumed) assert.is(r, v.input.length, 'consumes the whole input');
    // the same bytes at an offset inside a bigger buffer: same answer, offsets shifted
    const big = new Uint8Array(v.input.length + 20).fill(0x41);
    big.set(v.input, 7);
    const r2 = parse(big, 7, v.input.length, view, options);
    assert.is(r2, r);
    assert.equal(project(describe(view, r2, 7, wantConsumed), expect), expect);
  });

  if (v.datagram) {
    test(`${file}: every prefix as a datagram is a clean error, never a throw`, () => {
      const view = new SipMessageView(v.limits);
      for (let n = 0; n < v.input.length; n++) {
        const r = parse(v.input, 0, n, view, options);
        assert.ok(r <= v.input.length, `prefix ${n}`);
      }
    });
    continue;
  }

  test(`${file}: through the framer, whole / split at every byte / byte by byte`, () => {
    const view = new SipMessageView(v.limits);
    const first = (chunks: number[]): string[] => {
      const framer = new SipStreamFramer(new Uint8Array(v.input.length + 64), v.options);
      let at = 0;
      for (const size of chunks) {
        const took = framer.push(v.input, at, size);
        assert.is(took, size);
        at += size;
        const r = framer.next(view);
        if (r !== NEED_MORE) return describe(view, r, 0, wantConsumed);
      }
      return ['need-more'];
    };
    const whole = first([v.input.length]);
    assert.equal(project(whole, expect), expect, 'whole');
    for (let cut = 1; cut < v.input.length; cut++) {
      assert.equal(first([cut, v.input.length - cut]), whole, `split at ${cut}`);
    }
    assert.equal(first(new Array<number>(v.input.length).fill(1)), whole, 'byte by byte');
  });
}

test.run();
