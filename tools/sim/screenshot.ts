// Regenerates the README's simulator screenshot (docs/sim.png) with headless Chromium:
//   node --import tsx tools/sim/screenshot.ts [out.png]
// Two phones peer to peer, alice busy with a note, bob ringing, an IM from alice on bob's display.
import { chromium } from 'playwright-core';
import { SimSession } from './session.js';
import { startServer } from './server.js';

// The functions handed to page.waitForFunction / evaluate run in the browser; the project's
// tsconfig has no DOM lib, so the two browser globals they use are declared here.
declare const document: { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
declare function getComputedStyle(e: unknown): { backgroundColor: string };

const out = process.argv[2] ?? 'docs/sim.png';
const lines: string[] = [];
let show: ((line: string) => void) | null = null;
const session = await SimSession.start({ registrar: null, log: (l) => { const t = `${new Date().toISOString().slice(11, 23)} ${l}`; if (show) show(t); else lines.push(t); } });
const server = await startServer(session, 0);
for (const l of lines) server.log(l);
show = (l) => server.log(l);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true, timeout: 30_000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 900 } });
  page.setDefaultTimeout(5000);
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="1"]');
  const now = session.now();
  const alice = session.phone('alice')!;
  const bob = session.phone('bob')!;
  alice.setNote('in the lab', now);
  alice.setPresence('busy', now);
  bob.ring('Carol', now);
  alice.sendIm('Coffee at 3? The usual place.', now);
  await page.waitForFunction(() => document.querySelector('[data-phone="bob"] .lcd [data-row="1"]')?.textContent?.includes('Coffee'));
  await page.waitForFunction(() => document.querySelector('[data-phone="alice"] [data-role="led.blf.0"]')?.getAttribute('data-lit') === '1'
    && document.querySelector('[data-phone="bob"] [data-role="led.mwi"]')?.getAttribute('data-lit') === '1');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
  await session.close();
}
