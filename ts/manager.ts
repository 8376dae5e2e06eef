/**
 * ThreadPoolManager: the page's face of wasmpool. It owns at most one live instance (a host
 * worker with its pool threads, ts/instance.ts), starts it on the first call, matches
 * replies to calls by id, and makes every promise settle: with a result, or with a typed
 * error when a call is cancelled, times out, or its instance faults. After a fault nothing
 * of the instance is reused; the next call starts a fresh one.
 *
 * It never blocks: no Atomics.wait, no busy loop. It works on a page and in a Web Worker.
 */

import { admit } from './admission';
import { allocBuffer } from './alloc';
import { PoolCrashedError, PoolShutdownError, SerializationError, WasmPoolError, WorkerInitError } from './errors';
import { checkOptions, EXECUTE_OPTIONS } from './call-options';
import { Emitter } from './events';
import * as faults from './faults';
import { IdleTimer } from './idle-timer';
import { HostInstance, type InstanceConfig, type InstanceListener } from './instance';
import { checkSignature, copyBack, toWire } from './marshal';
import { type PoolOptions, type ResolvedOptions, resolveOptions } from './options';
import { type Call, infoOf, PendingCalls, watchCall } from './pending-calls';
import { Printer } from './printer';
import { ProgressThrottle } from './progress';
import type { TypedArrayConstructor, WasmBuffer } from './wasm-buffer';
import { exportsProxy } from './proxy';
import type { CallErrorMessage, FromThread, LogMessage, PanicMessage, ResultMessage } from './protocol';
import { type Session, Sessions } from './sessions';
import { isolationError, supportReport } from './support';
import type {
  AsyncExports,
  CallOptions,
  ExecuteOptions,
  KernelArgs,
  KernelName,
  KernelResult,
  KernelSignatures,
  LogRecord,
  PoolEvents,
  PoolState,
  PoolStats,
  RestartEvent,
  SupportReport,
  TypedArray,
  UntypedKernels,
} from './types';
import { Zombies } from './zombies';

const EVENTS: readonly (keyof PoolEvents)[] = ['log', 'panic', 'restart', 'state', 'heartbeat'];

/** An absolute URL, resolved against this context's location (page or worker). */
function absoluteUrl(option: string, url: string): string {
  try {
    return new URL(url, globalThis.location?.href).href;
  } catch (cause) {
    throw new TypeError(`options.${option} is not a valid URL, nor relative to ${String(globalThis.location?.href)}: ${url}`, { cause });
  }
}

/**
 * Runs the exports of an Emscripten `-pthread` module, built by `wasmpool-cc`, on a pool of
 * Web Workers, and always learns about failure: a panic, trap or abort in C rejects the
 * call with a PanicError naming the thread and shows it in the console, and the next call
 * gets a fresh pool.
 *
 * @typeParam K - the module's kernels as TypeScript sees them (the interface wasmpool-cc
 *   writes into `kernels.d.ts`); without it, any name and arguments type-check.
 *
 * @example
 * ```ts
 * import { ThreadPoolManager } from 'wasmpool';
 * import type { Kernels } from './kernels';
 * const pool = new ThreadPoolManager<Kernels>({ module: new URL('./kernels.js', import.meta.url) });
 * await pool.exports.blur(pixels, width, height, radius);      // pixels is blurred in place
 * const total = await pool.call('sum_f64', [xs], { timeoutMs: 5000 });
 * await pool.shutdown();
 * ```
 */
export class ThreadPoolManager<K extends KernelSignatures<K> = UntypedKernels> {
  /**
   * Every kernel as an async function: `pool.exports.blur(px, w, h)` is
   * `pool.call('blur', [px, w, h])`. A trailing plain object is taken as {@link CallOptions}:
   * `pool.exports.sort_i32(xs, { signal })`.
   */
  readonly exports: AsyncExports<K>;

