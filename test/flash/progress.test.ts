// The flash progress display: redrawn in place on a terminal, plain lines in logs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { ProgressBar } from '../../tools/flash.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text(): string } {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
  return Object.assign(stream, { isTTY, columns: 80, text: () => text });
}

test('on a terminal: one line redrawn with \\r, a bar, percent, sizes; a newline at the end', () => {
  const out = sink(true);
  const bar = new ProgressBar(out, 2048);
  bar.update(0);
  bar.update(1024); // within 100 ms of the last draw: skipped
  bar.update(2048); // the last one is always drawn
  bar.end();
  const text = out.text();
  const frames = text.split('\r').filter(Boolean);
  assert.is(frames.length, 2, JSON.stringify(text));
  assert.match(frames[0]!, /^\[\.{35}\]   0%  0 B\/2\.0 KiB/);
  assert.match(frames[1]!, /^\[#{35}\] 100%  2\.0 KiB\/2\.0 KiB  .*\/s\x1b\[K\n$/);
  assert.not.match(text, /\n.*\n/);
});

test('in a log: one plain line per 10 %, no control characters', () => {
  const out = sink(false);
  const bar = new ProgressBar(out, 1000);
  for (let done = 0; done <= 1000; done += 50) bar.update(done);
  bar.end();
  const lines = out.text().trim().split('\n');
  assert.equal(lines.map((l) => /flash: (\d+)%/.exec(l)?.[1]), ['0', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100']);
  assert.not.match(out.text(), /[\r\x1b]/);
});

test.run();
