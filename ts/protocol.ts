/**
 * The wire protocol between the page's ThreadPoolManager, the host worker, and the pool
 * threads. Every message is a discriminated union member with a `wasmpool:` prefixed
 * `type`, so it never collides with a user's own messages. Calls are matched to replies by
 * `id`. Errors cross as plain `{code, message}` and are rebuilt as classes on the page.
 */

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

// ---- page -> host ----

export interface InitMessage {
  type: 'wasmpool:init';
  /** Absolute URL of the Emscripten module's .js file. */
  moduleUrl: string;
  threads: number;
  heartbeatIntervalMs: number;
  /** One port per pool thread, for its logs and panics straight to the page. */
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

/** Test-only: the host blocks its own event loop for `ms`, as a wedged host would. */
export interface WedgeMessage {
  type: 'wasmpool:debug-wedge';
  ms: number;
}

export type ToHost = InitMessage | CallMessage | CancelMessage | WedgeMessage;

// ---- host -> page ----

export interface ReadyMessage {
  type: 'wasmpool:ready';
  threads: number;
  /** Every callable export and its parameter count. */
  exports: Record<string, number>;
}

export interface InitFailedMessage {
  type: 'wasmpool:init-failed';
  message: string;
  url?: string;
}

export interface ResultMessage {
  type: 'wasmpool:result';
  id: number;
  value: number | bigint | string | undefined;
  /** New contents of the arguments marked copyBack, by argument index. */
  outputs: { index: number; bytes: ArrayBuffer }[];
}

/** A call that failed in the host before or after C ran (never a panic). */
export interface CallErrorMessage {
  type: 'wasmpool:call-error';
  id: number;
  code: 'SERIALIZATION_FAILED' | 'CANCELLED' | 'TASK_TIMEOUT';
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
}

export interface ProgressMessage {
  type: 'wasmpool:progress';
  callId: number;
  done: number;
  total: number;
}

export type FromThread = LogMessage | PanicMessage | ProgressMessage;
