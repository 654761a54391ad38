// Rule 1 of the core, for resource lists (RFC 4662): a UserAgent with
// enableResourceLists(resourceListsModule), bundled like firmware, runs inside QuickJS against a
// scripted RLS and turns list NOTIFYs into the same events, answers and refresh SUBSCRIBEs as on
// Node. The bodies are the ones the Node list tests use (test/rls/helpers.ts, test/corpus/rfc4662).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundleForEngine, runInQuickJS } from '../support/quickjs.js';
import { listScenario, type ListInput, type ListTrail, type NotifySpec } from './quickjs-lists-entry.js';
import { corpusNotify, related, rlmi, pidf, type Notify } from '../rls/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const spec = (n: Notify): NotifySpec => ({ contentType: latin1(n.contentType), body: latin1(n.body) });

let bundle: Promise<string> | null = null;
const code = () => (bundle ??= bundleForEngine(join(here, 'quickjs-lists-entry.ts')));

/** The scenario inside QuickJS, and the same on Node: both must agree. */
async function bothEngines(input: ListInput): Promise<ListTrail> {
  const inEngine = await runInQuickJS<ListTrail>(await code(), input);
  assert.equal(inEngine.result, listScenario(input), 'QuickJS and Node give the same trail');
  console.log(`    QuickJS: list UA bundle ${(inEngine.bundleBytes / 1024).toFixed(1)} KiB, heap ${(inEngine.heapUsed / 1024).toFixed(1)} KiB after the run`);
  return inEngine.result;
}

test('the bundle carries the list module and no host API', async () => {
  const text = await code();
  assert.not.match(text, /\bBuffer\.|new TextDecoder|new TextEncoder|require\(|setTimeout\(|Date\.now\(|Math\.random\(|performance\.now/, 'no host API');
  assert.match(text, /\bRlsBodyReader = class\b/, 'the RLS body reader is in the bundle');
  assert.match(text, /\bResourceListSubscriptions = class\b/, 'the UA list module is in the bundle');
});

// The two printing errors of RFC 4662 §6 (see test/rls/notify.test.ts and test/corpus/README.md).
const fixStep3 = (t: string) => t.replace('"sip:bob@vancouver.example.com""', '"sip:bob@vancouver.example.com"');
const fixStep13 = (t: string) => t.replace('charset="UTF-8"\r\n<?xml', 'charset="UTF-8"\r\n\r\n<?xml');

test('RFC 4662 §6 steps 3 and 13 inside QuickJS: per-resource events, nested list members, list events, 200 answers', async () => {
  const trail = await bothEngines({
    event: 'presence',
    steps: [
      { notify: spec(corpusNotify('rfc4662/03-NOTIFY-multipart-related.sip', fixStep3)) },
      { notify: spec(corpusNotify('rfc4662/13-NOTIFY-multipart-related-nested.sip', fixStep13)) },
    ],
    onRefresh: null,
  });
  const id = trail.subscriptionId;
  const [s3, s13] = trail.steps;
  const top = 'sip:adam-friends@pres.vancouver.example.com';
  const org = 'sip:adam-friends@stockholm.example.org';
  const pidfType = 'application/pidf+xml;charset="UTF-8"';
  // [uri, state, display, list, name, reason, isList, contentType, bytes > 0, basic]
  const brief = (r: ListTrail['steps'][number]['resources'][number]) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] > 0, r[9]];
  assert.equal(s3!.resources.map(brief), [
    ['sip:bob@vancouver.example.com', 'active', 'available', top, 'Bob Smith', '', false, pidfType, true, 'open'],
    ['sip:dave@vancouver.example.com', 'active', 'offline', top, 'Dave Jones', '', false, pidfType, true, 'closed'],
    ['sip:ed@dallas.example.net', 'unknown', 'unknown', top, 'Ed at NET', '', false, '', false, ''],
    [org, 'unknown', 'unknown', top, 'My Friends at ORG', '', false, '', false, ''],
  ]);
  assert.equal(s3!.lists, [[id, top, 1, true, 'applied', 4, 0, '']]);
  assert.is(s3!.order, 'rrrrL', 'the list event comes after its resources');
  assert.equal(s3!.answers, ['200 1 NOTIFY']);
  assert.is(s3!.notifies, 1, 'the raw notify event is still there');

  assert.equal(s13!.resources.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[8] > 0, r[9]]), [
    ['sip:ed@dallas.example.net', 'pending', 'unknown', top, 'Ed at NET', '', false, false, ''],
    [org, 'active', null, top, 'My Friends at ORG', '', true, false, ''],
    ['sip:joe@stockholm.example.org', 'active', 'available', org, 'Joe Thomas', '', false, true, 'open'],
    ['sip:mark@stockholm.example.org', 'active', 'offline', org, 'Mark Edwards', '', false, true, 'closed'],
  ]);
  // The part's Content-Type is folded over three lines in the RFC; the event carries it unfolded.
  assert.is(s13!.resources[1]![7], 'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha1;boundary="l3WMZaaL8NpQWGnQ4mlU"', 'the nested list came signed (§6 step 13)');
  assert.is(s13!.order, 'rrrrL');
  assert.equal(s13!.lists, [[id, top, 2, false, 'applied', 6, 0, '']]);
  assert.equal(s13!.answers, ['200 2 NOTIFY']);
  assert.equal(s13!.warnings, []);
  assert.is(trail.subscribes.length, 1, 'no refresh: version 2 follows 1');
  assert.match(trail.subscribes[0]!, /\r\nSupported: eventlist\r\n/);
  assert.match(trail.subscribes[0]!, /\r\nAccept: [^\r]*multipart\/related/i, 'the list SUBSCRIBE accepts multipart/related');
});

