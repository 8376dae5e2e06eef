/**
 * host.ts — wasmpool's host worker (dist/wasmpool-host.js, a classic worker). It loads the
 * Emscripten module once, starts the pool threads, gives each its MessagePort to the page,
 * and turns the page's calls into calls on the pool. It never blocks: a call is submitted
 * to the pool and its completion awaited with Atomics.waitAsync, so heartbeats and
 * messages keep flowing while C runs for minutes.
 */
import { DEFAULT_HEARTBEAT_INTERVAL_MS, MAX_THREADS } from '../ts/options';
import { MODULE_FACTORY, type CallMessage, type ExportSignature, type FromHost, type InitMessage, type ToHost, type WireArg } from '../ts/protocol';

/** true only in the test build, dist/wasmpool-host.debug.js (build.sh's --define). */
declare const WASMPOOL_DEBUG: boolean;

/* The parts of an Emscripten module the host uses. */
interface EmscriptenModule {
  wasmpoolMemory(): WebAssembly.Memory;
  wasmpoolExports: string[];
  /** The signature table, in modules built by wasmpool-cc (its generated --pre-js). */
  wasmpoolSignatures?: Record<string, ExportSignature>;
  /** The raw wasm exports: their `length` is the C parameter count. */
  asm: Record<string, { length: number }>;
  PThread: { unusedWorkers: Worker[] };
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _wp_rt_start(threads: number): number;
  _wp_rt_call_new(nargs: number): number;
  _wp_rt_call_free(call: number): void;
  _wp_rt_submit(call: number): void;
  _wp_rt_cancel(call: number): number;
  [name: string]: unknown;
}
type ModuleFactory = (overrides: Record<string, unknown>) => Promise<EmscriptenModule>;

// Offsets into struct wp_call and wp_arg: c/src/runtime_wasm.h.
const CALL = { id: 0, state: 4, cancelled: 8, name: 12, args: 20, returns: 24, result: 32 };
const RETURNED = 2;
const ARG_SIZE = 16;
const RETURNS = { number: 0, bigint: 1, string: 0, void: 2 } as const;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (message: FromHost, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

// Beat from the start, before init brings the page's interval: a host whose module takes
// long to load is still seen alive.
let heartbeat = setInterval(() => send({ type: 'wasmpool:heartbeat' }), DEFAULT_HEARTBEAT_INTERVAL_MS);
let wasm: EmscriptenModule | undefined;
/** Set while init waits for the page's ports (PortsMessage). */
let receivePorts: ((ports: MessagePort[]) => void) | undefined;
/** Calls submitted to the pool, by id: their wp_call pointer, for cancellation. */
const running = new Map<number, number>();
/** Message types the host did not know and has warned about. */
const ignored = new Set<string>();
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

scope.onmessage = (event: MessageEvent<ToHost>) => {
  const message = event.data;
  // The shipped host has none of this (esbuild drops the branch): it is how tests make a
  // host that stops answering, to see the page's heartbeat watchdog fire.
  if (WASMPOOL_DEBUG && message?.type === 'wasmpool:debug-wedge') {
    const until = performance.now() + message.ms;
    while (performance.now() < until);
    return;
  }
  switch (message?.type) {
    case 'wasmpool:init':
      init(message).catch((error: unknown) =>
        send({ type: 'wasmpool:init-failed', message: errorText(error), url: message.moduleUrl }),
      );
      break;
    case 'wasmpool:ports':
      receivePorts?.(message.ports);
      break;
    case 'wasmpool:call':
      call(message);
      break;
    case 'wasmpool:cancel': {
      // wp_cancelled() turns true for the call; one still queued never starts, and finish()
      // replies at once, so the page's grace period does not run out on a call never begun.
      const ptr = running.get(message.id);
      if (ptr !== undefined && wasm) wasm._wp_rt_cancel(ptr);
      break;
    }
    default:
      // Once per type: a page that keeps sending it must not flood the console.
      if (!ignored.has(String(message?.type))) {
        ignored.add(String(message?.type));
        console.warn('[wasmpool host] ignored a message of a type it does not know (reported once per type):', message);
      }
  }
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const memory = () => wasm!.wasmpoolMemory().buffer as unknown as SharedArrayBuffer;
const i32 = () => new Int32Array(memory());

/** Checks the .wasm beside the module before Emscripten does, to fail with a clear reason. */
async function fetchWasm(moduleUrl: string): Promise<ArrayBuffer> {
  const url = moduleUrl.replace(/\.m?js(\?.*)?$/, '.wasm');
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`cannot fetch ${url}: ${errorText(error)}`);
  }
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status} ${response.statusText}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/wasm')) {
    throw new Error(`${url} is served as '${type}'; serve .wasm files as 'application/wasm'`);
  }
  const bytes = await response.arrayBuffer();
  const magic = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (magic.length < 4 || magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    throw new Error(`${url} is not a WebAssembly module (it does not start with \\0asm)`);
  }
  return bytes;
}

