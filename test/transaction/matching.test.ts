// §17.1.3 and §17.2.3 matching, the RFC 2543 fallback, capacity and stale ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TxDriver } from '../support/tx-driver.js';
import { encode, tinyAckBuilder, tinyKey, tinyRequest } from '../support/tiny-sip.js';
import {
  TransactionKey, TransactionEngine, OutgoingRequest, hashBytes,
  EVENT_ACK, EVENT_REQUEST, EVENT_RESPONSE,
  DISPOSITION_ABSORBED, DISPOSITION_CREATED, DISPOSITION_MALFORMED, DISPOSITION_NO_MATCH,
  DISPOSITION_OVERLOADED, DISPOSITION_STRAY_ACK,
  STATE_CONFIRMED,
  TX_ERROR_BAD_BRANCH, TX_ERROR_BAD_METHOD, TX_ERROR_CAPACITY, TX_ERROR_DUPLICATE, TX_ERROR_NO_ACK_BUILDER, TX_ERROR_UNKNOWN_TRANSACTION,
  METHOD_ACK, METHOD_CANCEL, METHOD_INVITE, METHOD_MESSAGE, METHOD_OPTIONS,
} from '../../core/transaction/index.js';

test('client: a response matches on branch AND CSeq method (INVITE vs its CANCEL share the branch)', () => {
  const d = new TxDriver({}, tinyAckBuilder);
  const invite = d.send(METHOD_INVITE, 'z9hG4bK-x');
  const cancel = d.send(METHOD_CANCEL, 'z9hG4bK-x');
  assert.ok(invite >= 0 && cancel >= 0 && invite !== cancel);
  d.receiveResponse(200, 'z9hG4bK-x', METHOD_CANCEL);
  d.receiveResponse(487, 'z9hG4bK-x', METHOD_INVITE);
  const r = d.eventsOf(EVENT_RESPONSE);
  assert.equal(r.map((e) => [e.txId, e.status]), [[cancel, 200], [invite, 487]]);
});

test('client: unknown branch, prefix-equal branch and wrong method do not match (§18.1.2 discard)', () => {
  const d = new TxDriver();
  d.send(METHOD_OPTIONS, 'z9hG4bK-abc');
  assert.is(d.receiveResponse(200, 'z9hG4bK-ab', METHOD_OPTIONS), DISPOSITION_NO_MATCH);
  assert.is(d.receiveResponse(200, 'z9hG4bK-abcd', METHOD_OPTIONS), DISPOSITION_NO_MATCH);
  assert.is(d.receiveResponse(200, 'z9hG4bK-abc', METHOD_MESSAGE), DISPOSITION_NO_MATCH);
  assert.is(d.eventsOf(EVENT_RESPONSE).length, 0);
  const key = new TransactionKey();
  key.statusCode = 99;
  assert.is(d.engine.handleResponse(key, new Uint8Array(0), 0, 0, 0), DISPOSITION_MALFORMED);
});

test('client: branches longer than maxBranchBytes still match exactly', () => {
  const d = new TxDriver({ maxBranchBytes: 8 });
  const long1 = 'z9hG4bK-' + 'a'.repeat(40) + '1';
  const long2 = 'z9hG4bK-' + 'a'.repeat(40) + '2';
  const a = d.send(METHOD_OPTIONS, long1);
  const b = d.send(METHOD_OPTIONS, long2);
  d.receiveResponse(200, long2, METHOD_OPTIONS);
  d.receiveResponse(200, long1, METHOD_OPTIONS);
  assert.equal(d.eventsOf(EVENT_RESPONSE).map((e) => e.txId), [b, a]);
});

