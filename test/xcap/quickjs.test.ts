// Watcher approval over XCAP and the UA's presence-state table are engine-neutral: bundled as
// firmware would be, they run inside QuickJS and give the same documents, HTTP fields and
// presence states as under Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { run, type Input } from './quickjs-entry.js';
import { PresenceDisplay } from '../../core/presence/documents/pidf-effective.js';
import { PresenceApply } from '../../core/presence/presence-states.js';

const here = dirname(fileURLToPath(import.meta.url));
const ALICE = 'sip:alice@example.com';
const pidf = (basic: string, person: string, note: string) =>
  `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${ALICE}">` +
  `<tuple id="t"><status><basic>${basic}</basic></status></tuple><dm:person id="p">${person}<dm:note>${note}</dm:note></dm:person></presence>`;

test('pres-rules, rls-services, an HTTP 401 byte by byte and PIDF → presence states: the same in QuickJS and Node', async () => {
  const input: Input = {
    watchers: [['sip:bob@example.com', 'allow'], ['sip:eve@example.com', 'block'], ['sip:jöns@example.com', 'polite-block']],
    response: 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="xcap", nonce="n1", qop="auth"\r\nContent-Length: 6\r\n\r\ndenied',
    pidfs: [
      pidf('open', '', 'at my desk'),
      pidf('open', '<rpid:activities><rpid:on-the-phone/></rpid:activities>', 'on a call'),
      pidf('open', '<rpid:activities><rpid:on-the-phone/></rpid:activities>', 'on a call'),
      pidf('closed', '', 'gone home'),
    ],
  };
  const code = await bundleForEngine(join(here, 'quickjs-entry.ts'));
  const q = await runInQuickJS<ReturnType<typeof run>>(code, input);
  const n = run(input);
  assert.equal(q.result, n, 'QuickJS and Node agree');
  const r = q.result as { path: string; presRulesText: string; rlsText: string; http: { done: boolean; status: number; challenge: string; body: string }; applied: unknown[][] };
  assert.is(r.path, '/xcap-root/pres-rules/users/sip:alice@example.com/index');
  assert.match(r.presRulesText, /<cr:one id="sip:bob@example\.com"\s*\/>.*<pr:sub-handling>allow<\/pr:sub-handling>/);
  assert.match(r.presRulesText, /<cr:one id="sip:jöns@example\.com"\s*\/>.*<pr:sub-handling>polite-block<\/pr:sub-handling>/);
  assert.match(r.rlsText, /<service uri="sip:list@example\.com"><list name="team"><rl:entry uri="sip:bob@example\.com"\/>/);
  assert.equal(r.http, { done: true, status: 401, challenge: 'Digest realm="xcap", nonce="n1", qop="auth"', body: 'denied' });
  assert.equal(r.applied.map((a) => [a[0], a[1], a[3], a[4]]), [
    [PresenceApply.Changed, PresenceDisplay.Available, 'at my desk', 1],
    [PresenceApply.Changed, PresenceDisplay.OnThePhone, 'on a call', 2],
    [PresenceApply.Unchanged, PresenceDisplay.OnThePhone, 'on a call', 2],
    [PresenceApply.Changed, PresenceDisplay.Offline, 'gone home', 3],
  ]);
});

test.run();
