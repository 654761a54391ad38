// Shared by the boot tests: the sim-desk firmware application bundled exactly as a QuickJS
// firmware build is (tools/build's esbuild configuration, host-API check and terser pass), and its config.
import { fileURLToPath } from 'node:url';
import type { EngineId } from '../../tools/build/engines.js';
import { bundleApp } from '../../tools/build/firmware.js';
import { builtinBoard, indicatorLayout, type Board } from '../../boards/index.js';
import type { PhoneAppConfig } from '../../tools/build/app/phone-app.js';
import type { UaCapacities } from '../../core/ua/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function simDesk(): Board {
  const board = builtinBoard('sim-desk');
  if (!board.ok) throw new Error(`sim-desk board: ${board.val.join('; ')}`);
  return board.val;
}

/**
 * The application bundle (es2022, minified, IIFE for script engines) exactly as
 * `hardphone build --app` makes it; throws on a host-API use.
 */
export async function firmwareBundle(engine: EngineId = 'quickjs'): Promise<string> {
  const out = await bundleApp(ROOT, engine);
  if (!out.ok) throw new Error(`bundle failed:\n${out.val.join('\n')}`);
  return new TextDecoder().decode(out.val.bytes);
}

/**
 * A desk-phone sized UA (the core's defaults are laptop-sized: 16 × 4 KiB request and 64 × 1 KiB
 * response buffers, 64 transactions each way). Enough for 50 subscriptions on UDP: NOTIFY answers
 * hold a response buffer for 64·T1, and a NOTIFY that finds none is retransmitted by the server.
 * maxTransactions stays 64: the UA queues requests when its buffers run out but not when its
 * transaction table is full (a non-INVITE client transaction holds its slot for T4 after the
 * answer), so 48 SUBSCRIBEs at once with 32 slots leave ~20 backing off for 30 s.
 */
export const DEVICE_CAPACITIES: Partial<UaCapacities> = {
  maxTransactions: 64, maxSubscriptions: 56, maxDialogs: 56, requestBuffers: 6, requestBufferBytes: 2048,
  responseBuffers: 32, responseBufferBytes: 640, maxFlows: 1, maxQueuedRequests: 64, maxPendingMessages: 2, maxEndpoints: 4,
};

export interface AccountOptions {
  readonly user: string;
  readonly password: string;
  readonly serverPort: number;
  readonly blf: PhoneAppConfig['blf'];
  readonly capacities?: Partial<UaCapacities>;
  readonly mwi?: boolean;
}

export function phoneConfig(o: AccountOptions): PhoneAppConfig {
  return {
    identity: o.user,
    ua: {
      aor: `sip:${o.user}@127.0.0.1`,
      username: o.user,
      password: o.password,
      registrar: `sip:127.0.0.1:${o.serverPort};transport=udp`,
      localAddress: '127.0.0.1',
      expires: 600,
      subscribeExpires: 600,
      t1: 100,
      ...(o.capacities !== undefined ? { capacities: o.capacities } : {}),
    },
    blf: o.blf,
    ...(o.mwi !== undefined ? { mwi: o.mwi } : {}),
    layout: indicatorLayout(simDesk()),
  };
}
