// One IM scenario, run both on Node and inside QuickJS (quickjs-im.test.ts): documents read
// from the corpus, both machines in virtual time, the store, text decoding. Plain data out.
import { IsComposingReader, writeIsComposing } from '../../core/im/iscomposing.js';
import { IsComposingMachine } from '../../core/im/iscomposing-machine.js';
import { ImdnReader, ImdnRequest, readImdnRequest } from '../../core/im/imdn.js';
import { ImdnMachine } from '../../core/im/imdn-machine.js';
import { CpimView, parseCpim } from '../../core/im/cpim.js';
import { ConversationStore } from '../../core/im/conversation-store.js';
import { decodeTextBody } from '../../core/im/text-body.js';
import { classifyBody } from '../../core/im/body-kind.js';
import { formatRfc3339 } from '../../core/im/datetime.js';
import { NO_DEADLINE } from '../../core/timers/deadline-heap.js';

export interface ScenarioInput { readonly iscomposing: number[][]; readonly cpim: number[][] }

export function scenario(input: ScenarioInput): unknown[] {
  const out: unknown[] = [];
  const isc = new IsComposingReader();
  for (const doc of input.iscomposing) {
    const code = isc.read(new Uint8Array(doc));
    out.push([code, isc.state, isc.refresh, isc.lastActive, isc.contentType]);
  }
  const view = new CpimView();
  const req = new ImdnRequest();
  const imdn = new ImdnReader();
  for (const msg of input.cpim) {
    const b = new Uint8Array(msg);
    const c = parseCpim(b, 0, b.length, view, { allowMissingSeparator: true });
    out.push([c, readImdnRequest(view, req), req.messageId, req.dispositions, imdn.read(b, view.bodyOff, view.bodyOff + view.bodyLen), imdn.messageId, imdn.status]);
  }
  const m = new IsComposingMachine({ enabled: true });
  for (let t = 0; t <= 130_000; t += 10_000) {
    for (let d = m.nextDeadline(); d !== NO_DEADLINE && d <= t; d = m.nextDeadline()) m.handleTimeout(d);
    m.localTyping('sip:bob@h', t);
  }
  for (let d = m.nextDeadline(); d !== NO_DEADLINE; d = m.nextDeadline()) m.handleTimeout(d);
  for (let a = m.pollAction(); a; a = m.pollAction()) out.push(['isc', a.state, a.lastActive]);
  const doc = new Uint8Array(256);
  const w = writeIsComposing(doc, 0, { state: 'idle', lastActive: 1_043_664_180_000 });
  out.push(w.ok ? isc.read(doc, 0, w.val) : -1, isc.lastActive);
  const im = new ImdnMachine();
  im.messageReceived('sip:alice@h', '34jk324j', '2006-04-04T12:16:49-05:00', 5, 'im:bob@h');
  im.markDisplayed('34jk324j');
  for (let a = im.pollAction(); a; a = im.pollAction()) out.push(['imdn', a.notification, a.status]);
  const store = new ConversationStore({ capacityPerConversation: 2, maxConversations: 1 });
  const a = store.addOutgoing('sip:bob@h', 'a', 1);
  const b = store.addOutgoing('sip:bob@h', 'b', 2);
  out.push(store.addOutgoing('sip:bob@h', 'c', 3).val);
  if (a.ok) out.push(store.apply(a.val, 'delivered', 4).val);
  if (b.ok) out.push(store.apply(b.val, 'retry', 5).val);
  out.push(store.addOutgoing('sip:bob@h', 'c', 6).ok, store.list('sip:bob@h').map((x) => x.text).join(''));
  const latin = decodeTextBody(new Uint8Array([0x47, 0x72, 0xfc, 0xdf, 0x65]), 0, 5, 'text/plain; charset=ISO-8859-1');
  out.push(latin.ok ? latin.val.text : latin.val.code, classifyBody('application/im-iscomposing+xml'), formatRfc3339(1_144_171_009_000));
  return out;
}
