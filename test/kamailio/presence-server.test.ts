// The Kamailio config's presence side and MESSAGE relay, checked with hand-written SIP:
// PUBLISH (PIDF) → a watcher's NOTIFY carries it; voicemail PUBLISH of message-summary → the
// mailbox owner's NOTIFY; MESSAGE relayed to a registered user.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio, skipWithoutKamailio, type Kamailio } from '../support/kamailio/harness.js';
import {
  RawSipClient, buildRequest, digestAuthorization, header, token, type RequestSpec, type SipResponse,
} from '../support/kamailio/raw-sip.js';
import { PidfReader, WatcherinfoReader, WatcherStatus, PresenceDocError, Basic, EffectivePresence, PresenceDisplay, composeEffectivePresence, writePidf } from '../../core/presence/documents/index.js';
import { DialogInfoReader } from '../../core/packages/dialog-info.js';
import { BusyLampTarget, BlfState } from '../../core/packages/dialog-info-blf.js';
import { parseMessageSummary, MessageSummary, MwiError, Count } from '../../core/packages/message-summary.js';

const skip = skipWithoutKamailio('test/kamailio/presence-server.test.ts');
let kam: Kamailio | undefined;
const clients: RawSipClient[] = [];

test.before(async () => {
  if (skip) return;
  try {
    kam = await startKamailio();
  } catch (err) {
    console.error('startKamailio failed:', err);
    throw err;
  }
});
test.after(async () => {
  for (const c of clients) c.close();
  await kam?.stop();
});

function server(): Kamailio {
  if (!kam) throw new Error('Kamailio not started');
  return kam;
}

async function client(): Promise<RawSipClient> {
  const c = await RawSipClient.open('UDP', server().port);
  clients.push(c);
  return c;
}

/** Sends a request; on a 401/407 challenge sends it again with credentials. */
async function send(c: RawSipClient, spec: Omit<RequestSpec, 'transport' | 'localPort' | 'cseq'>, user: string, password: string): Promise<SipResponse> {
  const full = { ...spec, transport: c.transport, localPort: c.localPort };
  c.send(buildRequest({ ...full, cseq: 1 }));
  const first = await c.response();
  if (first.status !== 401 && first.status !== 407) return first;
  const challengeName = first.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
  const credentialsName = first.status === 401 ? 'Authorization' : 'Proxy-Authorization';
  const auth = digestAuthorization({ challenge: header(first, challengeName)!, method: spec.method, uri: spec.uri, user, password });
  c.send(buildRequest({ ...full, cseq: 2, extraHeaders: [...(spec.extraHeaders ?? []), `${credentialsName}: ${auth}`] }));
  return c.response();
}

async function registerUser(c: RawSipClient, user: string, password: string): Promise<void> {
  const k = server();
  const aor = `sip:${user}@${k.domain}`;
  const res = await send(c, {
    method: 'REGISTER', uri: `sip:${k.host}:${k.port}`, from: aor, to: aor, callId: `${token()}@raw`, fromTag: token(),
    extraHeaders: [`Contact: <sip:${user}@127.0.0.1:${c.localPort}>`, 'Expires: 120'],
  }, user, password);
  assert.is(res.status, 200, res.raw);
}

function bodyOf(message: string): string {
  return message.slice(message.indexOf('\r\n\r\n') + 4);
}

const bodyBytes = (message: string): Uint8Array => new TextEncoder().encode(bodyOf(message));

const PIDF = (entity: string, note: string): string => [
  '<?xml version="1.0" encoding="UTF-8"?>',
  `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">`,
  '<tuple id="t1"><status><basic>open</basic></status>',
  `<note>${note}</note></tuple></presence>`,
].join('\n');

