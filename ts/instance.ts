/**
 * One instance of the pool: one host worker (which owns the module, its memory and its pool
 * threads) and one MessagePort per pool thread. It starts, watches the heartbeat, passes
 * messages up to the manager, and is terminated as a whole. An instance is never reused
 * after a fault, and never restarted: the manager makes a new one.
 */

import { Arena } from './arena';
import { HeartbeatLostError, WorkerInitError } from './errors';
import type {
  CallErrorMessage,
  ExportSignature,
  FromThread,
  InitMessage,
  LoadedMessage,
  PortsMessage,
  ReadyMessage,
  ResultMessage,
  ToHost,
} from './protocol';

/** How long a starting host may take to send its first message (its script is downloading). */
const FIRST_BEAT_TIMEOUT_MS = 10_000;
/** How long a host may take from its script to ready: compiling a large module included. */
const START_TIMEOUT_MS = 60_000;
/** How long the ports of an ended instance stay open, so that log lines its threads wrote
 * before the end, still in flight, reach the page. A line may trail its call's result. */
const LOG_DRAIN_MS = 200;

export interface InstanceConfig {
  /** options.workerUrl, absolute; undefined for the host script beside wasmpool's own. */
  workerUrl: string | undefined;
  /** Absolute URL of the Emscripten module's .js. */
  moduleUrl: string;
  threads: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Bytes the host reserves for pool.alloc. */
  allocBytes: number;
}

/** What an instance tells the manager. Nothing is told after `terminate()`, except the log
 * lines its threads wrote before it ended that were still on their way (LOG_DRAIN_MS). */
export interface InstanceListener {
  /** A call's result or error, from the host. */
  reply(message: ResultMessage | CallErrorMessage): void;
  /** A log line, panic or progress report from a pool thread's port. */
  thread(message: FromThread): void;
  heartbeat(): void;
  /** After ready: the host crashed or stopped beating. The instance is already dead. */
  fault(kind: 'crashed' | 'heartbeat', detail: string, cause: unknown): void;
  /**
   * After ready: the host saw a pool thread die (its worker's error event). The thread's own
   * panic report, on its port, may still be on its way; the manager gives it a moment.
   */
  threadDied(detail: string): void;
  /** A message that is not part of the protocol (logged once by the manager). */
  unknown(type: string): void;
}

type Phase = 'new' | 'starting' | 'ready' | 'dead';

let generations = 0;

/** The host worker's file name, beside wasmpool's own module. */
const HOST_SCRIPT = 'wasmpool-host.js';

