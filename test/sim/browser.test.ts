// The simulator's web page in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core; flags from the browser notes): click alice's "busy" → bob's lamp for alice
// turns red; send an IM from alice → it shows on bob's display; a screenshot is a real PNG.
// Skips LOUDLY when Chromium is missing (install it with `apt-get install -y chromium`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimSession } from '../../tools/sim/session.js';
import { startServer, type SimServer } from '../../tools/sim/server.js';

// The functions handed to page.waitForFunction / evaluate run in the browser; the project's
// tsconfig has no DOM lib, so the two browser globals they use are declared here.
declare const document: { querySelector(s: string): { getAttribute(n: string): string | null; textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
declare function getComputedStyle(e: unknown): { backgroundColor: string };

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const STEP_MS = 5000;

if (!existsSync(CHROMIUM)) {
  console.warn(`\n!!! SKIPPED test/sim/browser.test.ts: ${CHROMIUM} is missing (apt-get install -y chromium) !!!\n`);
  test.skip('the simulator page in headless Chromium (no Chromium here)', () => {});
} else {
  test('page: busy on alice → bob\'s lamp red; IM alice → bob\'s display; screenshot is a PNG', async () => {
    const { chromium } = await import('playwright-core');
    const dir = await mkdtemp(join(tmpdir(), 'hardphone-sim-'));
    let session: SimSession | null = null;
    let server: SimServer | null = null;
    let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
    try {
      session = await SimSession.start({ registrar: null });
      server = await startServer(session, 0);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 30_000 });
      const page = await browser.newPage({ viewport: { width: 940, height: 900 } });
      page.setDefaultTimeout(STEP_MS);
      await page.goto(server.url, { timeout: 15_000 });
      await page.waitForSelector('body[data-ready="1"]');
      const bobLamp = page.locator('[data-phone="bob"] [data-role="led.blf.0"]');
      const aliceLamp = page.locator('[data-phone="alice"] [data-role="led.blf.0"]');
      // Both colleagues start available: green.
      await page.waitForFunction(() => document.querySelector('[data-phone="bob"] [data-role="led.blf.0"]')?.getAttribute('data-color') === 'green');
      assert.is(await aliceLamp.getAttribute('data-color'), 'green');

      // Click alice's "busy": bob's lamp for alice turns red within a second.
      const clickedAt = Date.now();
      await page.click('[data-phone="alice"] [data-action="presence"][data-value="busy"]');
      await page.waitForFunction(
        () => document.querySelector('[data-phone="bob"] [data-role="led.blf.0"]')?.getAttribute('data-color') === 'red',
        undefined, { timeout: 1000 },
      );
      const followMs = Date.now() - clickedAt;
      assert.ok(followMs < 1000, `bob's lamp followed in ${followMs} ms`);
      assert.is(await bobLamp.getAttribute('data-lit'), '1', 'a solid lamp is lit');
      const colour = await bobLamp.evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.is(colour, 'rgb(255, 40, 40)', 'drawn red');
      assert.is(session.phone('bob')!.lamps.get('led.blf.0')!.color, 'red', 'the page shows what the phone model holds');

      // An IM typed on alice's page appears on bob's display.
      await page.fill('[data-phone="alice"] [data-action="im-text"]', 'hello from the browser');
      await page.click('[data-phone="alice"] [data-action="im-send"]');
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('[data-phone="bob"] .lcd [data-row]')).map((r) => r.textContent).join('\n').includes('hello from the'),
        undefined, { timeout: 1000 },
      );
      const rows = await page.locator('[data-phone="bob"] .lcd [data-row]').allTextContents();
      assert.match(rows[0]!, /^IM Alice +1 new$/);
      assert.is(rows[1]!.trimEnd(), 'hello from the');
      assert.is(rows[2]!.trimEnd(), 'browser');
      await page.waitForFunction(() => document.querySelector('[data-phone="bob"] [data-role="led.mwi"]')?.getAttribute('data-pattern') === 'slow-blink');

      // A key press through the page: bob's F7 Messages reads the IM, the MWI lamp goes off.
      await page.click('[data-phone="bob"] [data-key="key.messages"]');
      await page.waitForFunction(() => document.querySelector('[data-phone="bob"] [data-role="led.mwi"]')?.getAttribute('data-pattern') === 'off');

      // Ring bob: alice's lamp for bob blinks (lit toggles on the page).
      await page.click('[data-phone="bob"] [data-action="ring"]');
      await page.waitForFunction(() => document.querySelector('[data-phone="alice"] [data-role="led.blf.0"]')?.getAttribute('data-pattern') === 'fast-blink');
      const seen = new Set<string>();
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        seen.add((await aliceLamp.getAttribute('data-lit')) ?? '');
        await page.waitForTimeout(45);
      }
      assert.equal([...seen].sort(), ['0', '1'], 'the ringing lamp blinks on the page');

      const shot = join(dir, 'sim.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = await readFile(shot);
      assert.ok(png.length > 5000, `screenshot has ${png.length} bytes`);
      assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      assert.is(png.readUInt32BE(16), 940, 'PNG width = viewport width');
    } finally {
      await browser?.close().catch(() => {});
      await server?.close();
      await session?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test.run();
