// Firmware entry for script engines (QuickJS, XS): exposes `globalThis.hardphoneApp`, which
// starts a PhoneApp on the engine's `globalThis.host` (installed by the host before this bundle:
// platform/quickjs's shim, or nodeHost() under Node). Configuration comes in as JSON text, already
// decoded and checked by the host-side tooling (boards/, io-ts), so no decoder ships on the device.
import type { HostBindings } from '../../../platform/host/host.js';
import { PhoneApp, type PhoneAppConfig, type PhoneAppStatus } from './phone-app.js';

let app: PhoneApp | null = null;

const api = {
  start(configJson: string): boolean {
    if (app !== null) return false;
    const host = (globalThis as unknown as { host?: HostBindings }).host;
    if (host === undefined) throw new Error('hardphoneApp.start: no globalThis.host (install the host bindings first)');
    app = new PhoneApp(host, JSON.parse(configJson) as PhoneAppConfig);
    return true;
  },
  /** Subscribes each target to `event`; returns how many subscriptions were accepted. */
  watch(targets: readonly string[], event: string): number {
    let ok = 0;
    for (const t of targets) if (app !== null && app.watch(t, event) >= 0) ok++;
    return ok;
  },
  status(): PhoneAppStatus | null {
    return app === null ? null : app.status();
  },
  shutdown(): void {
    app?.shutdown();
  },
  /** Closes the socket and timer; start() may be called again afterwards. */
  close(): void {
    app?.close();
    app = null;
  },
};

(globalThis as unknown as { hardphoneApp: typeof api }).hardphoneApp = api;
