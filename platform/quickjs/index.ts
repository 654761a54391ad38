// The QuickJS host: the native-function contract (native.ts), the shim that turns it into
// HostBindings inside the engine (vm-bindings.ts), and the Node + quickjs-emscripten side the
// tests run firmware in (host.ts). See README.md.
export { QuickJsHost, quickJsShimSource, type QuickJsHostOptions, type LampChange, type QuickJsMemoryUsage } from './host.js';
export { NATIVE_GLOBAL, NativeEvent, type QuickJsNative, type NativeDispatcher } from './native.js';
export { quickJsHostBindings } from './vm-bindings.js';
export { setQuickJsDebugInfo, parseQuickJsDebugInfo, type QuickJsDebugInfo } from './strip-info.js';
