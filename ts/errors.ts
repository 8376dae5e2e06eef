/**
 * The errors every wasmpool promise may reject with. All extend {@link WasmPoolError} and
 * carry a stable `code`, so callers can branch on `err.code` without `instanceof` across
 * bundles. Messages name the problem and the fix.
 */

/** What the pool knows about the call an error belongs to. */
export interface CallInfo {
  /** The call id, unique per manager. */
  callId?: number;
  /** The exported C function that was called. */
  functionName?: string;
}

/** Every subclass names itself with a string literal, not `new.target.name`: minifiers
 * rename classes in users' production builds, and `err.name` must survive that. */
export abstract class WasmPoolError extends Error {
  abstract readonly code: string;
  readonly callId?: number;
  readonly functionName?: string;

  constructor(message: string, info: CallInfo = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.callId = info.callId;
    this.functionName = info.functionName;
  }
}

/** The module is missing or not wasm, or workers cannot start. */
export class WorkerInitError extends WasmPoolError {
  readonly code = 'WORKER_INIT_FAILED';
  override readonly name = 'WorkerInitError';
  /** The URL that failed to load, when one did. */
  readonly url?: string;
  constructor(message: string, url?: string, options?: { cause?: unknown }) {
    super(message, {}, options);
    this.url = url;
  }
}

/** The page lacks COOP/COEP, so there is no SharedArrayBuffer. */
export class CrossOriginIsolationError extends WasmPoolError {
  readonly code = 'NOT_ISOLATED';
  override readonly name = 'CrossOriginIsolationError';
}

/** Unknown export, wrong arity, or an argument that cannot be marshalled. Nothing reached C. */
export class SerializationError extends WasmPoolError {
  readonly code = 'SERIALIZATION_FAILED';
  override readonly name = 'SerializationError';
}

/** The call ran past its timeout. */
export class TimeoutError extends WasmPoolError {
  readonly code = 'TASK_TIMEOUT';
  override readonly name = 'TimeoutError';
}

/** The caller's AbortSignal fired. */
export class CancelledError extends WasmPoolError {
  readonly code = 'CANCELLED';
  override readonly name = 'CancelledError';
}

/** More than `maxPending` calls were waiting. */
export class PoolBusyError extends WasmPoolError {
  readonly code = 'WORKER_BUSY';
  override readonly name = 'PoolBusyError';
}

/** A call after `shutdown()`, or one pending at shutdown. */
export class PoolShutdownError extends WasmPoolError {
  readonly code = 'POOL_SHUTDOWN';
  override readonly name = 'PoolShutdownError';
}

/** This call's C code panicked, aborted or trapped. */
export class PanicError extends WasmPoolError {
  readonly code = 'PANIC';
  override readonly name = 'PanicError';
  /** The pool thread that failed (0 .. threads-1), when known. */
  readonly thread?: number;
  /** The panic message: wp_panic's text, the assertion, or the trap's name. */
  readonly panicMessage: string;
  /**
   * The failing pool thread's stack when it died, wasm frames included
   * (`at lab_item (wasm://wasm/…)`), when known. `stack` is where the page learned of it.
   */
  readonly threadStack?: string;
  constructor(panicMessage: string, thread: number | undefined, info: CallInfo, threadStack?: string) {
    const where = thread === undefined ? '' : ` on thread ${thread}`;
    const fn = info.functionName ? ` in ${info.functionName}()` : '';
    super(`panic${where}${fn}: ${panicMessage}`, info);
    this.thread = thread;
    this.panicMessage = panicMessage;
    if (threadStack !== undefined) this.threadStack = threadStack;
  }
}

/** Another call's fault took the instance down under this one. */
export class PoolCrashedError extends WasmPoolError {
  readonly code = 'POOL_CRASHED';
  override readonly name = 'PoolCrashedError';
}

/** The host stopped answering. */
export class HeartbeatLostError extends WasmPoolError {
  readonly code = 'HEARTBEAT_LOST';
  override readonly name = 'HeartbeatLostError';
}

/** Every error's stable code. */
export type WasmPoolErrorCode =
  | WorkerInitError['code']
  | CrossOriginIsolationError['code']
  | SerializationError['code']
  | TimeoutError['code']
  | CancelledError['code']
  | PoolBusyError['code']
  | PoolShutdownError['code']
  | PanicError['code']
  | PoolCrashedError['code']
  | HeartbeatLostError['code'];

