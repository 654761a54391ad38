// Evaluated in the engine before the firmware bundle: `globalThis.host` becomes the HostBindings
// built from the native functions. A firmware bundle then reads `globalThis.host`, the same way
// under Node (where the host is platform/node's nodeHost()).
import type { HostBindings } from '../host/host.js';
import { NATIVE_GLOBAL, type QuickJsNative } from './native.js';
import { quickJsHostBindings } from './vm-bindings.js';

const g = globalThis as unknown as Record<string, unknown> & { host?: HostBindings };
g.host = quickJsHostBindings(g[NATIVE_GLOBAL] as QuickJsNative);
