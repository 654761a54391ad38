import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventPackageRegistry } from '../../core/event/index.js';

test('Allow-Events and Accept come from the registry; unknown packages are refused', () => {
  const r = new EventPackageRegistry();
  assert.is(r.allowEvents(), 'presence, presence.winfo, dialog, message-summary');
  assert.is(r.acceptFor('Presence'), 'application/pidf+xml, application/rlmi+xml, multipart/related');
  assert.ok(r.accepts('message-summary', 'application/simple-message-summary'));
  assert.ok(r.accepts('dialog', 'application/dialog-info+xml; charset=UTF-8'));
  assert.ok(r.accepts('presence', ''), 'a NOTIFY without a body is fine');
  assert.not.ok(r.accepts('presence', 'text/plain'));
  assert.not.ok(r.accepts('conference', 'application/conference-info+xml'), 'unknown package → 489');
  r.register({ name: 'conference', accept: ['application/conference-info+xml'], defaultExpires: 600, notifier: false });
  assert.ok(r.accepts('conference', 'application/conference-info+xml'));
  assert.is(r.find('CONFERENCE')?.defaultExpires, 600);
});

test.run();
