// BLF keys from the RFC 4235 §6 dialog-info examples, plus the subscription side: a failed
// subscription shows Unknown, never Idle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BlfKeys, BlfKeyUpdate, BlfState, DEFAULT_BLF_KEYS_CONFIG } from '../../core/packages/blf-keys.js';
import { bodyFile, enc } from './helpers.js';

const DIALOG_INFO = enc('application/dialog-info+xml');
const names = Object.keys(BlfState);

function feed(keys: BlfKeys, index: number, file: string): { update: number; state: string } {
  const body = bodyFile(`rfc4235/${file}`);
  const update = keys.onDialogNotify(index, DIALOG_INFO, 0, DIALOG_INFO.length, body, 0, body.length);
  return { update, state: names[keys.keys[index]!.state]! };
}

test('a configured key is Unknown until its subscription delivers', () => {
  const keys = new BlfKeys();
  assert.ok(keys.configure(0, 'sip:alice@example.com', 'Alice'));
  assert.is(keys.keys[0]!.state, BlfState.Unknown);
  assert.is(keys.find(enc('sip:alice@example.com')), 0);
  assert.not.ok(keys.configure(DEFAULT_BLF_KEYS_CONFIG.keys, 'sip:x@y', 'out of range'));
});

test('RFC 4235 §6.1: Alice calls Bob — trying, early (forked), confirmed, terminated', () => {
  const keys = new BlfKeys();
  keys.configure(0, 'sip:alice@example.com', 'Alice');
  keys.onSubscription(0, 'subscribing', '');
  keys.onSubscription(0, 'active', '');
  const seen = ['L1100', 'L1123', 'L1147', 'L1167', 'L1184'].map((l) => feed(keys, 0, `body-6.1-${l}-dialog-info.xml`));
  assert.equal(seen.map((s) => s.state), ['Dialling', 'Dialling', 'Dialling', 'Busy', 'Idle']);
  assert.equal(seen.map((s) => s.update), [0, 0, 0, 0, 0]);
  // Replaying an old version changes nothing.
  assert.equal(feed(keys, 0, 'body-6.1-L1167-dialog-info.xml'), { update: BlfKeyUpdate.Stale, state: 'Idle' });
});

test('RFC 4235 §6.2: shared line — outgoing call, a transfer to Cathy, hold, hang-up; the RFC\'s own errors', () => {
  const keys = new BlfKeys();
  keys.configure(2, 'sip:alice@example.com', 'Line 1');
  keys.onSubscription(2, 'subscribing', '');
  keys.onSubscription(2, 'active', '');
  const run = (l: string) => feed(keys, 2, `body-6.2-${l}-dialog-info.xml`);
  assert.equal(run('L1205'), { update: BlfKeyUpdate.Applied, state: 'Idle' }, 'version 0, full, no dialogs');
  assert.equal(run('L1213'), { update: BlfKeyUpdate.Applied, state: 'Dialling' });
  assert.equal(run('L1224'), { update: BlfKeyUpdate.Applied, state: 'Dialling' });
  assert.equal(run('L1245'), { update: BlfKeyUpdate.Applied, state: 'Dialling' }, 'early, direction initiator: Alice hears ringback');
  assert.equal(run('L1261'), { update: BlfKeyUpdate.Applied, state: 'Busy' });
  // L1290: direction="receiver" is not in the schema (the RFC's error); the confirmed call with
  // Cathy is still a busy line, and the key knows who Alice talks to.
  assert.equal(run('L1290'), { update: BlfKeyUpdate.Applied, state: 'Busy' });
  assert.is(keys.keys[2]!.lamp.callerDisplay, 'Cathy Jones');
  assert.is(keys.keys[2]!.lamp.callerIdentity, 'sip:cjones@example.net');
  assert.equal(run('L1327'), { update: BlfKeyUpdate.Applied, state: 'Busy' });
  // L1345 (hold: +sip.rendering=no) is not well-formed as printed (<target/> then </target>).
  assert.equal(run('L1345'), { update: BlfKeyUpdate.BadBody, state: 'Busy' });
  assert.is(keys.lastBodyError, 1);
  // So version 8 arrives after 6: applied, but the key asks for full state.
  assert.equal(run('L1363'), { update: BlfKeyUpdate.NeedResubscribe, state: 'Dialling' });
  assert.equal(run('L1379'), { update: BlfKeyUpdate.Applied, state: 'Idle' }, 'full state, no dialogs');
});