test('client: command errors — ACK, INVITE without an AckBuilder, duplicate branch, capacity', () => {
  const d = new TxDriver({ maxTransactions: 2 });
  assert.is(d.send(METHOD_ACK, 'z9hG4bK-1'), TX_ERROR_BAD_METHOD);
  assert.is(d.send(METHOD_INVITE, 'z9hG4bK-1'), TX_ERROR_NO_ACK_BUILDER);
  assert.ok(d.send(METHOD_OPTIONS, 'z9hG4bK-1') >= 0);
  assert.is(d.send(METHOD_OPTIONS, 'z9hG4bK-1'), TX_ERROR_DUPLICATE);
  assert.ok(d.send(METHOD_OPTIONS, 'z9hG4bK-2') >= 0);
  assert.is(d.send(METHOD_OPTIONS, 'z9hG4bK-3'), TX_ERROR_CAPACITY);
  assert.is(d.receiveRequest(METHOD_MESSAGE, 'z9hG4bK-srv'), DISPOSITION_OVERLOADED);
  assert.is(d.send(METHOD_OPTIONS, 'nocookie'), TX_ERROR_BAD_BRANCH, '§8.1.1.7');
  const req = new OutgoingRequest();
  req.methodId = METHOD_OPTIONS;
  req.branchBuf = encode('z9hG4bK-4');
  req.branchLen = req.branchBuf.length;
  const result = d.engine.sendRequest(req, 0);
  assert.ok(result.err);
  assert.is(result.val, TX_ERROR_CAPACITY);
});

test('stale ids are rejected after the slot is reused', () => {
  const d = new TxDriver({ maxTransactions: 1 });
  const first = d.send(METHOD_OPTIONS, 'z9hG4bK-1', 1, true);
  d.receiveResponse(200, 'z9hG4bK-1', METHOD_OPTIONS);
  const second = d.send(METHOD_OPTIONS, 'z9hG4bK-2', 1, true);
  assert.ok(second >= 0 && second !== first);
  assert.is(d.engine.handleTransportError(first, 0), TX_ERROR_UNKNOWN_TRANSACTION);
  assert.is(d.engine.stateOf(first), 0);
});

test('server: branch + sent-by + method (§17.2.3); ACK matches the INVITE; CANCEL is its own transaction', () => {
  const d = new TxDriver();
  assert.is(d.receiveRequest(METHOD_INVITE, 'z9hG4bK-y', 1, false, 'a.example:5060'), DISPOSITION_CREATED);
  // Same branch from another host: a different transaction.
  assert.is(d.receiveRequest(METHOD_INVITE, 'z9hG4bK-y', 1, false, 'b.example:5060'), DISPOSITION_CREATED);
  // Sent-by compares case-insensitively (hashBytesCaseless in the key).
  assert.is(d.receiveRequest(METHOD_INVITE, 'z9hG4bK-y', 1, false, 'A.EXAMPLE:5060'), DISPOSITION_ABSORBED);
  const [a, b] = d.eventsOf(EVENT_REQUEST).map((e) => e.txId);
  assert.is(d.receiveRequest(METHOD_CANCEL, 'z9hG4bK-y', 1, false, 'b.example:5060'), DISPOSITION_CREATED);
  const cancelKey = new TransactionKey();
  tinyKey(tinyRequest(METHOD_CANCEL, 'z9hG4bK-y', 'b.example:5060', 1), cancelKey);
  assert.is(d.engine.findInviteServerFor(cancelKey), b!, '§9.2: the CANCEL targets the INVITE from the same sent-by');
  d.respond(a!, 486, METHOD_INVITE, 'z9hG4bK-y');
  assert.is(d.receiveRequest(METHOD_ACK, 'z9hG4bK-y', 1, false, 'a.example:5060'), DISPOSITION_ABSORBED);
  assert.is(d.engine.stateOf(a!), STATE_CONFIRMED);
  assert.is(d.eventsOf(EVENT_REQUEST).length, 3);
});

/** RFC 2543 keys: no magic cookie; the caller hashes Request-URI, From tag, Call-ID, CSeq number and top Via. */
function legacyKey(k: TransactionKey, dialog: string, toTag: string): void {
  const b = encode(dialog);
  k.legacyHash = hashBytes(b, 0, b.length);
  const t = encode(toTag);
  k.toTagHash = toTag ? hashBytes(t, 0, t.length) : 0;
}