function loadScript(moduleUrl: string): ModuleFactory {
  try {
    scope.importScripts(moduleUrl);
  } catch (error) {
    throw new Error(`cannot load ${moduleUrl}: ${errorText(error)}`);
  }
  const factory = (scope as unknown as Record<string, unknown>)[MODULE_FACTORY];
  if (typeof factory !== 'function') {
    throw new Error(`${moduleUrl} is not a wasmpool module (it defines no ${MODULE_FACTORY}); build it with wasmpool-cc`);
  }
  return factory as ModuleFactory;
}

async function init(message: InitMessage): Promise<void> {
  clearInterval(heartbeat);
  heartbeat = setInterval(() => send({ type: 'wasmpool:heartbeat' }), message.heartbeatIntervalMs);
  const factory = loadScript(message.moduleUrl);
  const wasmBinary = await fetchWasm(message.moduleUrl);
  if (typeof Atomics.waitAsync !== 'function') {
    throw new Error('this browser lacks Atomics.waitAsync, which the host needs to await calls without blocking');
  }
  // Emscripten 3.1.6 does not reject its promise when instantiation aborts: onAbort does.
  const module = await new Promise<EmscriptenModule>((resolve, reject) => {
    const overrides: Record<string, unknown> = {
      wasmBinary,
      // 0 leaves the pool size to the module: wasmpool-cc --threads, else one per core.
      wasmpoolThreads: message.threads || undefined,
      // Loaded with importScripts, the module cannot find its own URL for the pthreads.
      mainScriptUrlOrBlob: message.moduleUrl,
      locateFile: (path: string) => new URL(path, message.moduleUrl).href,
      onAbort: (what: unknown) => reject(new Error(`the module aborted while starting: ${String(what)}`)),
    };
    factory(overrides).then(resolve, reject);
    // The factory (which fills in `overrides` as the Module) has made the pool workers, but
    // resolves only once every one has loaded: one whose script fails would leave it
    // pending forever, so a load error must reject here.
    const pthreads = overrides.PThread as { unusedWorkers?: Worker[] } | undefined;
    for (const worker of pthreads?.unusedWorkers ?? []) {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        reject(new Error(`a pool thread failed to start: ${event.message || 'its script (the module\'s .worker.js) did not load'}`));
      });
    }
  });
  wasm = module;
  const workers = module.PThread.unusedWorkers;
  if (message.threads && workers.length < message.threads) {
    throw new Error(`the module prepared ${workers.length} pool threads, ${message.threads} were asked for`);
  }
  const threads = message.threads || Math.min(workers.length, MAX_THREADS);
  // The page makes a port per worker once it knows how many; they must reach the threads
  // before the threads run C, which never returns to read a message. Every prepared worker
  // gets one: Emscripten takes the workers that run threads from the end of its list.
  const ports = await new Promise<MessagePort[]>((resolve) => {
    receivePorts = resolve;
    send({ type: 'wasmpool:loaded', workers: workers.length });
  });
  receivePorts = undefined;
  workers.forEach((worker, i) => {
    const port = ports[i];
    if (port) worker.postMessage({ cmd: 'wasmpool:port', port }, [port]);
    // The thread reports its own death to the page over its port. Emscripten's handler
    // rethrows the error into the host, which would surface on the page as an anonymous
    // ErrorEvent; instead the host just tells the page, as a backstop for that report.
    worker.onerror = (event) => {
      event.preventDefault();
      send({ type: 'wasmpool:fault', message: event.message });
    };
  });
  const status = module._wp_rt_start(threads);
  if (status !== 0) throw new Error(`the pool threads could not start (status ${status})`);

  // The page's pool.alloc buffers come out of this block; the page manages it (ts/arena.ts).
  const arena = message.allocBytes > 0 ? module._malloc(message.allocBytes) : 0;
  if (message.allocBytes > 0 && !arena) throw new Error(`cannot reserve allocBytes (${message.allocBytes} bytes) of wasm memory`);

  const exports: Record<string, number> = {};
  for (const name of module.wasmpoolExports) {
    const fn = module.asm[name];
    if (typeof fn === 'function') exports[name] = fn.length;
  }
  send({
    type: 'wasmpool:ready',
    threads,
    exports,
    memory: module.wasmpoolMemory(),
    arena: { ptr: arena, bytes: arena ? message.allocBytes : 0 },
    ...(module.wasmpoolSignatures ? { signatures: module.wasmpoolSignatures } : {}),
  });
}