export class HostInstance {
  /** The module's shared memory, and the pool.alloc arena in it (after ready). */
  memory: WebAssembly.Memory | null = null;
  arena: Arena | null = null;
  /** Numbers instances in the order they were made. */
  readonly generation = ++generations;
  /** The host script's absolute URL. */
  readonly hostUrl: string;
  readonly #config: InstanceConfig;
  readonly #listener: InstanceListener;
  #phase: Phase = 'new';
  #worker: Worker | null = null;
  #ports: MessagePort[] = [];
  #startSettle: { resolve: () => void; reject: (err: WorkerInitError) => void } | null = null;
  #exports: ReadonlyMap<string, number> = new Map();
  #signatures: ReadonlyMap<string, ExportSignature> = new Map();
  #threads = 0;
  #lastBeat = 0;
  #beaten = false;
  #suspect = false;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #startTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: InstanceConfig, listener: InstanceListener) {
    this.#config = config;
    this.#listener = listener;
    // For messages only. Not written as `new URL('./…', import.meta.url)`: bundlers would
    // ship the script a second time as a plain asset, beside the worker #spawn ships.
    this.hostUrl = config.workerUrl ?? new URL(HOST_SCRIPT, import.meta.url).href;
  }

  /** The module's callable exports, name -> C parameter count (after ready). */
  get exports(): ReadonlyMap<string, number> {
    return this.#exports;
  }

  /** The module's signature table (after ready); empty unless wasmpool-cc built it. */
  get signatures(): ReadonlyMap<string, ExportSignature> {
    return this.#signatures;
  }

  /** Pool threads, as the host reported them (after ready). */
  get threads(): number {
    return this.#threads;
  }

  /** Gives a pool.alloc buffer back to the arena (BufferHome). */
  release(ptr: number): void {
    this.arena?.release(ptr);
  }

  get alive(): boolean {
    return this.#phase === 'starting' || this.#phase === 'ready';
  }

  /**
   * Starts the host worker and resolves once its module and threads are ready. Rejects with
   * WorkerInitError (and is then dead) if the script or module fails to load, the host
   * reports an init failure, or it stops beating.
   */
  start(): Promise<void> {
    if (this.#phase !== 'new') return Promise.reject(new Error('wasmpool: internal: an instance starts once'));
    this.#phase = 'starting';
    return new Promise<void>((resolve, reject) => {
      this.#startSettle = { resolve, reject };
      let worker: Worker;
      try {
        worker = this.#spawn();
      } catch (cause) {
        this.abort(new WorkerInitError(
          `wasmpool: cannot start the host worker ${this.hostUrl}: ${describe(cause)}`,
          this.hostUrl,
          { cause },
        ));
        return;
      }
      this.#worker = worker;
      worker.addEventListener('message', (event) => this.#onHostMessage(event.data));
      worker.addEventListener('error', (event) => this.#onError(event));
      worker.addEventListener('messageerror', () => this.#onCrash('a message from the host worker could not be deserialized', undefined));

      const init: InitMessage = {
        type: 'wasmpool:init',
        moduleUrl: this.#config.moduleUrl,
        threads: this.#config.threads,
        heartbeatIntervalMs: this.#config.heartbeatIntervalMs,
        allocBytes: this.#config.allocBytes,
      };
      worker.postMessage(init);
      this.#lastBeat = performance.now();
      this.#armWatchdog();
      // A host that beats but never gets ready (a pool thread whose script never loads, a
      // module that never finishes instantiating) must not leave ready() pending forever.
      this.#startTimer = setTimeout(() => {
        if (this.#phase === 'starting') {
          this.abort(new WorkerInitError(
            `wasmpool: the module ${this.#config.moduleUrl} was not ready within ${START_TIMEOUT_MS / 1000} s`,
            this.#config.moduleUrl,
          ));
        }
      }, START_TIMEOUT_MS);
    });
  }

  /** Posts a message to the host. Throws what postMessage throws (e.g. DataCloneError). */
  post(message: ToHost, transfer: Transferable[] = []): void {
    if (!this.alive || !this.#worker) throw new Error('wasmpool: internal: post to a dead instance');
    this.#worker.postMessage(message, transfer);
  }

  /** Fails a starting instance with this error: terminates it and rejects `start()`. */
  abort(error: WorkerInitError): void {
    this.#dispose()?.reject(error);
  }

  /**
   * Terminates the host worker: its pool threads and its memory go with it. Closes the ports.
   * Idempotent; nothing is reported afterwards. A pending `start()` rejects.
   */
  terminate(): void {
    this.#dispose()?.reject(
      new WorkerInitError(`wasmpool: the host worker ${this.hostUrl} was terminated while starting`, this.hostUrl),
    );
  }

  /** Tears everything down; returns the pending start's settle functions, if any. */
  #dispose(): { resolve: () => void; reject: (err: WorkerInitError) => void } | null {
    if (this.#phase === 'dead') return null;
    const settle = this.#startSettle;
    this.#phase = 'dead';
    this.#startSettle = null;
    clearTimeout(this.#watchdog);
    clearTimeout(this.#startTimer);
    this.#worker?.terminate();
    // Let the memory go now: nothing may keep a dead instance's SharedArrayBuffer alive,
    // neither a pending timer nor a pool.alloc buffer (it reads memory through here).
    this.memory = null;
    this.arena = null;
    this.#worker = null;
    const ports = this.#ports;
    for (const port of ports) {
      port.onmessage = (event) => {
        const message = event.data as FromThread | null;
        if (message?.type === 'wasmpool:log') this.#listener.thread(message);
      };
    }
    setTimeout(() => ports.forEach((port) => { port.onmessage = null; port.close(); }), LOG_DRAIN_MS);
    this.#ports = [];
    return settle;
  }

  #spawn(): Worker {
    if (this.#config.workerUrl !== undefined) return new Worker(this.#config.workerUrl, { name: 'wasmpool-host' });
    // A classic worker (the host loads Emscripten's output with importScripts), written as
    // the literal pattern that bundlers (Vite, webpack, esbuild) recognise and ship.
    return new Worker(new URL('./wasmpool-host.js', import.meta.url), { name: 'wasmpool-host' });
  }


  #onHostMessage(data: unknown): void {
    if (!this.alive) return;
    // Any message proves the host's event loop is turning.
    this.#lastBeat = performance.now();
    this.#beaten = true;
    this.#suspect = false;
    const message = data as { type?: unknown } | null;
    const type = typeof message === 'object' && message !== null ? message.type : undefined;
    switch (type) {
      case 'wasmpool:heartbeat':
        this.#listener.heartbeat();
        return;
      case 'wasmpool:loaded': {
        // One channel per pool thread: the thread keeps one end, this instance the other.
        if (this.#phase !== 'starting' || this.#ports.length) return;
        const { workers } = data as LoadedMessage;
        const channels = Array.from({ length: workers }, () => new MessageChannel());
        this.#ports = channels.map((channel) => channel.port1);
        for (const port of this.#ports) {
          port.onmessage = (event) => {
            if (this.alive) this.#listener.thread(event.data as FromThread);
          };
        }
        const ports = channels.map((channel) => channel.port2);
        this.#worker?.postMessage({ type: 'wasmpool:ports', ports } satisfies PortsMessage, ports);
        return;
      }
      case 'wasmpool:ready': {
        if (this.#phase !== 'starting') return;
        const ready = data as ReadyMessage;
        this.#phase = 'ready';
        clearTimeout(this.#startTimer);
        this.memory = ready.memory;
        this.arena = ready.arena.bytes > 0 ? new Arena(ready.arena.ptr, ready.arena.bytes) : null;
        this.#exports = new Map(Object.entries(ready.exports ?? {}));
        this.#signatures = new Map(Object.entries(ready.signatures ?? {}));
        this.#threads = ready.threads;
        const settle = this.#startSettle;
        this.#startSettle = null;
        settle?.resolve();
        return;
      }
      case 'wasmpool:init-failed': {
        const failed = data as { message: string; url?: string };
        const url = failed.url ?? this.#config.moduleUrl;
        const error = new WorkerInitError(`wasmpool: the module ${url} could not be started: ${failed.message}`, url);
        if (this.#phase === 'starting') this.abort(error);
        else this.#onCrash(`the host reported an init failure after ready: ${failed.message}`, error);
        return;
      }
      case 'wasmpool:fault': {
        // The host's backstop report of a pool thread's death (FaultMessage).
        const detail = String((data as { message?: unknown }).message ?? 'a pool thread died');
        if (this.#phase === 'starting') this.#onCrash(`a pool thread died: ${detail}`, undefined);
        else this.#listener.threadDied(detail);
        return;
      }
      case 'wasmpool:result':
      case 'wasmpool:call-error':
        if (this.#phase === 'ready') this.#listener.reply(data as ResultMessage | CallErrorMessage);
        return;
      default:
        this.#listener.unknown(String(type));
    }
  }

  #onError(event: Event): void {
    // Handled here: the error must not also surface as an uncaught error of the page.
    event.preventDefault();
    const e = event as ErrorEvent;
    const detail = typeof e.message === 'string' && e.message !== ''
      ? `${e.message}${e.filename ? ` (${e.filename}:${e.lineno})` : ''}`
      : 'its script failed to load or run (missing, wrong MIME type, blocked by CSP or COEP, or a syntax error)';
    this.#onCrash(detail, event);
  }

  #onCrash(detail: string, cause: unknown): void {
    if (this.#phase === 'starting') {
      this.abort(new WorkerInitError(`wasmpool: the host worker ${this.hostUrl} failed to start: ${detail}`, this.hostUrl, { cause }));
    } else if (this.#phase === 'ready') {
      this.terminate();
      this.#listener.fault('crashed', detail, cause);
    }
  }

  /**
   * The heartbeat watchdog ticks several times per timeout. A beat missing for the timeout
   * must be seen on two ticks in a row before the host is declared lost: if the page itself
   * was stalled (a long task, a debugger), the beats that queued up meanwhile are delivered
   * between the two ticks, and nothing is lost.
   */
  #armWatchdog(): void {
    const { heartbeatIntervalMs, heartbeatTimeoutMs } = this.#config;
    const tick = Math.max(1, Math.min(heartbeatIntervalMs, heartbeatTimeoutMs / 4));
    this.#watchdog = setTimeout(() => {
      if (!this.alive) return;
      const limit = this.#beaten ? heartbeatTimeoutMs : Math.max(heartbeatTimeoutMs, FIRST_BEAT_TIMEOUT_MS);
      const silent = performance.now() - this.#lastBeat;
      if (silent < limit) {
        this.#suspect = false;
      } else if (!this.#suspect) {
        this.#suspect = true;
      } else {
        this.#lost(Math.round(silent));
        return;
      }
      this.#armWatchdog();
    }, tick);
  }

  #lost(silentMs: number): void {
    const detail = `the host worker sent no heartbeat for ${silentMs} ms (heartbeatTimeoutMs: ${this.#config.heartbeatTimeoutMs})`;
    if (this.#phase === 'starting') {
      this.abort(new WorkerInitError(`wasmpool: ${detail} while starting ${this.hostUrl}`, this.hostUrl, { cause: new HeartbeatLostError(detail) }));
    } else {
      this.terminate();
      this.#listener.fault('heartbeat', detail, undefined);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
