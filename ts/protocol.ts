/**
 * The wire protocol between the page's ThreadPoolManager, the host worker, and the pool
 * threads. Every message is a discriminated union member with a `wasmpool:` prefixed
 * `type`, so it never collides with a user's own messages. Calls are matched to replies by
 * `id`. Errors cross as plain `{code, message}` and are rebuilt as classes on the page.
 */

/** The global a wasmpool module's script defines (emcc -sEXPORT_NAME, ts/cli/flags.ts):
 * the host worker looks it up after importScripts. */
export const MODULE_FACTORY = 'createWasmpoolModule';

/** One C parameter as it crosses to the host. The page turns each typed array into two:
 * the array (copied into wasm memory, passed as a pointer) and its length in elements. */
export type WireArg =
  | { kind: 'number'; value: number }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'string'; value: string }
  | { kind: 'array'; value: ArrayBufferView; copyBack: boolean }
  | { kind: 'pointer'; value: number };

/** What a call returns to the page. */
export type ReturnKind = 'number' | 'bigint' | 'string' | 'void';

// ---- the signature table, written by wasmpool-cc into the module (Module.wasmpoolSignatures) ----

/** A C scalar type on wasm32 (`size_t`, `long` and pointers are 32 bits; `char` is signed). */
export type ScalarType = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' | 'f32' | 'f64' | 'bool';

/**
 * One JavaScript argument of an export, read from its C prototype. `c` is the C text it
 * stands for, e.g. `'uint8_t *rgba, size_t len'`.
 * - a scalar: a number (`bigint` for i64/u64, `boolean` for bool);
 * - `'string'`: `const char *`, copied in as NUL-terminated UTF-8;
 * - `'array'`: a pointer, filled by one typed array of `element`s. `length` is the type of
 *   the integer parameter after the pointer, which gets the array's length (in elements;
 *   in bytes for `void *`), or null if there is none. A `const` array is copied in only;
 *   any other is copied back after the call.
 * - `'pointer'`: any other pointer, passed as a wasm address (a number).
 */
export type ParamSignature =
  | { name: string; c: string; type: ScalarType }
  | { name: string; c: string; type: 'string' | 'pointer' }
  | { name: string; c: string; type: 'array'; element: ScalarType | 'void'; const: boolean; length: ScalarType | null };

/** What an export returns: `'string'` for `char *`, `'pointer'` for any other pointer. */
export type ReturnSignature = ScalarType | 'void' | 'string' | 'pointer';

/** One export's signature: its JavaScript parameters, what it returns, and its C prototype. */
export interface ExportSignature {
  params: ParamSignature[];
  returns: ReturnSignature;
  c: string;
}

// ---- page -> host ----

export interface InitMessage {
  type: 'wasmpool:init';
  /** Absolute URL of the Emscripten module's .js file. */
  moduleUrl: string;
  /** Pool threads; 0 = the module's own default (wasmpool-cc --threads, else one per core). */
  threads: number;
  heartbeatIntervalMs: number;
  /** Bytes of wasm memory to reserve for pool.alloc (0 = none). */
  allocBytes: number;
}

/** The page's answer to LoadedMessage: one port per pool thread, for its logs and panics
 * straight to the page. They must reach the threads before the threads start running C. */
export interface PortsMessage {
  type: 'wasmpool:ports';
  ports: MessagePort[];
}

export interface CallMessage {
  type: 'wasmpool:call';
  id: number;
  name: string;
  args: WireArg[];
  returns: ReturnKind;
}

export interface CancelMessage {
  type: 'wasmpool:cancel';
  id: number;
}

/** Only the test build of the host (dist/wasmpool-host.debug.js) knows it: the host blocks
 * its own event loop for `ms`, as a wedged host would. The shipped host does not know it
 * (it warns once, as for any unknown message). */
export interface WedgeMessage {
  type: 'wasmpool:debug-wedge';
  ms: number;
}

export type ToHost = InitMessage | PortsMessage | CallMessage | CancelMessage | WedgeMessage;

// ---- host -> page ----

/** The module is loaded and its pool threads are prepared, not yet started: how many. */
export interface LoadedMessage {
  type: 'wasmpool:loaded';
  /** Pool workers the module prepared, each to get a port: Emscripten, not the host, picks
   * which of them run the threads, so every one needs its port. */
  workers: number;
}

export interface ReadyMessage {
  type: 'wasmpool:ready';
  threads: number;
  /** Every callable export and its parameter count. */
  exports: Record<string, number>;
  /** The module's shared memory, so the page can see pool.alloc buffers. */
  memory: WebAssembly.Memory;
  /** The block reserved for pool.alloc: its address and size in bytes (0 if none). */
  arena: { ptr: number; bytes: number };
  /** The module's signature table, by export, when wasmpool-cc built it. */
  signatures?: Record<string, ExportSignature>;
}

export interface InitFailedMessage {
  type: 'wasmpool:init-failed';
  message: string;
  url?: string;
}

export interface ResultMessage {
  type: 'wasmpool:result';
  id: number;
  value: number | bigint | string | null | undefined;
  /** New contents of the arguments marked copyBack, by argument index. */
  outputs: { index: number; bytes: ArrayBuffer }[];
}

/** A call the host could not hand to C (the module lacks the export, or an argument does
 * not fit): it never ran. */
export interface CallErrorMessage {
  type: 'wasmpool:call-error';
  id: number;
  code: 'SERIALIZATION_FAILED';
  message: string;
}

export interface HeartbeatMessage {
  type: 'wasmpool:heartbeat';
}

/** A pool thread died. Its own PanicMessage (on its port) says which call and why; this
 * is the backstop, in case that report never comes. */
export interface FaultMessage {
  type: 'wasmpool:fault';
  message: string;
}

export type FromHost =
  | LoadedMessage
  | ReadyMessage
  | InitFailedMessage
  | ResultMessage
  | CallErrorMessage
  | HeartbeatMessage
  | FaultMessage;

// ---- pool thread -> page, over the thread's own port ----

export type LogLevel = 'log' | 'error';

export interface LogMessage {
  type: 'wasmpool:log';
  thread: number;
  level: LogLevel;
  text: string;
  /** performance.timeOrigin + performance.now() on the thread, in ms. */
  time: number;
}

export interface PanicMessage {
  type: 'wasmpool:panic';
  thread: number;
  /** The call whose code failed, 0 if the thread was not working for a call. */
  callId: number;
  message: string;
  /** The failing thread's JS and wasm stack, when the fault was an exception. */
  stack?: string;
}

export interface ProgressMessage {
  type: 'wasmpool:progress';
  callId: number;
  done: number;
  total: number;
}

export type FromThread = LogMessage | PanicMessage | ProgressMessage;
