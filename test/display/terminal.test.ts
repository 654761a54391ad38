// Terminal renderers (platform/display): exact output for known frames.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalCharDisplay } from '../../platform/display/terminal-char-display.js';
import { TerminalPixelDisplay } from '../../platform/display/terminal-pixel-display.js';
import { halfBlockLines } from '../../platform/display/half-blocks.js';
import { MonoFramebuffer } from '../../core/display/mono-framebuffer.js';
import type { DisplayDriver } from '../../core/indicators/frame.js';

const frameLines = ['alice@example.com  Reg', 'Away: lunch with Bob and the team', 'BLF3 Carol ringing', 'IM 2  VM 1/3'];

test('char display, plain: a boxed 20x4 panel with the fitted lines', () => {
  const out: string[] = [];
  const lcd: DisplayDriver = new TerminalCharDisplay({ rows: 4, cols: 20, write: (s) => out.push(s), title: 'sim-desk' });
  lcd.showLines(frameLines);
  assert.equal(out, [
    '┌─ sim-desk ─────────┐\n' +
    '│alice@example.com…  │\n' +
    '│Away: lunch with Bo…│\n' +
    '│BLF3 Carol ringing  │\n' +
    '│IM 2  VM 1/3        │\n' +
    '└────────────────────┘\n',
  ]);
});

test('char display, plain: nothing is written when no line changed', () => {
  const out: string[] = [];
  const lcd = new TerminalCharDisplay({ rows: 2, cols: 16, write: (s) => out.push(s) });
  lcd.showLines(['a', 'b']);
  lcd.showLines(['a', 'b']);
  assert.is(out.length, 1);
  lcd.showLines(['a', 'c']);
  assert.is(out.length, 2);
  assert.is(out[1], '┌────────────────┐\n│a               │\n│c               │\n└────────────────┘\n');
});

test('char display, ANSI in place: full panel first, then only the changed span', () => {
  const out: string[] = [];
  const lcd = new TerminalCharDisplay({ rows: 2, cols: 8, write: (s) => out.push(s), ansi: true, origin: { row: 3, col: 5 } });
  lcd.showLines(['IM 0', 'Avail']);
  assert.is(out[0],
    '\x1b[3;5H┌────────┐' +
    '\x1b[4;5H│\x1b[30;42mIM 0    \x1b[0m│' +
    '\x1b[5;5H│\x1b[30;42mAvail   \x1b[0m│' +
    '\x1b[6;5H└────────┘');
  lcd.showLines(['IM 2', 'Avail']);
  // Row 0 is screen row 3 + 1, column 3 is screen column 5 + 1 + 3.
  assert.is(out[1], '\x1b[4;9H\x1b[30;42m2\x1b[0m');
});

test('char display, ANSI without origin: whole coloured panels', () => {
  const out: string[] = [];
  const lcd = new TerminalCharDisplay({ rows: 1, cols: 4, write: (s) => out.push(s), ansi: true, colors: '97;44' });
  lcd.showLines(['ok']);
  assert.is(out[0], '┌────┐\n│\x1b[97;44mok  \x1b[0m│\n└────┘\n');
});

test('char display: escape sequences from the network cannot reach the terminal', () => {
  const out: string[] = [];
  const lcd = new TerminalCharDisplay({ rows: 1, cols: 12, write: (s) => out.push(s), ansi: true });
  lcd.showLines(['\x1b[2J\x1b]0;pwn\x07Bob']);
  // ESC and BEL become blanks; what is left is inert text inside the panel's own colours.
  assert.is(out[0], '┌────────────┐\n│\x1b[30;42m [2J ]0;pwn…\x1b[0m│\n└────────────┘\n');
  assert.is(out[0]!.split('\x1b').length - 1, 2, 'only the renderer\'s own two SGR sequences');
});

test('half blocks: "Hi" in a 12x8 framebuffer', () => {
  const fb = new MonoFramebuffer(12, 8);
  fb.drawCodes(new Uint8Array([0x48, 0x69]), 0, 2, 0, 0, false);
  // Pixel rows (from the font bytes H = 7F 08 08 08 7F, i = 00 44 7D 40 00):
  //   0 #...#...#...   1 #...#.......   2 #...#..##...   3 #####...#...
  //   4 #...#...#...   5 #...#...#...   6 #...#..###..   7 ............
  assert.equal(halfBlockLines(fb), [
    '█   █   ▀   ',
    '█▄▄▄█  ▀█   ',
    '█   █   █   ',
    '▀   ▀  ▀▀▀  ',
  ]);
});

test('pixel display, plain: a known frame on a 24x8 panel', () => {
  const out: string[] = [];
  const oled = new TerminalPixelDisplay({ width: 24, height: 8, write: (s) => out.push(s) });
  oled.showLines(['Hi']);
  // 24 px hold 4 cells (24 px) with no margin; "Hi" then two blank cells.
  assert.equal(out, [
    '┌────────────────────────┐\n' +
    '│█   █   ▀               │\n' +
    '│█▄▄▄█  ▀█               │\n' +
    '│█   █   █               │\n' +
    '│▀   ▀  ▀▀▀              │\n' +
    '└────────────────────────┘\n',
  ]);
});

test('pixel display, ANSI in place: redraws only the lines of changed pages', () => {
  const out: string[] = [];
  const oled = new TerminalPixelDisplay({ width: 12, height: 16, write: (s) => out.push(s), ansi: true, origin: { row: 1, col: 1 } });
  oled.showLines(['Hi', '']);
  assert.is(out.length, 1);
  oled.showLines(['Hi', '']);
  assert.is(out.length, 1, 'unchanged frame: nothing written');
  oled.showLines(['Hi', '-']);
  // Page 1 = terminal lines 4..7 = screen rows 6..9 (origin row 1 + border 1 + line).
  // "-" is 08 08 08 08 08: pixel row 3 of page 1, i.e. the bottom half of terminal line 5.
  const style = '\x1b[96;40m';
  const blank = ' '.repeat(12);
  assert.is(out[1],
    `\x1b[6;2H${style}${blank}\x1b[0m` +
    `\x1b[7;2H${style}▄▄▄▄▄       \x1b[0m` +
    `\x1b[8;2H${style}${blank}\x1b[0m` +
    `\x1b[9;2H${style}${blank}\x1b[0m`);
});

test('pixel display: 128x64 renders 32 half-block lines of 128 columns inside the box', () => {
  const out: string[] = [];
  const oled = new TerminalPixelDisplay({ width: 128, height: 64, write: (s) => out.push(s) });
  oled.showLines(frameLines);
  const lines = out[0]!.split('\n');
  assert.is(lines.length, 32 + 2 + 1); // box top + 32 + box bottom + trailing ''
  for (let i = 1; i <= 32; i++) assert.is([...lines[i]!].length, 130, `line ${i}`);
});

test.run();
