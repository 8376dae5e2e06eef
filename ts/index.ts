/**
 * wasmpool: run C code (Emscripten -pthread) on a pool of Web Workers, and always learn
 * about failure. An ES module that works on a page and inside a (module) Web Worker.
 *
 * ```ts
 * import { ThreadPoolManager } from 'wasmpool';
 * const pool = new ThreadPoolManager({ module: new URL('./kernels.js', import.meta.url) });
 * const crc = await pool.call('crc32', [bytes]);
 * ```
 */

export { ThreadPoolManager } from './manager';
export {
  WasmPoolError,
  WorkerInitError,
  CrossOriginIsolationError,
  SerializationError,
  TimeoutError,
  CancelledError,
  PoolBusyError,
  PoolShutdownError,
  PanicError,
  PoolCrashedError,
  HeartbeatLostError,
} from './errors';
export type { CallInfo, WasmPoolErrorCode } from './errors';
export { MAX_THREADS } from './options';
export { WasmBuffer } from './wasm-buffer';
export type { TypedArrayConstructor } from './wasm-buffer';
export type { PoolOptions, PoolConsole } from './options';
export type {
  AsyncExports,
  AsyncKernel,
  CallOptions,
  ExecuteOptions,
  HeartbeatEvent,
  KernelArg,
  KernelArgs,
  KernelFunction,
  KernelName,
  KernelResult,
  KernelSignatures,
  LogLevel,
  LogRecord,
  PoolEvents,
  PoolState,
  PoolStats,
  RestartEvent,
  ReturnKind,
  SupportReport,
  TypedArray,
  UntypedKernels,
} from './types';
