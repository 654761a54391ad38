// docs/porting.md §2, "How the host loop drives the core": this file is the guide's sample, type-checked
// with the project (npm test) and compared with the guide by test/docs/porting-sample.test.ts.
import type { HostBindings } from 'hardphone/platform/host';
import { Outgoing, type UserAgentBase, type UaEvent } from 'hardphone/core/ua';
import type { IndicatorScheduler, IndicatorInput } from 'hardphone/core/indicators';
import { KeyPressTracker, defaultKeyMap, type AppCommand } from 'hardphone/core/keys';

/** Your application: what it does with UA events and key commands (tools/build/app/phone-app.ts is a whole one). */
export interface PhoneApplication {
  onEvent(e: UaEvent): void;
  onCommand(c: AppCommand): void;
  indicatorInput(): IndicatorInput;
}

/** Starts the phone's host loop; the function it returns stops it (ECMA-419: close what you opened). */
export function runPhone(host: HostBindings, ua: UserAgentBase, indicators: IndicatorScheduler, app: PhoneApplication, blfTargets: string[]): () => void {
  const rx = new Uint8Array(65535);            // one receive buffer, reused for every datagram
  const out = new Outgoing();                  // one transmit record, refilled by every pollTransmit
  const keys = new KeyPressTracker(defaultKeyMap({ blfTargets }));
  const timer = new host.Timer({ onExpired: (now) => { ua.handleTimeout(now); keys.handleTimeout(now); indicators.poll(now); drain(); } });
  const udp = new host.network.UDP({
    address: ua.config.localAddress,            // where the UA's Via and Contact say it listens
    port: ua.config.localPort,
    onReadable() {
      for (let n = this.read(rx); n !== undefined; n = this.read(rx)) {
        if (n > rx.length) continue;           // truncated: larger than any message we accept
        ua.handleDatagram(rx, 0, n, { transport: 'udp', address: this.remoteAddress!, port: this.remotePort! }, host.clock.now());
      }
      drain();
    },
  });
  const keyInput = host.keys && new host.keys({
    onKey(role, pressed, at) {
      if (pressed) keys.handlePress(role, at); else keys.handleRelease(role, at);
      drain();
    },
  });

  function drain(): void {
    for (;;) {
      // 1. transmit: out.bytes is a pool slot, so send it before the next call into the UA
      while (ua.pollTransmit(out)) {
        try {
          udp.write(out.bytes.subarray(out.off, out.off + out.len), out.endpoint.address, out.endpoint.port);
        } catch {
          if (out.token !== -1) ua.handleSendFailed(out.token, host.clock.now());
        }
      }
      // 2. timeout: the earliest deadline; the UA says Infinity for "none", keys and indicators -1
      let at = ua.pollTimeout();
      const keyAt = keys.pollTimeout(), lampAt = indicators.pollTimeout();
      if (keyAt >= 0 && keyAt < at) at = keyAt;
      if (lampAt >= 0 && lampAt < at) at = lampAt;
      if (at !== Infinity) timer.schedule(at); else timer.cancel();
      // 3. events (pollEvent returns undefined when there is none, pollAction null)
      let busy = false;
      for (let e = ua.pollEvent(); e !== undefined; e = ua.pollEvent()) { busy = true; app.onEvent(e); indicators.update(app.indicatorInput(), host.clock.now()); }
      for (let a = keys.pollAction(); a !== null; a = keys.pollAction()) { busy = true; app.onCommand(a.command); }
      if (!busy) return;                       // nothing new: back to the event loop
    }
  }
  drain();
  return () => { udp.close(); timer.close(); keyInput?.close(); };
}
