/**
 * The public types of wasmpool's TypeScript API, besides PoolOptions (options.ts) and the
 * error classes (errors.ts): what a call takes and returns, stats, events, and the typed
 * view of a module's exports.
 */

import type { PanicError } from './errors';
import type { WasmBuffer } from './wasm-buffer';
import type { LogLevel, ReturnKind } from './protocol';

export type { LogLevel, ReturnKind };

/** Every typed array kind: each one is copied into wasm memory and back. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * What a C export can be passed:
 * - `number` for C integers and floating point (`int`, `size_t`, `double` ...);
 * - `boolean`, passed as 1 or 0;
 * - `bigint` for `int64_t` / `uint64_t`;
 * - `string`, copied into wasm memory as NUL-terminated UTF-8 (`const char *`);
 * - a typed array, which fills a C pointer-plus-length pair (`float *xs, size_t len`): it is
 *   copied into wasm memory before the call and copied back into the same array after it,
 *   so in-out buffers work (a module built by wasmpool-cc skips the copy back when the C
 *   pointer is `const`).
 * - a {@link WasmBuffer} (from `pool.alloc`) fills the same pair with its own address: no copy.
 */
export type KernelArg = number | boolean | bigint | string | TypedArray | WasmBuffer;

/** A C export as TypeScript sees it; `wasmpool-cc` writes an interface of these. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KernelFunction = (...args: any[]) => unknown;

/** What `K` in `ThreadPoolManager<K>` must be: an interface of kernel functions. */
export type KernelSignatures<K> = { [N in keyof K]: KernelFunction };

/** The `K` of a manager created without one: any name, any arguments, any result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedKernels = Record<string, (...args: KernelArg[]) => any>;

/** The names of K's kernels. */
export type KernelName<K> = Extract<keyof K, string>;
/** A kernel's parameters as a call takes them: a pool.alloc buffer may stand for a typed array. */
export type CallArgs<A> = { [I in keyof A]: A[I] extends TypedArray ? A[I] | WasmBuffer<A[I]> : A[I] };
/** The arguments a kernel takes, as a tuple. */
export type KernelArgs<F> = F extends (...args: infer A) => unknown ? CallArgs<A> : never;
/** What a call of a kernel resolves to. */
export type KernelResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * One kernel through the `exports` proxy: its arguments, optionally followed by
 * {@link CallOptions} (a plain object, which is never a valid kernel argument).
 */
export interface AsyncKernel<F> {
  (...args: KernelArgs<F>): Promise<KernelResult<F>>;
  (...args: [...KernelArgs<F>, CallOptions]): Promise<KernelResult<F>>;
}

/** `pool.exports` and the `wasm` of `execute()`: every kernel as an async function. */
export type AsyncExports<K> = { readonly [N in KernelName<K>]: AsyncKernel<K[N]> };

/** Options of one call. */
export interface CallOptions {
  /**
   * Cancels the call: its promise rejects with CancelledError at once, and the C code sees
   * `wp_cancelled()` become nonzero. If it does not return within `cancelGraceMs`, the pool
   * instance is restarted.
   */
  signal?: AbortSignal;
  /**
   * Rejects the call with TimeoutError this many ms after it was made (the time to start the
   * pool counts), then cancels it as `signal` would. 0 = no timeout.
   * @default options.timeoutMs of the manager
   */
  timeoutMs?: number;
  /**
   * Receives `wp_progress(done, total)` from the C code, at most 60 times a second; the
   * latest values are always delivered.
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * How to read what the C function returns: `'number'` (any C number up to 53 bits),
   * `'bigint'` (`int64_t`), `'string'` (a `char *` to NUL-terminated UTF-8, decoded by the
   * host; NULL is `null`), or `'void'` (resolves to `undefined`).
   * @default as the C prototype says, for a module built by wasmpool-cc (unsigned integers
   *   unsigned, 64-bit ones bigint, `char *` a string, bool a boolean); else `'number'`
   */
  returns?: ReturnKind;
}

/** Options of `execute()`: the defaults of every call made through its `wasm`. */
export interface ExecuteOptions {
  /** Cancels every call the execute makes (see {@link CallOptions.signal}). */
  signal?: AbortSignal;
  /** The timeout of each call the execute makes (see {@link CallOptions.timeoutMs}). */
  timeoutMs?: number;
}

/** A line that C code wrote with `wp_log`, `printf` or `fprintf(stderr, ...)`. */
export interface LogRecord {
  /** The pool thread that wrote it, 0 .. threads-1. */
  thread: number;
  /** `'log'` for wp_log and stdout, `'error'` for stderr. */
  level: LogLevel;
  /** The line, without its newline. */
  text: string;
  /** When it was written, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  time: number;
}

/**
 * Where the pool is in its life:
 * - `'stopped'`: no host worker; the first call (or `ready()`) starts one. Also the state
 *   after a fault, until the next call restarts the pool.
 * - `'starting'`: the host worker is loading the module and its threads.
 * - `'ready'`: calls run.
 * - `'idle-stopped'`: stopped after `idleShutdownMs` with nothing to do; the next call starts
 *   it again.
 * - `'restarting'`: starting again after a fault.
 * - `'shut-down'`: `shutdown()` was called; every call rejects with PoolShutdownError.
 */
export type PoolState = 'stopped' | 'starting' | 'ready' | 'idle-stopped' | 'restarting' | 'shut-down';

/** A snapshot of the pool's counters. */
export interface PoolStats {
  /** Pool threads: as the running instance reported them, else as configured (0 while
   * the module's default is not yet known). */
  threads: number;
  /** Calls whose promise has not settled yet, queued ones included. */
  pending: number;
  /** Calls that resolved with a result. */
  completed: number;
  /** Calls that rejected, for any reason. */
  failed: number;
  /** How many times a fresh instance was started after a fault. */
  restarts: number;
  state: PoolState;
}

/** The `'restart'` event: a fresh instance is starting after a fault. */
export interface RestartEvent {
  /** What took the previous instance down, in words. */
  reason: string;
  /** The error that described the fault to the calls it ended. */
  error: Error;
}

/** The `'heartbeat'` event: the host worker is alive. */
export interface HeartbeatEvent {
  /** When the beat arrived, in ms since the epoch. */
  time: number;
}

/** The events of `pool.on(event, listener)`, and what their listeners receive. */
export interface PoolEvents {
  /** A line of C output from a pool thread. */
  log: LogRecord;
  /** C code panicked, aborted or trapped; the instance is being terminated. */
  panic: PanicError;
  /** A fresh instance is starting after a fault (on the call after the fault). */
  restart: RestartEvent;
  /** The pool changed state. */
  state: PoolState;
  /** The host worker's heartbeat arrived (every `heartbeatIntervalMs`). */
  heartbeat: HeartbeatEvent;
}

/** What `ThreadPoolManager.supported()` reports about this context. */
export interface SupportReport {
  /** `crossOriginIsolated`: the page was served with COOP and COEP. */
  crossOriginIsolated: boolean;
  /** `SharedArrayBuffer` exists (it needs cross-origin isolation). */
  sharedArrayBuffer: boolean;
  /**
   * `Worker` exists in this context. Whether a worker may start workers of its own (the
   * pool threads) cannot be tested synchronously; every browser with `Worker` on the page
   * and `Atomics.waitAsync` supports it.
   */
  nestedWorkers: boolean;
  /** `Atomics.waitAsync` exists: the host awaits calls with it, never blocking. */
  atomicsWaitAsync: boolean;
}
