// JS_SetStripInfo() for quickjs-emscripten 0.32, which does not bind it.
//
// Why: by default QuickJS keeps, for every compiled function, its source text (for
// Function.prototype.toString) and its pc2line table (line numbers in stack traces). For the
// sim-desk firmware that is ~360 KiB of source and ~70 KiB of line tables on the heap, more than
// everything else the phone keeps. A device build avoids it with `qjsc -s` (precompiled bytecode
// without debug info) or JS_SetStripInfo(rt, JS_STRIP_DEBUG) before evaluating source.
//
// quickjs-emscripten 0.32 exposes neither: its `strip` eval option sets JS_EVAL_FLAG_STRIP, which
// bellard's QuickJS removed in 2025 together with the "use strip" directive (replaced by
// JS_SetStripInfo); its binary JSON (encodeBinaryJSON/decodeBinaryJSON) writes and reads without
// JS_WRITE_OBJ_BYTECODE / JS_READ_OBJ_BYTECODE, so bytecode can be neither saved nor loaded.
// JS_SetStripInfo only stores its argument in JSRuntime.strip_flags (a uint8_t read by the
// compiler), so this file does the same store through the wasm memory the module exposes
// (getWasmMemory()).
//
// The field is found, not assumed: strip_flags is declared right before the shape hash table
// (shape_hash_bits, shape_hash_size = 1 << bits, shape_hash_count ≤ size, shape_hash pointer), a
// pattern that occurs once in the runtime struct. The offset is then proven on a scratch runtime
// of the same module: with the byte set, a compiled function must lose its source text and its
// line numbers, and without it keep both. Any mismatch (another QuickJS build or struct layout)
// leaves the runtime untouched and the caller falls back to full debug info.
import type { QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';

/**
 * What QuickJS keeps of compiled source:
 * - `full`: source text and line tables (QuickJS's default; stack traces have file:line:column);
 * - `lines`: line tables only (JS_STRIP_SOURCE; Function.prototype.toString shows `[native code]`);
 * - `none`: neither (JS_STRIP_DEBUG, like `qjsc -s`; stack traces name functions without lines).
 */
export type QuickJsDebugInfo = 'full' | 'lines' | 'none';

// quickjs.h (2025-04 and later): JS_STRIP_SOURCE (1 << 0), JS_STRIP_DEBUG (1 << 1).
const STRIP_FLAGS: Readonly<Record<QuickJsDebugInfo, number>> = { full: 0, lines: 1, none: 2 };

/** How far into JSRuntime the field may be (it sits after ~60 pointer-sized fields). */
const SEARCH_BYTES = 2048;

type WasmMemory = ReturnType<QuickJSWASMModule['getWasmMemory']>;

const proven = new WeakMap<QuickJSWASMModule, number | null>();

function runtimePointer(runtime: QuickJSRuntime): number {
  // `rt` is quickjs-emscripten's protected Lifetime<JSRuntimePointer>: the address of JSRuntime.
  const rt = (runtime as unknown as { rt?: { value?: unknown } }).rt;
  return typeof rt?.value === 'number' ? rt.value : 0;
}

/** Offsets (from JSRuntime) of every byte that looks like strip_flags. */
function candidates(memory: WasmMemory, runtimeAddress: number): number[] {
  const view = new DataView(memory.buffer);
  const found: number[] = [];
  for (let off = 4; off + 16 <= SEARCH_BYTES && runtimeAddress + off + 16 <= view.byteLength; off += 4) {
    const bits = view.getInt32(runtimeAddress + off, true);
    if (bits < 4 || bits > 24) continue;
    const size = view.getInt32(runtimeAddress + off + 4, true);
    const count = view.getInt32(runtimeAddress + off + 8, true);
    const table = view.getUint32(runtimeAddress + off + 12, true);
    if (size !== 1 << bits || count < 0 || count > size || table === 0) continue;
    // uint8_t strip_flags, then 3 bytes of padding (JSRuntime is zeroed when allocated).
    const flags = view.getUint8(runtimeAddress + off - 4);
    if (flags > 3 || view.getUint8(runtimeAddress + off - 3) !== 0 || view.getUint16(runtimeAddress + off - 2, true) !== 0) continue;
    found.push(off - 4);
  }
  return found;
}

function locate(memory: WasmMemory, runtime: QuickJSRuntime): number | null {
  const address = runtimePointer(runtime);
  if (address === 0) return null;
  const found = candidates(memory, address);
  return found.length === 1 ? found[0]! : null;
}

/** Compiles a small function and reports whether its source text and line numbers were kept. */
function probe(runtime: QuickJSRuntime): { source: boolean; lines: boolean } | null {
  const context = runtime.newContext();
  try {
    const result = context.evalCode(
      'function stripProbe(a) { throw new Error("probe " + a); }\n' +
      'var out; try { stripProbe(1); } catch (e) { out = [String(stripProbe), String(e.stack)]; } out',
      'strip-probe.js', { type: 'global' });
    if (result.error) {
      result.error.dispose();
      return null;
    }
    const [text, stack] = context.dump(result.value) as [string, string];
    result.value.dispose();
    return { source: text.includes('"probe "'), lines: stack.includes('strip-probe.js:1') };
  } finally {
    context.dispose();
  }
}

/** The proven offset of strip_flags in this module's JSRuntime, or null (unsupported build). */
function provenOffset(module: QuickJSWASMModule): number | null {
  if (proven.has(module)) return proven.get(module)!;
  let offset: number | null = null;
  const scratch = module.newRuntime();
  try {
    const memory = module.getWasmMemory();
    const at = locate(memory, scratch);
    if (at !== null) {
      const address = runtimePointer(scratch);
      const before = probe(scratch);
      new Uint8Array(memory.buffer)[address + at] = STRIP_FLAGS.none;
      const stripped = probe(scratch);
      new Uint8Array(memory.buffer)[address + at] = STRIP_FLAGS.lines;
      const sourceOnly = probe(scratch);
      new Uint8Array(memory.buffer)[address + at] = STRIP_FLAGS.full;
      const ok = before?.source === true && before.lines &&
        stripped?.source === false && !stripped.lines &&
        sourceOnly?.source === false && sourceOnly.lines;
      if (ok) offset = at;
    }
  } catch {
    offset = null;
  } finally {
    scratch.dispose();
  }
  proven.set(module, offset);
  return offset;
}

/**
 * JS_SetStripInfo(runtime, flags for `debugInfo`): applies to code compiled afterwards. Returns
 * what the runtime now keeps: `debugInfo` itself, or `full` when this QuickJS build's runtime
 * layout could not be proven (nothing is written then).
 */
export function setQuickJsDebugInfo(module: QuickJSWASMModule, runtime: QuickJSRuntime, debugInfo: QuickJsDebugInfo): QuickJsDebugInfo {
  if (debugInfo === 'full') return 'full';
  const offset = provenOffset(module);
  if (offset === null) return 'full';
  const memory = module.getWasmMemory();
  if (locate(memory, runtime) !== offset) return 'full';
  new Uint8Array(memory.buffer)[runtimePointer(runtime) + offset] = STRIP_FLAGS[debugInfo];
  return debugInfo;
}

/** `full`, `lines` or `none` from a string (an environment variable), else undefined. */
export function parseQuickJsDebugInfo(value: string | undefined): QuickJsDebugInfo | undefined {
  return value === 'full' || value === 'lines' || value === 'none' ? value : undefined;
}