/** Copies the arguments into wasm memory: the pointers to free, and the copies to return. */
interface Marshalled {
  allocations: number[];
  copyBack: { index: number; ptr: number; bytes: number }[];
}

function writeArgs(call: number, args: WireArg[], out: Marshalled): void {
  const argp = i32()[(call + CALL.args) >> 2];
  args.forEach((arg, index) => {
    const slot = argp + index * ARG_SIZE;
    let value: number | bigint;
    switch (arg.kind) {
      case 'number':
      case 'pointer':
        value = arg.value;
        break;
      case 'bigint':
        value = arg.value;
        break;
      case 'string': {
        const bytes = utf8.encode(arg.value);
        const ptr = allocate(out, bytes.length + 1);
        const heap = new Uint8Array(memory());
        heap.set(bytes, ptr);
        heap[ptr + bytes.length] = 0;
        value = ptr;
        break;
      }
      case 'array': {
        const src = new Uint8Array(arg.value.buffer, arg.value.byteOffset, arg.value.byteLength);
        const ptr = allocate(out, Math.max(1, src.length));
        new Uint8Array(memory()).set(src, ptr);
        if (arg.copyBack) out.copyBack.push({ index, ptr, bytes: src.length });
        value = ptr;
        break;
      }
    }
    if (typeof value === 'bigint') {
      i32()[slot >> 2] = 1;
      new BigInt64Array(memory())[(slot + 8) >> 3] = value;
    } else {
      i32()[slot >> 2] = 0;
      new Float64Array(memory())[(slot + 8) >> 3] = value;
    }
  });
}

class OutOfMemory extends RangeError {}

/** Export names, written into wasm memory once each (a module has a few) and kept for the
 * instance's life: a call only points at its name. */
const names = new Map<string, number>();
function nameOf(name: string): number {
  let ptr = names.get(name);
  if (ptr === undefined) {
    const bytes = utf8.encode(name);
    ptr = wasm!._malloc(bytes.length + 1);
    if (!ptr) throw new OutOfMemory(`out of wasm memory for the name ${name}`);
    new Uint8Array(memory()).set(bytes, ptr);
    new Uint8Array(memory())[ptr + bytes.length] = 0;
    names.set(name, ptr);
  }
  return ptr;
}

