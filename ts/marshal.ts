/**
 * Marshalling on the page: checks a call's arguments before anything is sent, turns them
 * into wire arguments, and copies typed-array results back into the caller's arrays.
 *
 * The convention, shared with the host (protocol.ts) and wasmpool-cc: wire arguments map
 * one to one onto C parameters, and a typed array fills a C pointer-plus-length pair. So
 * `blur(pixels, w, h, r)` for C `blur(uint8_t *px, size_t len, int w, int h, int r)` goes
 * out as five wire arguments: the array (copied into wasm memory by the host, its pointer
 * passed), `pixels.length` (in elements), w, h and r. The host's export arity (ReadyMessage)
 * counts C parameters.
 *
 * Every failure is a SerializationError naming the function, the argument and the fix.
 */

import { type CallInfo, SerializationError } from './errors';
import type { WireArg } from './protocol';
import type { TypedArray } from './types';
import { WasmBuffer } from './wasm-buffer';

/** An argument that passed the checks at call time. */
export type CheckedArg =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bigint'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly view: TypedArray }
  | { readonly kind: 'buffer'; readonly buffer: WasmBuffer };

/** A call's arguments ready to post: the message's args, what to transfer, where outputs go. */
export interface WireCall {
  args: WireArg[];
  transfer: ArrayBuffer[];
  /** The caller's array behind each copied-back wire argument, by wire index. */
  outputs: Map<number, TypedArray>;
}

const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

function fail(fn: string, index: number, what: string, fix: string, info: CallInfo): SerializationError {
  return new SerializationError(
    `wasmpool: argument ${index} of ${fn}() ${what}, which cannot be passed to C. Fix: ${fix}`,
    info,
  );
}

function isDataView(x: object): boolean {
  return Object.prototype.toString.call(x) === '[object DataView]';
}

function isArrayBuffer(x: object): boolean {
  const tag = Object.prototype.toString.call(x);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

/** Whether a view's ArrayBuffer was detached (transferred away). */
export function isDetached(view: ArrayBufferView): boolean {
  const buffer = view.buffer as ArrayBufferLike & { detached?: unknown };
  if (typeof buffer.detached === 'boolean') return buffer.detached; // Chrome 114+, Firefox 122+
  if (view.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer); // throws on a detached buffer
    return false;
  } catch {
    return true;
  }
}

/**
 * Checks one argument and says what it is. Throws SerializationError for anything C cannot
 * take: undefined, null, objects, arrays, functions, symbols, DataViews, bare ArrayBuffers,
 * detached typed arrays, and bigints beyond 64 bits.
 */
function checkArg(fn: string, index: number, arg: unknown, info: CallInfo): CheckedArg {
  switch (typeof arg) {
    case 'number':
      return { kind: 'number', value: arg };
    case 'boolean':
      return { kind: 'number', value: arg ? 1 : 0 };
    case 'bigint':
      if (arg < INT64_MIN || arg > UINT64_MAX) {
        throw fail(fn, index, `is ${arg}n, which does not fit in 64 bits`, 'pass a bigint from -(2n ** 63n) to 2n ** 64n - 1n', info);
      }
      return { kind: 'bigint', value: arg };
    case 'string':
      return { kind: 'string', value: arg };
    case 'undefined':
      throw fail(fn, index, 'is undefined', 'pass every argument the C function declares (a typed array fills a pointer and its length)', info);
    case 'function':
      throw fail(fn, index, 'is a function', 'C cannot call back into JavaScript; pass numbers, strings or typed arrays', info);
    case 'symbol':
      throw fail(fn, index, 'is a symbol', 'pass a number, boolean, bigint, string or typed array', info);
  }
  if (arg === null) {
    throw fail(fn, index, 'is null', 'pass a typed array for a C pointer (an empty one, e.g. new Uint8Array(0), for no data)', info);
  }
  const obj = arg as object;
  if (obj instanceof WasmBuffer) return { kind: 'buffer', buffer: obj };
  if (ArrayBuffer.isView(obj)) {
    if (isDataView(obj)) {
      throw fail(fn, index, 'is a DataView', 'pass a typed array over the same bytes, e.g. new Uint8Array(view.buffer, view.byteOffset, view.byteLength)', info);
    }
    if (isDetached(obj)) {
      throw fail(fn, index, 'is a typed array whose ArrayBuffer is detached (it was transferred)', 'pass an array that still owns its memory, e.g. a copy made before the transfer', info);
    }
    return { kind: 'array', view: obj as TypedArray };
  }
  if (isArrayBuffer(obj)) {
    throw fail(fn, index, 'is an ArrayBuffer', 'wrap it in a typed array of the element type C expects, e.g. new Uint8Array(buffer)', info);
  }
  if (Array.isArray(obj)) {
    throw fail(fn, index, 'is an Array', 'pass a typed array of the element type C expects, e.g. Float64Array.from(array)', info);
  }
  const type = (obj as { constructor?: { name?: unknown } }).constructor?.name;
  const what = typeof type === 'string' && type !== '' && type !== 'Object' ? `is an object (${type})` : 'is an object';
  throw fail(fn, index, what, 'pass its fields as separate number or string arguments, or pack them into a typed array', info);
}

