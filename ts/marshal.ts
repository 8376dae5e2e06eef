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
 * A module built by wasmpool-cc also carries a signature table (ExportSignature, by export),
 * and then each argument is checked against its C parameter and passed the way the
 * generated .d.ts says: an array behind a `const` pointer is copied in only, any other is
 * copied back; a pointer without a length after it gets no length; numbers become bigints
 * for 64-bit parameters and back; and the result is read as C declares it (unsigned,
 * bigint, string, boolean) unless the caller says `returns`. Without a table, every typed
 * array is copied in and back, and the result is read as `returns` says ('number').
 *
 * Every failure is a SerializationError naming the function, the argument and the fix.
 */

import { type CallInfo, SerializationError } from './errors';
import type { ExportSignature, ParamSignature, ReturnKind, ScalarType, WireArg } from './protocol';
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
  /** How the host reads the C result. */
  returns: ReturnKind;
  /** Turns the value the host sends back into what the call resolves to. */
  result: (value: unknown) => unknown;
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
 * an unknown export or the wrong number of arguments throws SerializationError. With the
 * export's signature, each argument is checked against its C parameter, and `returns` (the
 * caller's CallOptions.returns) against what C returns.
 */
export function checkSignature(
  fn: string,
  args: readonly CheckedArg[],
  exports: ReadonlyMap<string, number>,
  moduleUrl: string,
  info: CallInfo,
  signature?: ExportSignature,
  returns?: ReturnKind,
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
  if (signature) {
    checkTyped(fn, args, signature, info);
    checkReturns(fn, returns, signature, info);
    return;
  }
  const filled = cParameterCount(args);
  if (filled !== arity) {
    const arrays = args.some((a) => a.kind === 'array' || a.kind === 'buffer');
    const got = arrays
      ? `the ${args.length} argument(s) given fill ${filled} (each typed array or WasmBuffer fills a pointer and its length)`
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
 * array was detached between the call and now. With the export's signature (checked by
 * checkSignature), arguments are passed as its C parameters say; `returns` is the caller's
 * CallOptions.returns.
 */
export function toWire(fn: string, args: readonly CheckedArg[], info: CallInfo, signature?: ExportSignature, returns?: ReturnKind): WireCall {
  const wire: WireCall = {
    args: [],
    transfer: [],
    outputs: new Map(),
    returns: returnsOf(returns, signature),
    result: (value) => fromWire(value, returns, signature),
  };
  args.forEach((arg, index) => {
    const param = signature?.params[index];
    if (param && param.type !== 'array') {
      wire.args.push(typedValue(fn, index, arg, param, info)!);
      return;
    }
    // The length after the pointer: in elements (in bytes for void *), none without one.
    const pushLength = (elements: number, bytes: number) => {
      if (!param) wire.args.push({ kind: 'number', value: elements });
      else if (param.length !== null) {
        const n = param.element === 'void' ? bytes : elements;
        wire.args.push(param.length === 'i64' || param.length === 'u64' ? { kind: 'bigint', value: BigInt(n) } : { kind: 'number', value: n });
      }
    };
    if (arg.kind === 'buffer') {
      // Already in wasm memory: its address and length, and nothing to copy either way.
      wire.args.push({ kind: 'pointer', value: arg.buffer.pointerFor(fn, index, info) });
      pushLength(arg.buffer.length, arg.buffer.byteLength);
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
    // C cannot write through a const pointer: such an array is copied in only.
    const back = !(param && param.const);
    if (back) wire.outputs.set(wire.args.length, view);
    wire.args.push({ kind: 'array', value: copy, copyBack: back });
    wire.transfer.push(copy.buffer as ArrayBuffer);
    pushLength(view.length, view.byteLength);
  });
  return wire;
}

// ---- calls checked against the signature table ----

/** The typed arrays that fill a pointer to each element type, as the .d.ts names them. */
const ARRAYS_OF: Record<ScalarType, string> = {
  i8: 'Int8Array', u8: 'Uint8Array or Uint8ClampedArray', i16: 'Int16Array', u16: 'Uint16Array',
  i32: 'Int32Array', u32: 'Uint32Array', i64: 'BigInt64Array', u64: 'BigUint64Array',
  f32: 'Float32Array', f64: 'Float64Array', bool: 'Uint8Array',
};
const BYTES: Record<ScalarType, number> = { i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, i64: 8, u64: 8, f32: 4, f64: 8, bool: 1 };
const INT_RANGE: Partial<Record<ScalarType, [bigint, bigint]>> = {
  i8: [-(1n << 7n), (1n << 7n) - 1n], u8: [0n, (1n << 8n) - 1n],
  i16: [-(1n << 15n), (1n << 15n) - 1n], u16: [0n, (1n << 16n) - 1n],
  i32: [-(1n << 31n), (1n << 31n) - 1n], u32: [0n, (1n << 32n) - 1n],
  i64: [INT64_MIN, (1n << 63n) - 1n], u64: [0n, UINT64_MAX],
};

function typeTag(view: object): string {
  return Object.prototype.toString.call(view).slice(8, -1);
}

/** `a Float32Array`, `an Int32Array`. */
function a(noun: string): string {
  return `${/^[AEIOU]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** What kind of numbers an element type or typed array holds: int, float or bigint. */
function family(name: string): string {
  return name.startsWith('Float') || name === 'f32' || name === 'f64' ? 'float' : name.startsWith('Big') || name === 'i64' || name === 'u64' ? 'bigint' : 'int';
}

function describeArg(arg: CheckedArg): string {
  switch (arg.kind) {
    case 'number': return `the number ${arg.value}`;
    case 'bigint': return `${arg.value}n`;
    case 'string': return 'a string';
    case 'array': return a(typeTag(arg.view));
    case 'buffer': return 'a WasmBuffer';
  }
}

function expected(param: ParamSignature): string {
  switch (param.type) {
    case 'string': return 'a string';
    case 'pointer': return 'a wasm address (a number) or a WasmBuffer';
    case 'array': return param.element === 'void' ? 'a typed array' : `${a(ARRAYS_OF[param.element])} (or a pool.alloc buffer of one)`;
    case 'bool': return 'a boolean (or 0 or 1)';
    case 'f32': case 'f64': return 'a number';
    default: return integerFix(param.type);
  }
}

/** The integers an integer parameter takes, as a Fix: clause's `pass ...`. */
function integerFix(type: ScalarType): string {
  const [min, max] = INT_RANGE[type]!;
  if (type === 'i64' || type === 'u64') {
    const low = type === 'u64' ? 0 : -Number.MAX_SAFE_INTEGER;
    return `a bigint from ${min}n to ${max}n (or an integer number from ${low} to ${Number.MAX_SAFE_INTEGER})`;
  }
  return `an integer from ${min} to ${max}`;
}

/**
 * Checks one argument against its C parameter. For a parameter that is not an array, returns
 * its wire argument (numbers made bigints for 64-bit parameters, and back); null for arrays.
 */
function typedValue(fn: string, index: number, arg: CheckedArg, param: ParamSignature, info: CallInfo): WireArg | null {
  const wrong = (what = describeArg(arg)) =>
    new SerializationError(
      `wasmpool: argument ${index} (${param.name}) of ${fn}() is ${what}, but C takes \`${param.c}\`. Fix: pass ${expected(param)}.`,
      info,
    );
  switch (param.type) {
    case 'string':
      if (arg.kind !== 'string') throw wrong();
      return arg;
    case 'pointer':
      if (arg.kind === 'buffer') return { kind: 'pointer', value: arg.buffer.pointerFor(fn, index, info) };
      if (arg.kind !== 'number') throw wrong();
      return { kind: 'pointer', value: arg.value };
    case 'array': {
      if (arg.kind !== 'array' && arg.kind !== 'buffer') throw wrong();
      if (param.element === 'void') return null;
      if (arg.kind === 'buffer' && !arg.buffer.usable) return null; // pointerFor says why
      const view = arg.kind === 'array' ? arg.view : arg.buffer.view;
      const tag = typeTag(view);
      // Same element size and kind of number: then C reads what the page wrote.
      if (view.BYTES_PER_ELEMENT !== BYTES[param.element] || family(tag) !== family(param.element)) {
        throw wrong(arg.kind === 'buffer' ? `a WasmBuffer of ${tag}` : undefined);
      }
      return null;
    }
  }
  // A scalar.
  if (arg.kind !== 'number' && arg.kind !== 'bigint') throw wrong();
  if (param.type === 'bool') {
    // A boolean arrives as 0 or 1 (checkArg); any other number is a mistake, not `true`.
    const v = arg.value;
    if (v !== 0 && v !== 1 && v !== 0n && v !== 1n) throw wrong();
    return { kind: 'number', value: Number(v) };
  }
  if (param.type === 'f32' || param.type === 'f64') return { kind: 'number', value: Number(arg.value) };
  // An integer: refused unless C receives exactly this value (no truncation, no wrapping).
  const [min, max] = INT_RANGE[param.type]!;
  if (param.type === 'i64' || param.type === 'u64') {
    if (arg.kind === 'number' && !Number.isSafeInteger(arg.value)) throw wrong(`${describeArg(arg)}, not a safe integer`);
    const value = BigInt(arg.value);
    if (value < min || value > max) throw wrong(`${describeArg(arg)}, out of range`);
    return { kind: 'bigint', value };
  }
  if (arg.kind === 'bigint') {
    if (arg.value < min || arg.value > max) throw wrong(`${describeArg(arg)}, out of range`);
    return { kind: 'number', value: Number(arg.value) };
  }
  if (!Number.isInteger(arg.value)) throw wrong(`${describeArg(arg)}, not an integer`);
  if (arg.value < min || arg.value > max) throw wrong(`${describeArg(arg)}, out of range`);
  return arg;
}

/** Checks a call against its export's signature: the argument count, then each argument. */
function checkTyped(fn: string, args: readonly CheckedArg[], signature: ExportSignature, info: CallInfo): void {
  const { params } = signature;
  if (args.length !== params.length) {
    const list = params.map((p) => p.name).join(', ');
    throw new SerializationError(
      `wasmpool: ${fn}(${list}) takes ${params.length} argument(s), but got ${args.length}. C: \`${signature.c}\`. Fix: pass one argument per parameter; one typed array fills a pointer and the length after it.`,
      info,
    );
  }
  args.forEach((arg, index) => typedValue(fn, index, arg, params[index]!, info));
}

/**
 * Checks the caller's `returns` against what the export's C function returns: a result
 * that does not exist (void) cannot be read as a number, bigint or string, a floating-point
 * one not as a bigint, and only a pointer as a string. `'void'` (ignore it) always fits.
 */
function checkReturns(fn: string, returns: ReturnKind | undefined, signature: ExportSignature, info: CallInfo): void {
  if (returns === undefined || returns === 'void') return;
  const r = signature.returns;
  const fits =
    r !== 'void' &&
    (returns === 'number' ||
      (returns === 'bigint' && r !== 'f32' && r !== 'f64') ||
      (returns === 'string' && (r === 'string' || r === 'pointer')));
  if (fits) return;
  const what = r === 'void' ? 'nothing (void)' : r === 'f32' || r === 'f64' ? 'a floating-point number' : 'an integer, not a pointer';
  const fix = r === 'void' ? 'omit returns (the call resolves to undefined)' : 'omit returns, to read the result as C declares it';
  throw new SerializationError(
    `wasmpool: options.returns of ${fn}() is '${returns}', but C \`${signature.c}\` returns ${what}, which cannot be read as a ${returns}. Fix: ${fix}.`,
    info,
  );
}

/** How the host should read the result: as the caller says, else as the signature says. */
export function returnsOf(returns: ReturnKind | undefined, signature: ExportSignature | undefined): ReturnKind {
  if (returns !== undefined) return returns;
  switch (signature?.returns) {
    case 'void': return 'void';
    case 'string': return 'string';
    case 'i64': case 'u64': return 'bigint';
    default: return 'number';
  }
}

/**
 * What a call resolves to, from the value the host read: `undefined` for void, and, when it
 * was read as the signature says, the C type's own value: unsigned integers and pointers
 * unsigned (the wasm ABI returns them as signed i32/i64), bool as a boolean.
 */
export function fromWire(value: unknown, returns: ReturnKind | undefined, signature: ExportSignature | undefined): unknown {
  const kind = returnsOf(returns, signature);
  if (kind === 'void') return undefined;
  if (!signature || kind !== returnsOf(undefined, signature)) return value;
  if (typeof value === 'number') {
    switch (signature.returns) {
      case 'u32': case 'pointer': return value >>> 0;
      case 'u16': return value & 0xffff;
      case 'u8': return value & 0xff;
      case 'i16': return (value << 16) >> 16;
      case 'i8': return (value << 24) >> 24;
      case 'bool': return value !== 0;
    }
  }
  if (typeof value === 'bigint' && signature.returns === 'u64') return BigInt.asUintN(64, value);
  return value;
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