  readonly #options: ResolvedOptions;
  readonly #config: InstanceConfig;
  readonly #events = new Emitter<PoolEvents>(EVENTS);
  #state: PoolState = 'stopped';
  /** The instance that runs calls, once ready. */
  #instance: HostInstance | null = null;
  /** The instance that is starting, if any. */
  #starting: HostInstance | null = null;
  /** Calls made before the pool was ready, in order. */
  #queue: Call[] = [];
  #readyWaiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  readonly #calls = new PendingCalls();
  readonly #zombies = new Zombies();
  readonly #sessions = new Sessions();
  #restarts = 0;
  /** The fault that ended the last instance, until the next start turns it into a restart. */
  #restartCause: RestartEvent | null = null;
  readonly #idle: IdleTimer;
  readonly #printer: Printer;
  #isolationReported = false;

  /**
   * Checks the options, and does nothing else: the pool starts on the first call, or on
   * `ready()`.
   * @throws TypeError naming the option, when an option is invalid.
   */
  constructor(options: PoolOptions) {
    const resolved = resolveOptions(options);
    resolved.module = absoluteUrl('module', resolved.module);
    if (resolved.workerUrl !== undefined) resolved.workerUrl = absoluteUrl('workerUrl', resolved.workerUrl);
    this.#options = resolved;
    this.#idle = new IdleTimer(resolved.idleShutdownMs);
    this.#printer = new Printer(resolved.console);
    this.#config = {
      workerUrl: resolved.workerUrl,
      moduleUrl: resolved.module,
      threads: resolved.threads,
      heartbeatIntervalMs: resolved.heartbeatIntervalMs,
      heartbeatTimeoutMs: resolved.heartbeatTimeoutMs,
      allocBytes: resolved.allocBytes,
    };
    this.exports = this.#proxy(null);
  }

  /**
   * What this context offers wasmpool. Every field must be true for a pool to run.
   * `nestedWorkers` reports whether `Worker` exists here; whether a worker may start
   * workers of its own cannot be tested synchronously.
   */
  static supported(): SupportReport {
    return supportReport();
  }

  /**
   * Calls the C export `name` with `args` on a pool thread.
   *
   * Arguments: numbers, booleans (1/0), bigints (64-bit integers), strings (UTF-8
   * `const char *`) and typed arrays. A typed array fills a C pointer-plus-length pair; it
   * is copied into wasm memory and, after the call, copied back into the same array (not
   * when the C pointer is `const`, in a module built by wasmpool-cc: its signature table
   * also checks each argument against its C parameter). A {@link WasmBuffer} from
   * {@link alloc} fills the same pair with no copy at all.
   *
   * Rejects (never throws) with: SerializationError (unknown export, wrong number of
   * arguments, an argument C cannot take; nothing reached C), TimeoutError, CancelledError,
   * PanicError (this call's C code panicked, aborted or trapped), PoolCrashedError (another
   * call's fault ended the instance), HeartbeatLostError, PoolBusyError, PoolShutdownError,
   * WorkerInitError, CrossOriginIsolationError; TypeError for invalid options.
   *
   * @example
   * ```ts
   * const crc = await pool.call('crc32', [bytes]);
   * await pool.call('sort_i32', [xs], { signal: controller.signal, onProgress: (d, t) => bar.value = d / t });
   * const name = await pool.call('version', [], { returns: 'string' });
   * ```
   */
  call<N extends KernelName<K>>(name: N, args: Readonly<KernelArgs<K[N]>>, options?: CallOptions): Promise<KernelResult<K[N]>> {
    return this.#call(name, args, options, null) as Promise<KernelResult<K[N]>>;
  }

  /**
   * Runs `fn` with `wasm`, a view of the exports whose calls are tracked as this execute's:
   * they count as pending, and once an instance they used faults, every later call through
   * this `wasm` rejects with PoolCrashedError (the state they would build on is gone).
   * Several executes may run at once; the pool does not idle-stop while one runs.
   * Resolves to what `fn` resolves to; rejects with what it throws.
   *
   * @example
   * ```ts
   * const total = await pool.execute(async (wasm) => {
   *   await wasm.blur(pixels, w, h, 3);
   *   return wasm.crc32(pixels);
   * }, { timeoutMs: 10_000 });
   * ```
   */
  execute<R>(fn: (wasm: AsyncExports<K>) => R | PromiseLike<R>, options?: ExecuteOptions): Promise<Awaited<R>> {
    return new Promise<Awaited<R>>((resolve, reject) => {
      if (this.#state === 'shut-down') throw new PoolShutdownError('wasmpool: execute() after shutdown()');
      if (typeof fn !== 'function') throw new TypeError('wasmpool: execute(fn) needs a function: pool.execute(async (wasm) => ...)');
      const defaults = checkOptions<ExecuteOptions>(options, EXECUTE_OPTIONS, 'execute()');
      const session = this.#sessions.open(defaults);
      this.#idle.clear();
      const end = () => {
        this.#sessions.close(session);
        this.#maybeIdle();
      };
      let result: R | PromiseLike<R>;
      try {
        result = fn(this.#proxy(session));
      } catch (err) {
        end();
        throw err;
      }
      Promise.resolve(result).then(
        (value) => { end(); resolve(value); },
        (err: unknown) => { end(); reject(err); },
      );
    });
  }

  /**
   * Starts the pool if it is not running, and resolves once it is ready: the module is
   * compiled and its pool threads are created. Rejects with CrossOriginIsolationError,
   * WorkerInitError or PoolShutdownError.
   */
  ready(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.#state === 'shut-down') throw new PoolShutdownError('wasmpool: ready() after shutdown()');
      if (this.#instance) {
        resolve();
        return;
      }
      this.#readyWaiters.push({ resolve, reject });
      this.#ensureStarted();
    });
  }

  /**
   * Terminates the pool (the host worker, its threads and memory) and rejects every pending
   * call with PoolShutdownError. Later calls reject with PoolShutdownError too. Idempotent.
   */
  shutdown(): Promise<void> {
    if (this.#state === 'shut-down') return Promise.resolve();
    this.#state = 'shut-down'; // first: whatever runs from here on sees it
    this.#idle.clear();
    const instance = this.#instance ?? this.#starting;
    this.#instance = this.#starting = null;
    instance?.terminate();
    this.#zombies.clear();
    this.#queue = [];
    for (const call of this.#calls.all()) {
      this.#rejectCall(call, new PoolShutdownError(`wasmpool: call ${call.id} to ${call.name}() was pending when the pool was shut down`, infoOf(call)));
    }
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(new PoolShutdownError('wasmpool: the pool was shut down before it was ready'));
    this.#events.emit('state', 'shut-down');
    return Promise.resolve();
  }

  /** A snapshot of the pool's counters and state. */
  get stats(): PoolStats {
    return {
      threads: this.#instance?.threads || this.#options.threads,
      pending: this.#calls.size,
      completed: this.#calls.completed,
      failed: this.#calls.failed,
      restarts: this.#restarts,
      state: this.#state,
    };
  }

  /**
   * Listens to an event: `'log'` (a LogRecord), `'panic'` (the PanicError), `'restart'`
   * ({reason, error}), `'state'` (the new PoolState), `'heartbeat'` ({time}).
   * A listener that throws is reported as an uncaught error and does not disturb the pool.
   * @returns a function that removes the listener.
   */
  on<E extends keyof PoolEvents>(event: E, listener: (value: PoolEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Receives every line C code writes (`wp_log`, `printf`, `fprintf(stderr, ...)`), as a
   * record with its thread, level, text and time. Same as `on('log', listener)`.
   * @returns a function that removes the listener.
   */
  onLog(listener: (record: LogRecord) => void): () => void {
    return this.#events.on('log', listener);
  }

  /**
   * Allocates `length` elements of wasm memory as a {@link WasmBuffer}. Passed to a call in
   * place of a typed array, it fills the C pointer-plus-length pair with its own address:
   * zero copies, and C's writes show in `buffer.view` at once. The pool must be ready
   * (`await pool.ready()`); the buffer lives until `free()`, a fault or shutdown, and the
   * pool does not idle-stop while buffers are live.
   * @throws TypeError if the pool is not ready, or `length` is not a non-negative integer.
   * @throws RangeError when the arena has no room left, or is off (options.allocBytes 0).
   * @throws PoolShutdownError after `shutdown()`.
   * @example
   * ```ts
   * await pool.ready();
   * const xs = pool.alloc(Float64Array, 1_000_000);
   * xs.view.fill(1);
   * const total = await pool.exports.sum_f64(xs);   // no copy of xs
   * xs.free();
   * ```
   */
  alloc<T extends TypedArray>(Type: TypedArrayConstructor<T>, length: number): WasmBuffer<T> {
    const buffer = allocBuffer(this.#instance, this.#state === 'shut-down', Type, length, () => this.#maybeIdle());
    this.#idle.clear();
    return buffer;
  }

  // ---- calls ----

  #call(name: unknown, args: unknown, options: unknown, session: Session | null): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      try {
        this.#submit(name, args, options, session, resolve, reject);
      } catch (err) {
        this.#calls.countRefused();
        reject(err);
      }
    });
  }

  /** Checks a call and sends or queues it; throws if it is refused before it is registered. */
  #submit(
    rawName: unknown,
    rawArgs: unknown,
    rawOptions: unknown,
    session: Session | null,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ): void {
    const calls = this.#calls;
    const { id, name, args, options, info, signal } = admit(rawName, rawArgs, rawOptions, session, {
      shutDown: this.#state === 'shut-down',
      pending: calls.size,
      maxPending: this.#options.maxPending,
      module: this.#options.module,
      instance: this.#instance,
      nextId: () => calls.nextId(),
    });

    const call: Call = {
      id,
      name,
      args,
      returns: options.returns,
      resolve,
      reject,
      session,
      progress: options.onProgress ? new ProgressThrottle(options.onProgress) : null,
      instance: null,
      outputs: null,
      result: null,
      timer: undefined,
      unlisten: null,
    };
    this.#calls.add(call);
    this.#idle.clear();
    const timeoutMs = options.timeoutMs ?? session?.defaults.timeoutMs ?? this.#options.timeoutMs;
    watchCall(call, info, timeoutMs, signal, (c, error) => this.#abandon(c, error));

    if (this.#instance) {
      this.#send(call, this.#instance);
    } else {
      this.#queue.push(call);
      this.#ensureStarted();
    }
  }

  /** Sends a call to a ready instance; it rejects with SerializationError if it cannot go. */
  #send(call: Call, instance: HostInstance): void {
    const info = infoOf(call);
    try {
      // Again for every call: one queued while the pool started was admitted before the
      // module's exports and signatures were known.
      const signature = instance.signatures.get(call.name);
      checkSignature(call.name, call.args, instance.exports, this.#options.module, info, signature, call.returns);
      const wire = toWire(call.name, call.args, info, signature, call.returns);
      instance.post({ type: 'wasmpool:call', id: call.id, name: call.name, args: wire.args, returns: wire.returns }, wire.transfer);
      call.outputs = wire.outputs;
      call.result = wire.result;
    } catch (err) {
      const error = err instanceof WasmPoolError
        ? err
        : new SerializationError(`wasmpool: the arguments of ${call.name}() could not be sent to the host: ${err instanceof Error ? err.message : String(err)}`, info, { cause: err });
      this.#rejectCall(call, error);
      return;
    }
    call.instance = instance;
    call.session?.generations.add(instance.generation);
  }

  #resolveCall(call: Call, value: unknown): void {
    if (this.#calls.resolve(call, value)) this.#maybeIdle();
  }

  #rejectCall(call: Call, error: unknown): void {
    if (!this.#calls.reject(call, error)) return;
    if (call.instance === null) {
      const queued = this.#queue.indexOf(call);
      if (queued >= 0) this.#queue.splice(queued, 1);
    }
    this.#maybeIdle();
  }

  /**
   * A call timed out or was cancelled: it rejects at once. If C is running it, the host is
   * told to cancel it (wp_cancelled() becomes true), and C has cancelGraceMs to return
   * before the instance is presumed stuck, terminated and restarted.
   */
  #abandon(call: Call, error: WasmPoolError): void {
    if (!this.#calls.has(call)) return;
    const instance = call.instance;
    if (instance && instance === this.#instance) {
      const grace = this.#options.cancelGraceMs;
      this.#zombies.add(call, instance, grace, (zombie) => this.#fault(zombie.instance, faults.graceExpired(zombie, grace)));
      try {
        instance.post({ type: 'wasmpool:cancel', id: call.id });
      } catch {
        // The instance died meanwhile; its fault handling ends the zombie.
      }
    }
    this.#rejectCall(call, error);
  }

  // ---- the instance's life ----

  #ensureStarted(): void {
    if (this.#instance || this.#starting || this.#state === 'shut-down') return;
    const isolation = isolationError();
    if (isolation) {
      if (!this.#isolationReported) this.#printer.error(isolation);
      this.#isolationReported = true;
      this.#failStart(isolation);
      return;
    }
    const restart = this.#restartCause;
    this.#restartCause = null;
    if (restart) this.#restarts++;
    this.#idle.clear();
    const instance: HostInstance = new HostInstance(this.#config, this.#listenerFor(() => instance));
    this.#starting = instance;
    instance.start().then(
      () => this.#started(instance),
      (err: unknown) => this.#startFailed(instance, err),
    );
    this.#setState(restart ? 'restarting' : 'starting');
    if (restart) this.#events.emit('restart', restart);
  }

  #started(instance: HostInstance): void {
    if (this.#starting !== instance) return; // shut down meanwhile
    this.#starting = null;
    this.#instance = instance;
    const queue = this.#queue;
    this.#queue = [];
    for (const call of queue) {
      if (this.#calls.has(call)) this.#send(call, instance);
    }
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.resolve();
    this.#setState('ready');
    this.#maybeIdle();
  }

  #startFailed(instance: HostInstance, err: unknown): void {
    if (this.#starting !== instance) return;
    this.#starting = null;
    const error = err instanceof WasmPoolError
      ? err
      : new WorkerInitError(`wasmpool: the pool could not start: ${String(err)}`, undefined, { cause: err });
    this.#printer.error(error);
    this.#setState('stopped');
    this.#failStart(error);
  }

  /** Rejects everything that waited for a start that will not happen. */
  #failStart(error: WasmPoolError): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const call of queue) this.#rejectCall(call, error);
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  /** What an instance reports, ignored once the instance is no longer this pool's. */
  #listenerFor(instance: () => HostInstance): InstanceListener {
    return {
      reply: (message) => this.#onReply(instance(), message),
      thread: (message) => this.#onThread(instance(), message),
      heartbeat: () => {
        if (this.#events.has('heartbeat')) this.#events.emit('heartbeat', { time: Date.now() });
      },
      fault: (kind, detail, cause) => {
        const inst = instance();
        if (inst === this.#starting) return; // a starting instance reports faults through start()
        this.#fault(inst, kind === 'heartbeat' ? faults.heartbeatLost(detail, this.#calls.allSentTo(inst).length) : faults.hostCrashed(detail, cause));
      },
      threadDied: (detail) => {
        const inst = instance();
        // The thread's panic report normally arrives first, on its own port; ports and the
        // host are separate channels, so wait briefly for it before calling this a crash.
        setTimeout(() => {
          if (inst !== this.#instance) return; // the panic report ended it already
          this.#fault(inst, faults.threadDied(detail));
        }, faults.THREAD_DEATH_GRACE_MS);
      },
      unknown: (type) => this.#printer.unknownMessage(type),
    };
  }

  #onReply(instance: HostInstance, message: ResultMessage | CallErrorMessage): void {
    if (this.#zombies.returned(message.id, instance)) {
      // C honoured the cancellation: the instance lives on.
      this.#maybeIdle();
      return;
    }
    const call = this.#calls.sentTo(instance, message.id);
    if (!call) return;
    if (message.type === 'wasmpool:result') {
      if (call.outputs) copyBack(call.outputs, message.outputs ?? []);
      this.#resolveCall(call, call.result ? call.result(message.value) : message.value);
    } else {
      // The host refused the call before C saw it (CallErrorMessage).
      this.#rejectCall(call, new SerializationError(message.message, infoOf(call)));
    }
  }

  #onThread(instance: HostInstance, message: FromThread): void {
    const type = typeof message === 'object' && message !== null ? message.type : undefined;
    switch (type) {
      case 'wasmpool:log':
        this.#onLog(message as LogMessage);
        return;
      case 'wasmpool:progress': {
        const { callId, done, total } = message as { callId: number; done: number; total: number };
        this.#calls.sentTo(instance, callId)?.progress?.report(done, total);
        return;
      }
      case 'wasmpool:panic':
        this.#onPanic(instance, message as PanicMessage);
        return;
      default:
        this.#printer.unknownMessage(String(type));
    }
  }

  #onLog(message: LogMessage): void {
    const level = message.level === 'error' ? 'error' : 'log';
    this.#printer.print(level, `[wasmpool thread ${message.thread}] ${message.text}`);
    if (this.#events.has('log')) {
      this.#events.emit('log', { thread: message.thread, level, text: message.text, time: message.time });
    }
  }

  #onPanic(instance: HostInstance, message: PanicMessage): void {
    const { thread, callId } = message;
    if (instance === this.#starting) {
      const url = this.#options.module;
      instance.abort(new WorkerInitError(`wasmpool: pool thread ${thread} panicked while ${url} was starting: ${message.message}`, url));
      return;
    }
    if (instance !== this.#instance) return;
    const target = callId ? this.#calls.sentTo(instance, callId) : undefined;
    const fn = target?.name ?? (callId ? this.#zombies.nameOf(callId, instance) : undefined);
    this.#fault(instance, faults.panicked(message, fn, target));
  }

  /**
   * Ends an instance after a fault: terminates it (its threads and memory go with it),
   * rejects each of its calls, prints the fault, and leaves the pool stopped, so that the
   * next call starts a fresh instance.
   */
  #fault(instance: HostInstance, fault: faults.Fault): void {
    instance.terminate();
    if (instance !== this.#instance) return;
    this.#instance = null;
    this.#idle.clear();
    this.#zombies.dropInstance(instance);
    const lost = this.#calls.allSentTo(instance);
    const errors = lost.map((call) => fault.errorFor(call));
    const error = fault.panic ?? errors[0] ?? new PoolCrashedError(`wasmpool: ${fault.reason}`);
    this.#sessions.poison(instance.generation, fault.reason, error);
    this.#restartCause = { reason: fault.reason, error };
    this.#printer.print('error', fault.consoleLine);
    this.#setState('stopped');
    lost.forEach((call, i) => this.#rejectCall(call, errors[i]));
    if (fault.panic) this.#events.emit('panic', fault.panic);
    // Calls can only be queued while starting; should any be, they must not wait forever.
    if (this.#queue.length > 0) this.#ensureStarted();
  }

  // ---- idle shutdown ----

  #maybeIdle(): void {
    this.#idle.arm(() => this.#isIdle(), () => {
      const instance = this.#instance;
      if (!instance || !this.#isIdle()) return;
      this.#instance = null;
      instance.terminate();
      this.#setState('idle-stopped');
    });
  }

  #isIdle(): boolean {
    return (
      this.#instance !== null &&
      this.#calls.size === 0 &&
      this.#zombies.size === 0 &&
      this.#sessions.size === 0 &&
      (this.#instance.arena?.count ?? 0) === 0 // live pool.alloc buffers keep their memory alive
    );
  }

  // ---- helpers ----

  #setState(state: PoolState): void {
    if (this.#state === state || this.#state === 'shut-down') return;
    this.#state = state;
    this.#events.emit('state', state);
  }

  /** The `exports` proxy, and execute()'s `wasm` (with its session). */
  #proxy(session: Session | null): AsyncExports<K> {
    return exportsProxy<K>((name, args, options) => this.#call(name, args, options, session), () => this.#instance?.exports ?? null);
  }
}