const LIST = 'sip:buddies@10.0.0.100';
const full = (version: number, members: string[]) => spec(related(rlmi(LIST, version, true, members.map((m) => ({
  uri: `sip:${m}@10.0.0.100`, name: m, instances: [{ id: `i${m}`, state: 'active', cid: `${m}${version}@rls` }],
}))), members.map((m) => ({ cid: `${m}${version}@rls`, type: 'application/pidf+xml', body: pidf(`sip:${m}@10.0.0.100`, 'open') }))));
const partial = (version: number, member: string, basic: 'open' | 'closed', state = 'active') => spec(related(rlmi(LIST, version, false, [
  { uri: `sip:${member}@10.0.0.100`, instances: [{ id: `i${member}`, state, ...(state === 'active' ? { cid: `${member}${version}@rls` } : { reason: 'rejected' }) }] },
]), state === 'active' ? [{ cid: `${member}${version}@rls`, type: 'application/pidf+xml', body: pidf(`sip:${member}@10.0.0.100`, basic) }] : []));

const header = (msg: string, name: string) => new RegExp(`\\r\\n${name}:[ \\t]*([^\\r]*)`, 'i').exec(msg)?.[1] ?? null;

test('inside QuickJS: partial versions merge, a version gap sends a full-state refresh (no Suppress-If-Match), stale versions are ignored', async () => {
  const trail = await bothEngines({
    event: 'presence',
    steps: [
      { notify: full(0, ['anna', 'bert', 'cleo']) },
      { notify: partial(1, 'bert', 'closed') },
      // Version 2 is lost; 3 arrives: applied (it is newer) and a refresh SUBSCRIBE goes at once;
      // the RLS answers it with full state (version 4, cleo gone).
      { notify: partial(3, 'cleo', 'closed', 'terminated') },
      // An ordinary refresh at the subscription's deadline, for contrast: it names the state held.
      { wait: 600_000 },
      { notify: partial(2, 'anna', 'closed') },
    ],
    onRefresh: full(4, ['anna', 'bert']),
  });
  const id = trail.subscriptionId;
  const [v0, v1, gap, timer, stale] = trail.steps;
  const brief = (r: ListTrail['steps'][number]['resources'][number]) => [r[0], r[1], r[2], r[5], r[9]];

  assert.equal(v0!.resources.map(brief), [
    ['sip:anna@10.0.0.100', 'active', 'available', '', 'open'],
    ['sip:bert@10.0.0.100', 'active', 'available', '', 'open'],
    ['sip:cleo@10.0.0.100', 'active', 'available', '', 'open'],
  ]);
  assert.equal(v0!.lists, [[id, LIST, 0, true, 'applied', 3, 0, '']]);
  assert.equal(v0!.answers, ['200 1 NOTIFY']);

  assert.equal(v1!.resources.map(brief), [['sip:bert@10.0.0.100', 'active', 'offline', '', 'closed']]);
  assert.equal(v1!.lists, [[id, LIST, 1, false, 'applied', 3, 0, '']]);
  assert.equal(v1!.answers, ['200 2 NOTIFY']);
  assert.is(v1!.subscribes, 1);

  assert.equal(gap!.resources.map(brief), [
    ['sip:cleo@10.0.0.100', 'terminated', 'unknown', 'rejected', ''],
    ['sip:anna@10.0.0.100', 'active', 'available', '', 'open'],
    ['sip:bert@10.0.0.100', 'active', 'available', '', 'open'],
    ['sip:cleo@10.0.0.100', 'removed', null, '', ''],
  ]);
  assert.equal(gap!.lists.map((l) => l.slice(2, 6)), [[3, false, 'refreshing', 3], [4, true, 'applied', 2]]);
  assert.is(gap!.order, 'rLrrrL');
  assert.equal(gap!.answers, ['200 3 NOTIFY', '200 4 NOTIFY'], 'both NOTIFYs answered 200');
  assert.equal(gap!.warnings, ['list-version-gap']);
  assert.is(gap!.subscribes, 2, 'one refresh SUBSCRIBE after the gap');

  const [first, refresh, deadline] = trail.subscribes;
  assert.match(refresh!, /^SUBSCRIBE sip:10\.0\.0\.100:5060 SIP\/2\.0\r\n/, 'the refresh goes in the dialog (remote target)');
  assert.is(header(refresh!, 'Call-ID'), header(first!, 'Call-ID'));
  assert.match(header(refresh!, 'To')!, /;tag=rls1$/);
  assert.ok(parseInt(header(refresh!, 'CSeq')!, 10) > parseInt(header(first!, 'CSeq')!, 10), 'a new CSeq');
  assert.is(header(refresh!, 'Event'), 'presence');
  assert.is(header(refresh!, 'Supported'), 'eventlist');
  assert.is(header(refresh!, 'Expires'), '600');
  assert.is(trail.etags[2], 'rls3', 'the gap NOTIFY carried an entity-tag the refresh could have named');
  assert.is(header(refresh!, 'Suppress-If-Match'), null, 'full state wanted: no Suppress-If-Match (RFC 5839 §5)');

  // The contrast: the deadline refresh carries the tag of the last NOTIFY (the full state, rls4).
  assert.is(timer!.subscribes, 3, 'one refresh at the deadline');
  assert.equal(timer!.lists, []);
  assert.is(header(deadline!, 'Suppress-If-Match'), 'rls4');
  assert.is(header(deadline!, 'Call-ID'), header(first!, 'Call-ID'));

  assert.equal(stale!.lists, [[id, LIST, 4, false, 'stale', 2, 0, '']]);
  assert.equal(stale!.resources, [], 'a stale version changes nothing');
  assert.equal(stale!.answers, ['200 5 NOTIFY'], 'answered 200 all the same');
  assert.is(stale!.subscribes, 3, 'no refresh for a stale version');
});

