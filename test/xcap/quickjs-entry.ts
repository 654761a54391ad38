// Runs inside QuickJS (bundled as firmware is, no Node APIs): the XCAP pieces of watcher approval
// (pres-rules and rls-services writers, the HTTP response reader fed byte by byte) and the UA's
// presence-state table (PIDF NOTIFY bodies → composed state). Returns plain values to compare
// with the same code under Node.
import { stringToUtf8 } from '../../core/xml/bytes.js';
import { PresRules, writeRlsServices, HttpResponseReader, HTTP_DONE, xcapUserDocumentPath, Auid } from '../../core/presence/xcap/index.js';
import { PresenceStates } from '../../core/presence/presence-states.js';
import { utf8Decode } from '../../core/bytes/utf8.js';

export interface Input { watchers: [string, 'allow' | 'block' | 'polite-block' | 'confirm'][]; response: string; pidfs: string[] }

function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3 + 8);
  return out.subarray(0, stringToUtf8(text, out, 0, out.length));
}

export function run(input: Input): Record<string, unknown> {
  const rules = new PresRules(8);
  for (const [uri, handling] of input.watchers) rules.set(uri, handling);
  const out = new Uint8Array(8192);
  const presRules = rules.write(out);
  const presRulesText = presRules.ok ? utf8Decode(out, 0, presRules.val) : `error ${String(presRules.val)}`;
  const rls = writeRlsServices([{ uri: 'sip:list@example.com', listName: 'team', entries: input.watchers.map(([uri]) => ({ uri })), packages: ['presence'] }], out);
  const rlsText = rls.ok ? utf8Decode(out, 0, rls.val) : 'error';

  const reader = new HttpResponseReader(4096);
  const response = bytes(input.response);
  let verdict = 0;
  for (let i = 0; i < response.length && verdict === 0; i++) verdict = reader.push(response, i, 1);
  const http = {
    done: verdict === HTTP_DONE, status: reader.status,
    challenge: utf8Decode(reader.buf, reader.authenticateOff, reader.authenticateLen),
    body: utf8Decode(reader.buf, reader.bodyOff, reader.bodyLen),
  };

  const states = new PresenceStates({ maxStates: 4 });
  const type = bytes('application/pidf+xml');
  const applied = input.pidfs.map((p, i) => {
    const body = bytes(p);
    const r = states.apply(7, type, 0, type.length, body, 0, body.length, 1000 + i);
    const s = states.get(7)!;
    return [r, s.display, s.activities, s.noteText(), s.version];
  });
  return { path: xcapUserDocumentPath('/xcap-root', Auid.PresRules, 'sip:alice@example.com'), presRulesText, rlsText, http, applied };
}

(globalThis as unknown as { __run: (s: string) => string }).__run = (s: string) => JSON.stringify(run(JSON.parse(s)));