test('hold from a well-formed L1345: confirmed + local +sip.rendering=no is Held', () => {
  const keys = new BlfKeys();
  keys.configure(0, 'sip:alice@example.com', 'Alice');
  keys.onSubscription(0, 'active', '');
  feed(keys, 0, 'body-6.2-L1205-dialog-info.xml');
  const fixed = Buffer.from(bodyFile('rfc4235/body-6.2-L1345-dialog-info.xml')).toString('utf8').replace(/(<target uri="[^"]*")\/>/, '$1>');
  for (const v of ['1', '2', '3', '4', '5', '6']) {
    const d = enc(`<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${v}" state="partial" entity="sip:alice@example.com"/>`);
    keys.onDialogNotify(0, DIALOG_INFO, 0, DIALOG_INFO.length, d, 0, d.length);
  }
  const body = enc(fixed);
  assert.is(keys.onDialogNotify(0, DIALOG_INFO, 0, DIALOG_INFO.length, body, 0, body.length), BlfKeyUpdate.Applied);
  assert.is(keys.keys[0]!.state, BlfState.Held);
});

test('ringing with the caller; several dialogs per key are bounded; the strongest shows', () => {
  const keys = new BlfKeys({ ...DEFAULT_BLF_KEYS_CONFIG, blf: { maxDialogs: 2, idBytes: 16, identityBytes: 64, displayBytes: 32 } });
  keys.configure(1, 'sip:bob@example.com', 'Bob');
  keys.onSubscription(1, 'active', '');
  const doc = (v: number, dialogs: string) => enc(`<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${v}" state="full" entity="sip:bob@example.com">${dialogs}</dialog-info>`);
  const d = (id: string, state: string, dir: string, who = '') => `<dialog id="${id}" direction="${dir}"><state>${state}</state>${who ? `<remote><identity display="${who}">sip:${who.toLowerCase()}@example.com</identity></remote>` : ''}</dialog>`;
  const send = (b: Uint8Array) => keys.onDialogNotify(1, DIALOG_INFO, 0, DIALOG_INFO.length, b, 0, b.length);
  assert.is(send(doc(1, d('a', 'confirmed', 'initiator'))), BlfKeyUpdate.Applied);
  assert.is(keys.keys[1]!.state, BlfState.Busy);
  assert.is(send(doc(2, d('a', 'confirmed', 'initiator') + d('b', 'early', 'recipient', 'Carol'))), BlfKeyUpdate.Applied);
  assert.is(keys.keys[1]!.state, BlfState.Ringing, 'a second call ringing shows even during a call');
  assert.is(keys.keys[1]!.lamp.callerDisplay, 'Carol');
  assert.is(send(doc(3, d('a', 'confirmed', 'initiator') + d('b', 'early', 'recipient', 'Carol') + d('c', 'early', 'recipient', 'Dan'))), BlfKeyUpdate.Applied);
  assert.is(keys.keys[1]!.lamp.activeDialogs, 2, 'bounded at maxDialogs');
  assert.ok(keys.keys[1]!.lamp.dropped >= 1);
  // Empty bodies and other types change nothing.
  assert.is(keys.onDialogNotify(1, DIALOG_INFO, 0, DIALOG_INFO.length, new Uint8Array(0), 0, 0), BlfKeyUpdate.NoChange);
  const pidfType = enc('application/pidf+xml');
  const any = doc(4, '');
  assert.is(keys.onDialogNotify(1, pidfType, 0, pidfType.length, any, 0, any.length), BlfKeyUpdate.WrongType);
  assert.is(keys.keys[1]!.state, BlfState.Ringing);
  assert.is(keys.onDialogNotify(5, DIALOG_INFO, 0, DIALOG_INFO.length, any, 0, any.length), BlfKeyUpdate.NoKey);
});

test('subscription failure → Unknown (not Idle); a fresh subscription restarts versions', () => {
  const keys = new BlfKeys();
  keys.configure(0, 'sip:alice@example.com', 'Alice');
  keys.onSubscription(0, 'subscribing', '');
  keys.onSubscription(0, 'active', '');
  feed(keys, 0, 'body-6.2-L1205-dialog-info.xml');
  feed(keys, 0, 'body-6.2-L1213-dialog-info.xml');
  assert.is(keys.keys[0]!.state, BlfState.Dialling);
  keys.onSubscription(0, 'failed', '404');
  assert.is(keys.keys[0]!.state, BlfState.Unknown);
  assert.is(keys.keys[0]!.reason.text(), '404');
  // Backing off after a timeout is not Idle either.
  keys.onSubscription(0, 'subscribing', '');
  keys.onSubscription(0, 'active', '');
  assert.equal(feed(keys, 0, 'body-6.2-L1205-dialog-info.xml'), { update: BlfKeyUpdate.Applied, state: 'Idle' }, 'version 0 accepted again after resubscribing');
  keys.onSubscription(0, 'backing-off', 'timeout');
  assert.is(keys.keys[0]!.state, BlfState.Unknown);
  // Refreshing keeps the state (the subscription is still live).
  keys.onSubscription(0, 'subscribing', '');
  keys.onSubscription(0, 'active', '');
  feed(keys, 0, 'body-6.2-L1205-dialog-info.xml');
  keys.onSubscription(0, 'refreshing', '');
  assert.is(keys.keys[0]!.state, BlfState.Idle);
  // 481 to a refresh: the machine starts a new dialog straight from a live state; its first
  // NOTIFY (version 0 again) must not be taken for a stale one.
  feed(keys, 0, 'body-6.2-L1213-dialog-info.xml');
  keys.onSubscription(0, 'subscribing', '');
  assert.is(keys.keys[0]!.state, BlfState.Dialling, 'the last state stays while resubscribing');
  keys.onSubscription(0, 'active', '');
  assert.equal(feed(keys, 0, 'body-6.2-L1205-dialog-info.xml'), { update: BlfKeyUpdate.Applied, state: 'Idle' });
});

test.run();
