/**
 * PoolOptions: what a ThreadPoolManager can be told, with defaults, and their validation.
 * Every bad option is a TypeError naming the option and what it accepts, thrown by the
 * constructor: a misconfigured pool fails where it is written, not at its first call.
 */

/** Where log lines and panic reports go on the page; `console` by default. C's log lines
 * go to `log` (stderr's to `error`), faults to `error`, and what the pool ignores to `warn`. */
export interface PoolConsole {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface PoolOptions {
  /**
   * The Emscripten module built by wasmpool-cc: the URL of its `.js` file. The `.wasm` and
   * `.worker.js` files are looked up beside it.
   * @example new URL('./kernels.js', import.meta.url)
   */
  module: string | URL;
  /**
   * Pool threads that run C code.
   * @default the module's: `wasmpool-cc --threads N`, else navigator.hardwareConcurrency
   */
  threads?: number;
  /**
   * Default per-call timeout in ms; a call past it rejects with TimeoutError. 0 = none.
   * @default 0
   */
  timeoutMs?: number;
  /**
   * How often the host worker reports that it is alive, in ms.
   * @default 250
   */
  heartbeatIntervalMs?: number;
  /**
   * With no heartbeat for this long (ms), the host is presumed wedged: it is terminated and
   * every pending call rejects with HeartbeatLostError. Must exceed heartbeatIntervalMs.
   * @default 2000
   */
  heartbeatTimeoutMs?: number;
  /**
   * After this long (ms) with nothing pending, the host and its threads are terminated and
   * the memory freed; the next call starts a fresh one. 0 keeps the pool alive.
   * @default 10000
   */
  idleShutdownMs?: number;
  /**
   * The most calls that may be pending at once; more reject with PoolBusyError.
   * @default 10000
   */
  maxPending?: number;
  /**
   * Where logs and panics are printed; `null` silences them (events still fire).
   * @default globalThis.console
   */
  console?: PoolConsole | null;
  /**
   * URL of wasmpool's host worker script, for CDN use where `import.meta.url` cannot find it.
   * @default new URL('./wasmpool-host.js', import.meta.url)
   */
  workerUrl?: string | URL;
  /**
   * Bytes of wasm memory reserved when the pool starts for `pool.alloc` buffers (zero-copy
   * arguments). 0 reserves none, and `alloc` then throws.
   * @default 16 MiB
   */
  allocBytes?: number;
  /**
   * How long a cancelled or timed-out call's C code may take to return (having seen
   * wp_cancelled()) before its instance is terminated and restarted, in ms.
   * @default 500
   */
  cancelGraceMs?: number;
}

export interface ResolvedOptions {
  module: string;
  /** 0: the module's default. */
  threads: number;
  timeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  idleShutdownMs: number;
  maxPending: number;
  console: PoolConsole | null;
  workerUrl: string | undefined;
  cancelGraceMs: number;
  allocBytes: number;
}

/** The most pool threads: the C core's WP_MAX_THREADS. */
export const MAX_THREADS = 64;

/** options.heartbeatIntervalMs when none is given; also the host's beat before init. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 250;

/** setTimeout's longest delay (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_DELAY_MS = 2 ** 31 - 1;


function integer(name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new TypeError(`options.${name} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

function url(name: string, value: unknown): string {
  if (value instanceof URL) return value.href;
  if (typeof value === 'string' && value !== '') return value;
  throw new TypeError(
    `options.${name} must be a URL or a non-empty string, e.g. new URL('./kernels.js', import.meta.url); got ${String(value)}`,
  );
}

export function resolveOptions(options: PoolOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('ThreadPoolManager needs an options object: new ThreadPoolManager({ module: url })');
  }
  const known = new Set<string>([
    'module', 'threads', 'timeoutMs', 'heartbeatIntervalMs', 'heartbeatTimeoutMs',
    'idleShutdownMs', 'maxPending', 'console', 'workerUrl', 'cancelGraceMs', 'allocBytes',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`options.${key} is not a ThreadPoolManager option (known: ${[...known].join(', ')})`);
  }
  const heartbeatIntervalMs = integer('heartbeatIntervalMs', options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS, 1, MAX_DELAY_MS);
  const heartbeatTimeoutMs = integer('heartbeatTimeoutMs', options.heartbeatTimeoutMs, 2000, 1, MAX_DELAY_MS);
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) {
    throw new TypeError(
      `options.heartbeatTimeoutMs (${heartbeatTimeoutMs}) must be greater than options.heartbeatIntervalMs (${heartbeatIntervalMs})`,
    );
  }
  const sink = options.console;
  if (sink !== undefined && sink !== null && !(['log', 'warn', 'error'] as const).every((m) => typeof sink[m] === 'function')) {
    throw new TypeError('options.console must be an object with log, warn and error methods (e.g. console), or null to print nothing');
  }
  return {
    module: url('module', options.module),
    // 0: the module decides (wasmpool-cc --threads N, else one per core).
    threads: integer('threads', options.threads, 0, 1, MAX_THREADS),
    timeoutMs: integer('timeoutMs', options.timeoutMs, 0, 0, MAX_DELAY_MS),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    idleShutdownMs: integer('idleShutdownMs', options.idleShutdownMs, 10_000, 0, MAX_DELAY_MS),
    maxPending: integer('maxPending', options.maxPending, 10_000, 1),
    console: sink === undefined ? globalThis.console : sink,
    workerUrl: options.workerUrl === undefined ? undefined : url('workerUrl', options.workerUrl),
    cancelGraceMs: integer('cancelGraceMs', options.cancelGraceMs, 500, 0, MAX_DELAY_MS),
    allocBytes: integer('allocBytes', options.allocBytes, 16 * 1024 * 1024, 0, 1024 * 1024 * 1024),
  };
}