/** Checks every argument of a call; the first bad one throws SerializationError. */
export function checkArgs(fn: string, args: readonly unknown[], info: CallInfo): CheckedArg[] {
  return args.map((arg, index) => checkArg(fn, index, arg, info));
}

/** How many C parameters the arguments fill: a typed array fills two (pointer, length). */
export function cParameterCount(args: readonly CheckedArg[]): number {
  let n = 0;
  for (const a of args) n += a.kind === 'array' || a.kind === 'buffer' ? 2 : 1;
  return n;
}

/**
 * Checks a call against the module's exports (name -> C parameter count, from ReadyMessage):
 * an unknown export or the wrong number of arguments throws SerializationError.
 */
export function checkSignature(
  fn: string,
  args: readonly CheckedArg[],
  exports: ReadonlyMap<string, number>,
  moduleUrl: string,
  info: CallInfo,
): void {
  const arity = exports.get(fn);
  if (arity === undefined) {
    const names = [...exports.keys()].sort();
    const known = names.length === 0 ? 'it exports no functions' : `its exports: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', ...' : ''}`;
    throw new SerializationError(
      `wasmpool: ${fn}() is not an export of ${moduleUrl} (${known}). Fix: check the name, or mark the C function WP_EXPORT and rebuild the module.`,
      info,
    );
  }
  const filled = cParameterCount(args);
  if (filled !== arity) {
    const arrays = args.some((a) => a.kind === 'array');
    const got = arrays
      ? `the ${args.length} argument(s) given fill ${filled} (each typed array fills a pointer and its length)`
      : `got ${args.length}`;
    throw new SerializationError(
      `wasmpool: ${fn}() takes ${arity} C parameter(s), but ${got}. Fix: pass one argument per C parameter, and one typed array for each pointer-plus-length pair.`,
      info,
    );
  }
}

/**
 * Turns checked arguments into wire arguments, at the moment the call is sent. Each typed
 * array is snapshot into a compact copy of its own elements (never its whole buffer), which
 * is transferred, and is followed by its length in elements. Throws SerializationError if an
 * array was detached between the call and now.
 */
export function toWire(fn: string, args: readonly CheckedArg[], info: CallInfo): WireCall {
  const wire: WireCall = { args: [], transfer: [], outputs: new Map() };
  args.forEach((arg, index) => {
    if (arg.kind === 'buffer') {
      // Already in wasm memory: its address and length, and nothing to copy either way.
      wire.args.push({ kind: 'pointer', value: arg.buffer.pointerFor(fn, index, info) });
      wire.args.push({ kind: 'number', value: arg.buffer.length });
      return;
    }
    if (arg.kind !== 'array') {
      wire.args.push(arg);
      return;
    }
    const view = arg.view;
    let copy: TypedArray;
    try {
      if (isDetached(view)) throw new TypeError('detached');
      copy = view.slice(); // a fresh ArrayBuffer even when `view` is over a SharedArrayBuffer
    } catch (cause) {
      throw new SerializationError(
        `wasmpool: argument ${index} of ${fn}() is a typed array that was detached or shrunk before the call was sent, which cannot be passed to C. Fix: do not transfer or resize an array while a call that uses it is pending.`,
        info,
        { cause },
      );
    }
    wire.outputs.set(wire.args.length, view);
    wire.args.push({ kind: 'array', value: copy, copyBack: true });
    wire.transfer.push(copy.buffer as ArrayBuffer);
    wire.args.push({ kind: 'number', value: view.length });
  });
  return wire;
}

/**
 * Copies the host's outputs (by wire index) back into the caller's arrays. An array that
 * was detached meanwhile is skipped: there is nothing left to write to.
 */
export function copyBack(outputs: ReadonlyMap<number, TypedArray>, results: readonly { index: number; bytes: ArrayBuffer }[]): void {
  for (const { index, bytes } of results) {
    const view = outputs.get(index);
    if (!view || isDetached(view)) continue;
    const target = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    target.set(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, target.byteLength)));
  }
}