if (skip) {
  test.skip('Kamailio presence server (kamailio not installed)', () => {});
} else {
  test('PUBLISH presence → 200 with SIP-ETag; a watcher SUBSCRIBE → 200 and a NOTIFY carrying the PIDF', async () => {
    const k = server();
    const alice = await client();
    const bob = await client();
    const aliceAor = `sip:alice@${k.domain}`;
    const published = await send(alice, {
      method: 'PUBLISH', uri: aliceAor, from: aliceAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Event: presence', 'Expires: 60', 'Content-Type: application/pidf+xml'],
      body: PIDF(aliceAor, 'at my desk'),
    }, 'alice', 'alicepw');
    assert.is(published.status, 200, published.raw);
    assert.ok(header(published, 'sip-etag'), 'SIP-ETag');

    const bobAor = `sip:bob@${k.domain}`;
    const subscribed = await send(bob, {
      method: 'SUBSCRIBE', uri: aliceAor, from: bobAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: presence', 'Accept: application/pidf+xml', 'Expires: 60'],
    }, 'bob', 'bobpw');
    assert.ok(subscribed.status === 200 || subscribed.status === 202, subscribed.raw);
    const notify = await bob.request(['NOTIFY'], 3000);
    bob.reply(notify, 200, 'OK');
    assert.match(notify, /Subscription-State:\s*active/i);
    const body = bodyOf(notify);
    assert.match(body, /<basic>open<\/basic>/);
    assert.match(body, /at my desk/);
    // Kamailio re-renders the PIDF: our reader must still see the tuple, basic and note.
    const reader = new PidfReader();
    assert.is(reader.read(bodyBytes(notify)), PresenceDocError.None);
    const doc = reader.document;
    assert.is(doc.tupleCount, 1);
    assert.is(doc.text(doc.tuples[0]!.id), 't1');
    assert.is(doc.tuples[0]!.basic, Basic.Open);
    assert.is(doc.text(doc.notes[doc.noteFor(0)]!.text), 'at my desk');
  });

  test('our PIDF writer\'s document (person on-the-phone) survives Kamailio: the watcher composes OnThePhone', async () => {
    const k = server();
    const carol = await client();
    const bob = await client();
    const carolAor = `sip:carol@${k.domain}`;
    const out = new Uint8Array(2048);
    const written = writePidf({
      entity: carolAor,
      tuples: [{ id: 'phone', basic: 'open', contact: `sip:carol@127.0.0.1:${carol.localPort}` }],
      person: { id: 'p', activities: ['on-the-phone'], note: 'On a call' },
    }, out);
    assert.ok(written.ok);
    const published = await send(carol, {
      method: 'PUBLISH', uri: carolAor, from: carolAor, to: carolAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Event: presence', 'Expires: 60', 'Content-Type: application/pidf+xml'],
      body: new TextDecoder().decode(out.subarray(0, written.val as number)),
    }, 'carol', 'carolpw');
    assert.is(published.status, 200, published.raw);
    const bobAor = `sip:bob@${k.domain}`;
    const subscribed = await send(bob, {
      method: 'SUBSCRIBE', uri: carolAor, from: bobAor, to: carolAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: presence', 'Accept: application/pidf+xml', 'Expires: 60'],
    }, 'bob', 'bobpw');
    assert.ok(subscribed.status === 200 || subscribed.status === 202, subscribed.raw);
    const notify = await bob.request(['NOTIFY'], 3000);
    bob.reply(notify, 200, 'OK');
    const reader = new PidfReader();
    assert.is(reader.read(bodyBytes(notify)), PresenceDocError.None, bodyOf(notify));
    const effective = composeEffectivePresence(reader.document, Date.now(), null, new EffectivePresence());
    assert.is(effective.state, PresenceDisplay.OnThePhone, bodyOf(notify));
  });

  test('dialog event package: alice PUBLISHes dialog-info (early, recipient); bob\'s BLF NOTIFY → Ringing with the caller', async () => {
    const k = server();
    const alice = await client();
    const bob = await client();
    const aliceAor = `sip:alice@${k.domain}`;
    const dialogInfo = [
      '<?xml version="1.0"?>',
      `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="${aliceAor}">`,
      '<dialog id="d1" call-id="c1" local-tag="l1" remote-tag="r1" direction="recipient"><state>early</state>',
      '<remote><identity display="Carol">sip:carol@127.0.0.1</identity></remote></dialog></dialog-info>',
    ].join('\n');
    const published = await send(alice, {
      method: 'PUBLISH', uri: aliceAor, from: aliceAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Event: dialog', 'Expires: 60', 'Content-Type: application/dialog-info+xml'],
      body: dialogInfo,
    }, 'alice', 'alicepw');
    assert.is(published.status, 200, published.raw);
    const bobAor = `sip:bob@${k.domain}`;
    const subscribed = await send(bob, {
      method: 'SUBSCRIBE', uri: aliceAor, from: bobAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 60'],
    }, 'bob', 'bobpw');
    assert.ok(subscribed.status === 200 || subscribed.status === 202, subscribed.raw);
    const notify = await bob.request(['NOTIFY'], 3000);
    bob.reply(notify, 200, 'OK');
    const reader = new DialogInfoReader();
    assert.is(reader.read(bodyBytes(notify)), PresenceDocError.None, bodyOf(notify));
    const key = new BusyLampTarget();
    key.apply(reader.document);
    assert.is(key.state, BlfState.Ringing, bodyOf(notify));
    assert.is(key.callerIdentity, 'sip:carol@127.0.0.1');
  });

  test('presence.winfo: alice sees bob as an active watcher; unsubscribe (Expires: 0) → terminated NOTIFY', async () => {
    const k = server();
    const alice = await client();
    const bob = await client();
    const aliceAor = `sip:alice@${k.domain}`;
    const bobAor = `sip:bob@${k.domain}`;
    const callId = `${token()}@raw`;
    const fromTag = token();
    const subscribeSpec = (expires: number) => ({
      method: 'SUBSCRIBE', uri: aliceAor, from: bobAor, to: aliceAor, callId, fromTag,
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: presence', `Expires: ${expires}`],
    });
    const subscribed = await send(bob, subscribeSpec(60), 'bob', 'bobpw');
    assert.is(subscribed.status, 200, subscribed.raw);
    bob.reply(await bob.request(['NOTIFY'], 3000), 200, 'OK');

    const winfo = await send(alice, {
      method: 'SUBSCRIBE', uri: aliceAor, from: aliceAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:alice@127.0.0.1:${alice.localPort}>`, 'Event: presence.winfo', 'Accept: application/watcherinfo+xml', 'Expires: 60'],
    }, 'alice', 'alicepw');
    assert.is(winfo.status, 200, winfo.raw);
    const notify = await alice.request(['NOTIFY'], 3000);
    alice.reply(notify, 200, 'OK');
    const reader = new WatcherinfoReader();
    assert.is(reader.read(bodyBytes(notify)), PresenceDocError.None, bodyOf(notify));
    const doc = reader.document;
    const watchers: string[] = [];
    for (let i = 0; i < doc.watcherCount; i++) watchers.push(`${doc.text(doc.watchers[i]!.uri)}:${doc.watchers[i]!.status}`);
    assert.ok(watchers.includes(`${bobAor}:${WatcherStatus.Active}`), watchers.join(', '));

    // Unsubscribe within the same dialog: To tag from the 200.
    const toTag = /;tag=([^;>\s]+)/.exec(header(subscribed, 'to') ?? '')?.[1];
    assert.ok(toTag, 'To tag in the 200');
    bob.send(buildRequest({
      method: 'SUBSCRIBE', uri: aliceAor, transport: 'UDP', localPort: bob.localPort, from: bobAor, to: aliceAor, toTag,
      callId, cseq: 10, fromTag, extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: presence', 'Expires: 0'],
    }));
    const last = await bob.request(['NOTIFY'], 3000);
    bob.reply(last, 200, 'OK');
    assert.match(last, /Subscription-State:\s*terminated/i);
  });

  test('voicemail PUBLISHes message-summary for alice → alice\'s MWI NOTIFY says Messages-Waiting: yes', async () => {
    const k = server();
    const alice = await client();
    const voicemail = await client();
    const aliceAor = `sip:alice@${k.domain}`;
    const summary = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@127.0.0.1\r\nVoice-Message: 2/8 (0/2)\r\n';
    const published = await send(voicemail, {
      method: 'PUBLISH', uri: aliceAor, from: `sip:voicemail@${k.domain}`, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Event: message-summary', 'Expires: 60', 'Content-Type: application/simple-message-summary'],
      body: summary,
    }, 'voicemail', 'voicemailpw');
    assert.is(published.status, 200, published.raw);

    const subscribed = await send(alice, {
      method: 'SUBSCRIBE', uri: aliceAor, from: aliceAor, to: aliceAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:alice@127.0.0.1:${alice.localPort}>`, 'Event: message-summary', 'Accept: application/simple-message-summary', 'Expires: 60'],
    }, 'alice', 'alicepw');
    assert.ok(subscribed.status === 200 || subscribed.status === 202, subscribed.raw);
    const notify = await alice.request(['NOTIFY'], 3000);
    alice.reply(notify, 200, 'OK');
    assert.match(bodyOf(notify), /Messages-Waiting:\s*yes/i);
    const mwi = new MessageSummary();
    const body = bodyBytes(notify);
    assert.is(parseMessageSummary(body, 0, body.length, mwi), MwiError.None, bodyOf(notify));
    assert.ok(mwi.lampOn);
    assert.is(mwi.count('voice-message', Count.New), 2);
    assert.is(mwi.count('voice-message', Count.Old), 8);
  });

  test('dialog SUBSCRIBE to a user nobody published for: force_dummy_dialog gives a document → BLF Idle, not Unknown', async () => {
    const k = server();
    const bob = await client();
    const carolAor = `sip:carol@${k.domain}`;
    const bobAor = `sip:bob@${k.domain}`;
    const subscribed = await send(bob, {
      method: 'SUBSCRIBE', uri: carolAor, from: bobAor, to: carolAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 60'],
    }, 'bob', 'bobpw');
    assert.is(subscribed.status, 200, subscribed.raw);
    const notify = await bob.request(['NOTIFY'], 3000);
    bob.reply(notify, 200, 'OK');
    const reader = new DialogInfoReader();
    assert.is(reader.read(bodyBytes(notify)), PresenceDocError.None, bodyOf(notify));
    const key = new BusyLampTarget();
    key.apply(reader.document);
    assert.is(key.state, BlfState.Idle, bodyOf(notify));
  });

  test('message-summary SUBSCRIBE before anyone published: the NOTIFY body is empty → EmptyBody, lamp stays off', async () => {
    const k = server();
    const bob = await client();
    const bobAor = `sip:bob@${k.domain}`;
    const subscribed = await send(bob, {
      method: 'SUBSCRIBE', uri: bobAor, from: bobAor, to: bobAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: [`Contact: <sip:bob@127.0.0.1:${bob.localPort}>`, 'Event: message-summary', 'Expires: 60'],
    }, 'bob', 'bobpw');
    assert.is(subscribed.status, 200, subscribed.raw);
    const notify = await bob.request(['NOTIFY'], 3000);
    bob.reply(notify, 200, 'OK');
    const mwi = new MessageSummary();
    const body = bodyBytes(notify);
    assert.is(parseMessageSummary(body, 0, body.length, mwi), MwiError.EmptyBody, JSON.stringify(bodyOf(notify)));
    assert.not.ok(mwi.lampOn);
  });

  test('MESSAGE from alice is relayed to registered bob; bob\'s 200 comes back to alice', async () => {
    const k = server();
    const alice = await client();
    const bob = await client();
    await registerUser(bob, 'bob', 'bobpw');
    const aliceAor = `sip:alice@${k.domain}`;
    const bobAor = `sip:bob@${k.domain}`;
    // Serve bob while alice's transaction is open: Kamailio relays and waits for bob's answer.
    const relayed = bob.request(['MESSAGE'], 3000).then((msg) => { bob.reply(msg, 200, 'OK'); return msg; });
    const res = await send(alice, {
      method: 'MESSAGE', uri: bobAor, from: aliceAor, to: bobAor, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Content-Type: text/plain'], body: 'Watson, come here.',
    }, 'alice', 'alicepw');
    const msg = await relayed;
    assert.is(bodyOf(msg), 'Watson, come here.');
    assert.is(res.status, 200, res.raw);
  });

  test('MESSAGE to a user who is not registered → 404/480, not a hang', async () => {
    const k = server();
    const alice = await client();
    const aliceAor = `sip:alice@${k.domain}`;
    const res = await send(alice, {
      method: 'MESSAGE', uri: `sip:carol@${k.domain}`, from: aliceAor, to: `sip:carol@${k.domain}`, callId: `${token()}@raw`, fromTag: token(),
      extraHeaders: ['Content-Type: text/plain'], body: 'anyone?',
    }, 'alice', 'alicepw');
    assert.ok(res.status === 404 || res.status === 480, `status ${res.status}`);
  });
}

test.run();