test('RFC 2543 fallback (§17.2.3): no magic cookie → match on URI, tags, Call-ID, CSeq and top Via', () => {
  const d = new TxDriver();
  const dialogA = 'sip:bob@x|fromtag1|call-1@x|1|SIP/2.0/UDP a.example';
  assert.is(d.receiveRequest(METHOD_INVITE, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, '')), DISPOSITION_CREATED);
  const id = d.eventsOf(EVENT_REQUEST)[0]!.txId;
  // A retransmission: identical fields.
  assert.is(d.receiveRequest(METHOD_INVITE, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, '')), DISPOSITION_ABSORBED);
  // A branch-less copy still matches (the branch plays no part in the fallback).
  assert.is(d.receiveRequest(METHOD_INVITE, '-', 1, false, 'a.example', (k) => legacyKey(k, dialogA, '')), DISPOSITION_ABSORBED);
  // Another Call-ID: a new transaction.
  assert.is(d.receiveRequest(METHOD_INVITE, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA.replace('call-1', 'call-2'), '')), DISPOSITION_CREATED);
  // A To tag on the request makes it a different request (a re-INVITE).
  assert.is(d.receiveRequest(METHOD_INVITE, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, 'tt')), DISPOSITION_CREATED);
  d.respond(id, 486, METHOD_INVITE, 'oldbranch1', hashBytes(encode('totag-9'), 0, 7));
  // An ACK whose To tag differs from our response's is not ours.
  assert.is(d.receiveRequest(METHOD_ACK, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, 'other')), DISPOSITION_STRAY_ACK);
  assert.is(d.receiveRequest(METHOD_ACK, 'oldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, 'totag-9')), DISPOSITION_ABSORBED);
  assert.is(d.engine.stateOf(id), STATE_CONFIRMED);
  assert.is(d.eventsOf(EVENT_ACK).length, 1);
  // A cookie branch never matches a legacy transaction, even with the same hashes.
  assert.is(d.receiveRequest(METHOD_INVITE, 'z9hG4bKoldbranch1', 1, false, 'a.example', (k) => legacyKey(k, dialogA, '')), DISPOSITION_CREATED);
});

test('RFC 2543 CANCEL finds its INVITE ignoring the To tag (§9.2)', () => {
  const d = new TxDriver();
  const dialog = 'sip:bob@x|f|c|7|via';
  d.receiveRequest(METHOD_INVITE, 'legacy', 7, false, 'h', (k) => legacyKey(k, dialog, ''));
  const invite = d.eventsOf(EVENT_REQUEST)[0]!.txId;
  const k = new TransactionKey();
  tinyKey(tinyRequest(METHOD_CANCEL, 'legacy', 'h', 7), k);
  legacyKey(k, dialog, 'sometag');
  assert.is(d.engine.findInviteServerFor(k), invite);
});

test('10k live transactions: the hash index finds every one and survives random removals', () => {
  const n = 10_000;
  const engine = new TransactionEngine({ maxTransactions: n });
  const req = new OutgoingRequest();
  const key = new TransactionKey();
  const branches: Uint8Array[] = [];
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = encode(`z9hG4bK-${(i * 7919) % 100003}`);
    branches.push(b);
    req.methodId = METHOD_OPTIONS;
    req.bytes = b; req.off = 0; req.len = b.length;
    req.branchBuf = b; req.branchOff = 0; req.branchLen = b.length;
    req.reliable = true;
    ids.push(engine.startClient(req, 0));
  }
  assert.ok(ids.every((id) => id >= 0));
  assert.is(engine.liveCount, n);
  // Remove every third by a final response, then check the rest still match and removed ones do not.
  key.statusCode = 200;
  key.cseqMethodId = METHOD_OPTIONS;
  for (let i = 0; i < n; i += 3) {
    key.setBranch(branches[i]!, 0, branches[i]!.length);
    assert.is(engine.handleResponse(key, branches[i]!, 0, 1, 1), 1);
  }
  key.statusCode = 100;
  for (let i = 0; i < n; i++) {
    key.setBranch(branches[i]!, 0, branches[i]!.length);
    const disposition = engine.handleResponse(key, branches[i]!, 0, 1, 2);
    assert.is(disposition, i % 3 === 0 ? DISPOSITION_NO_MATCH : 1, `branch ${i}`);
  }
  assert.is(engine.liveCount, n - Math.ceil(n / 3));
});

test.run();
