// `--tui` without a terminal (CI logs): frames are printed as plain text with lamps as letters,
// log lines pass straight through; and the raw-key splitter used on a real terminal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimSession } from '../../tools/sim/session.js';
import { MemoryHub } from '../../tools/sim/memory-link.js';
import { SimTui, splitKeys } from '../../tools/sim/tui.js';
import { waitFor } from './helpers.js';

test('plain TUI: both phones drawn with their displays and BLF lamps; changes reprinted', async () => {
  const hub = new MemoryHub();
  const written: string[] = [];
  const output = { isTTY: false, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream;
  const input = { isTTY: false } as unknown as NodeJS.ReadStream;
  const session = await SimSession.start({ registrar: null, makeLink: async (user) => hub.link(`sip:${user}@127.0.0.1:${user === 'alice' ? 5071 : 5072}`) });
  const flusher = setInterval(() => hub.flush(), 5);
  let tui: SimTui | null = null;
  try {
    tui = new SimTui(session, { input, output, onQuit: () => {} });
    await waitFor('a frame with both green BLF lamps', () => written.some((w) => /G1 Bob/.test(w) && /G1 Alice/.test(w)), 3000);
    const frame = written.find((w) => /G1 Bob/.test(w))!;
    assert.match(frame, /┌─ alice \* ─+┐/);
    assert.match(frame, /│Alice {13}OK│/);
    assert.match(frame, /│Avai Away Busy DND  │/);
    session.phone('alice')!.setPresence('busy', session.now());
    await waitFor('a frame with bob\'s lamp for alice red', () => written.some((w) => /R1 Alice/.test(w)), 3000);
    tui.addLog('a log line');
    assert.ok(written.includes('a log line\n'), 'without a terminal, log lines are printed as they come');
  } finally {
    tui?.close();
    clearInterval(flusher);
    await session.close();
  }
});

test('splitKeys: one raw read holding several keys, escape sequences kept whole', () => {
  assert.equal(splitKeys('\tIhi\r'), ['\t', 'I', 'h', 'i', '\r']);
  assert.equal(splitKeys('\x1bOP\x1b[15~1'), ['\x1bOP', '\x1b[15~', '1']);
  assert.equal(splitKeys('\x1b'), ['\x1b']);
  assert.equal(splitKeys('é😀'), ['é', '😀']);
});

test.run();