test('dialog lists inside QuickJS: each resource\'s dialog-info part is summarised (RFC 4235 states)', async () => {
  const di = (entity: string, version: number, dialogs: string) =>
    `<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${entity}">${dialogs}</dialog-info>\n`;
  const trail = await bothEngines({
    event: 'dialog',
    steps: [{ notify: spec(related(rlmi(LIST, 0, true, [
      { uri: 'sip:anna@10.0.0.100', instances: [{ id: 'a', state: 'active', cid: 'a@rls' }] },
      { uri: 'sip:bert@10.0.0.100', instances: [{ id: 'b', state: 'active', cid: 'b@rls' }] },
    ]), [
      { cid: 'a@rls', type: 'application/dialog-info+xml', body: di('sip:anna@10.0.0.100', 3, '<dialog id="d1" direction="recipient"><state>early</state></dialog><dialog id="d2"><state>confirmed</state></dialog>') },
      { cid: 'b@rls', type: 'application/dialog-info+xml', body: di('sip:bert@10.0.0.100', 0, '') },
    ])) }],
    onRefresh: null,
  });
  assert.match(trail.subscribes[0]!, /\r\nEvent: dialog\r\n/);
  const [s0] = trail.steps;
  assert.equal(s0!.resources.map((r) => [r[0], r[1], r[2], r[7], r[10]]), [
    ['sip:anna@10.0.0.100', 'active', null, 'application/dialog-info+xml', '2:early:3'],
    ['sip:bert@10.0.0.100', 'active', null, 'application/dialog-info+xml', '0:idle:0'],
  ]);
  // Dialog-info parts are read (summarised above), so none counts as unreadable.
  assert.equal(s0!.lists, [[trail.subscriptionId, LIST, 0, true, 'applied', 2, 0, '']]);
  assert.equal(s0!.answers, ['200 1 NOTIFY']);
});

test.run();
