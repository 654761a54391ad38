// The baresip interop flows, written against InteropPeer so they run with the raw client today
// and with the project's UA later. Each returns what happened; the test decides what to assert.
import type { Baresip, IncomingMessage } from './harness.js';
import type { InteropPeer, PresenceWatch, ReceivedMessage } from './peer.js';

/** peer → Kamailio → baresip: the peer's final status and what baresip printed. */
export async function messageToBaresip(peer: InteropPeer, baresip: Baresip, text: string, timeoutMs = 4000): Promise<{ status: number; received: IncomingMessage }> {
  const [status, received] = await Promise.all([
    peer.sendMessage(baresip.aor, text, timeoutMs),
    baresip.waitForMessage((m) => m.body === text, timeoutMs),
  ]);
  return { status, received };
}

/** baresip (ctrl_tcp `message`) → Kamailio → peer, which answers 200. */
export async function messageFromBaresip(baresip: Baresip, peer: InteropPeer, text: string, timeoutMs = 4000): Promise<ReceivedMessage> {
  const [received] = await Promise.all([
    peer.receiveMessage(timeoutMs),
    baresip.sendMessage(peer.aor, text, timeoutMs),
  ]);
  return received;
}

/** peer SUBSCRIBEs to baresip's presence (published by baresip with `pubint`) and waits for a
 *  NOTIFY whose PIDF has a tuple with `<basic>` = `basic`; resolves with the subscription (to
 *  wait for later states) and all basic values of that NOTIFY. */
export async function watchBaresipPresence(peer: InteropPeer, baresip: Baresip, basic: 'open' | 'closed', timeoutMs = 5000): Promise<{ watch: PresenceWatch; basics: readonly string[] }> {
  const watch = await peer.watchPresence(baresip.aor, timeoutMs);
  const basics = await watch.until((b) => b.includes(basic), timeoutMs);
  return { watch, basics };
}

/** baresip watches the peer (contact with `watch: true`): the peer PUBLISHes `basic` and
 *  baresip's contact list shows it ("Online" for open, "Offline" for closed). Resolves with the
 *  PUBLISH status once baresip shows the state. */
export async function baresipSeesPresence(peer: InteropPeer, baresip: Baresip, basic: 'open' | 'closed', timeoutMs = 5000): Promise<number> {
  const status = await peer.publishPresence(basic, basic === 'open' ? 'at my desk' : 'gone home', timeoutMs);
  await baresip.waitForContactStatus(peer.aor, basic === 'open' ? 'Online' : 'Offline', timeoutMs);
  return status;
}