function allocate(out: Marshalled, bytes: number): number {
  const ptr = wasm!._malloc(bytes);
  if (!ptr) throw new OutOfMemory(`out of wasm memory allocating ${bytes} bytes`);
  out.allocations.push(ptr);
  return ptr;
}

function call(message: CallMessage): void {
  const w = wasm;
  const fail = (text: string) =>
    send({ type: 'wasmpool:call-error', id: message.id, code: 'SERIALIZATION_FAILED', message: text });
  if (!w) return fail('the module is not loaded');
  if (!w.wasmpoolExports.includes(message.name)) return fail(`${message.name} is not an export of this module`);

  const marshalled: Marshalled = { allocations: [], copyBack: [] };
  const ptr = w._wp_rt_call_new(message.args.length);
  if (!ptr) return fail('out of wasm memory');
  try {
    const heap = i32();
    heap[(ptr + CALL.id) >> 2] = message.id;
    heap[(ptr + CALL.name) >> 2] = nameOf(message.name);
    heap[(ptr + CALL.returns) >> 2] = RETURNS[message.returns];
    writeArgs(ptr, message.args, marshalled);
  } catch (error) {
    // Only running out of memory is this call's own problem; anything else came from wasm.
    if (!(error instanceof OutOfMemory)) return crash(error);
    marshalled.allocations.forEach((p) => w._free(p));
    w._wp_rt_call_free(ptr);
    return fail(errorText(error));
  }
  running.set(message.id, ptr);
  w._wp_rt_submit(ptr);
  finish(message, ptr, marshalled).catch(crash);
}

/**
 * An exception from wasm on the host (a trap in malloc or free over a heap some kernel
 * corrupted, say) means the instance cannot be trusted. Thrown again from a task of its
 * own, it is an uncaught error of the host worker, which the page turns into a crash of
 * the instance: every pending call rejects, and the next one gets a fresh pool.
 */
function crash(error: unknown): void {
  setTimeout(() => {
    throw error instanceof Error ? error : new Error(`wasmpool host: ${String(error)}`);
  });
}
// The same for anything else that escaped a promise.
scope.addEventListener('unhandledrejection', (event) => crash(event.reason));

/** Awaits the call's RETURNED state without blocking, then replies and frees. */
async function finish(message: CallMessage, ptr: number, marshalled: Marshalled): Promise<void> {
  const w = wasm!;
  const stateIndex = (ptr + CALL.state) >> 2;
  for (;;) {
    const state = Atomics.load(i32(), stateIndex);
    if (state === RETURNED) break;
    const wait = Atomics.waitAsync(i32(), stateIndex, state);
    if (wait.async) await wait.value;
  }
  running.delete(message.id);
  let value: number | bigint | string | null | undefined;
  if (message.returns === 'bigint') value = new BigInt64Array(memory())[(ptr + CALL.result) >> 3];
  else if (message.returns !== 'void') value = new Float64Array(memory())[(ptr + CALL.result) >> 3];
  if (message.returns === 'string') value = cString(value as number);
  const heap = new Uint8Array(memory());
  const outputs = marshalled.copyBack.map(({ index, ptr: p, bytes }) => ({
    index,
    bytes: heap.slice(p, p + bytes).buffer,
  }));
  marshalled.allocations.forEach((p) => w._free(p));
  w._wp_rt_call_free(ptr);
  send({ type: 'wasmpool:result', id: message.id, value, outputs }, outputs.map((o) => o.bytes));
}

/** A NUL-terminated UTF-8 string in wasm memory; a NULL pointer is null. */
function cString(ptr: number): string | null {
  if (!ptr) return null;
  const heap = new Uint8Array(memory());
  const end = heap.indexOf(0, ptr);
  return fromUtf8.decode(heap.slice(ptr, end < 0 ? heap.length : end));
}
