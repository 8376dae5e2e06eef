// The runtime in real Chromium, against the built dist/: start-up, calls and marshalling,
// panics for every way to fail, logs, heartbeats, timeouts, cancellation, lifecycle.
// Each test drives window.wasmpool (dist/wasmpool.mjs) on e2e/fixtures/pool.html.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/server.mjs';
import { expect, openPool, test } from './test';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// crash_lab modes: c/kernels/kernels.h
const CRASH = {
  panic: 1, wp_assert: 2, abort: 3, assert: 4, trap: 5, oob: 6,
  stack_overflow: 7, infinite_loop: 8, cancellable_loop: 9, exit: 10,
} as const;

test.describe('start-up', () => {
  test('does nothing until the first call, then starts one host with its threads', async ({ page }) => {
    await openPool(page);
    const result = await page.evaluate(async () => {
      const hosts = window.debugHost.hosts;
      const pool = window.makePool({ threads: 3 });
      await new Promise((r) => setTimeout(r, 200));
      const hostsBefore = hosts.length;
      const stateBefore = pool.stats.state;
      await pool.ready();
      const stats = pool.stats;
      // crash_lab mode 0 runs 16 items per thread and returns how many ran, or -1 if thread 2
      // never joined the loop: so all three threads exist and take work.
      const processed = await pool.call('crash_lab', [2, 0]);
      const hostsAfter = hosts.length;
      await pool.shutdown();
      return { hostsBefore, stateBefore, state: stats.state, threads: stats.threads, processed, hostsAfter };
    });
    expect(result).toEqual({ hostsBefore: 0, stateBefore: 'stopped', state: 'ready', threads: 3, processed: 48, hostsAfter: 1 });
  });

  test('the module is fetched and compiled once, not once per thread', async ({ page }) => {
    await openPool(page);
    const wasmFetches: string[] = [];
    page.context().on('request', (request) => {
      if (request.url().endsWith('/dist/kernels.wasm')) wasmFetches.push(request.url());
    });
    const processed = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 4 });
      const n = await pool.call('crash_lab', [3, 0]);
      await pool.shutdown();
      return n;
    });
    expect(processed).toBe(64);
    expect(wasmFetches.length).toBe(1);
  });

  test('threads defaults to navigator.hardwareConcurrency', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool();
      await pool.ready();
      const threads = pool.stats.threads;
      const last = await pool.call('crash_lab', [threads - 1, 0]);
      await pool.shutdown();
      return { threads, last, cores: Math.min(navigator.hardwareConcurrency, 64) };
    });
    expect(r.threads).toBe(r.cores);
    expect(r.last).toBe(16 * r.cores);
  });

  test('a page without cross-origin isolation gets CrossOriginIsolationError naming both headers', async ({ page }) => {
    const plain = await startServer({ port: 0, isolate: false });
    try {
      await openPool(page, plain.url);
      const error = await page.evaluate(async () => {
        const pool = window.makePool();
        try {
          await pool.call('probe_add_f64', [1, 2]);
          return null;
        } catch (e: any) {
          return { name: e.name, code: e.code, message: e.message };
        }
      });
      expect(error?.name).toBe('CrossOriginIsolationError');
      expect(error?.code).toBe('NOT_ISOLATED');
      expect(error?.message).toContain('Cross-Origin-Opener-Policy: same-origin');
      expect(error?.message).toContain('Cross-Origin-Embedder-Policy: require-corp');
    } finally {
      await plain.close();
    }
  });

  test('a module that cannot load gets WorkerInitError with its URL and the cause', async ({ page }) => {
    await openPool(page);
    const error = await page.evaluate(async () => {
      const { ThreadPoolManager } = window.wasmpool;
      const url = new URL('/dist/no-such-module.js', location.href).href;
      const pool = new ThreadPoolManager({ module: url });
      try {
        await pool.ready();
        return null;
      } catch (e: any) {
        return { name: e.name, code: e.code, message: e.message, url };
      }
    });
    expect(error?.name).toBe('WorkerInitError');
    expect(error?.code).toBe('WORKER_INIT_FAILED');
    expect(error?.message).toContain(error!.url);
    expect(error?.message).toMatch(/cannot load|404/);
  });

  // Broken modules, made for the test beside a copy of the page and the library, so that no
  // fake .wasm is ever committed.
  let broken: { url: string; close: () => Promise<void> } | null = null;
  let brokenDir = '';
  test.beforeAll(async () => {
    brokenDir = mkdtempSync(path.join(tmpdir(), 'wasmpool-broken-'));
    const put = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(brokenDir, file)), { recursive: true });
      writeFileSync(path.join(brokenDir, file), text);
    };
    for (const file of ['dist/wasmpool.mjs', 'dist/wasmpool-host.js', 'e2e/fixtures/pool.html']) {
      put(file, readFileSync(path.join(repo, file), 'utf8'));
    }
    // A module script whose .wasm is not WebAssembly: the host must refuse it when it
    // checks the .wasm, before this factory is ever called.
    put('e2e/fixtures/not-wasm/kernels.js', 'self.createWasmpoolModule = () => new Promise(() => {});\n');
    put('e2e/fixtures/not-wasm/kernels.wasm', 'This is not WebAssembly.\n');
    put('e2e/fixtures/not-wasm/readme.txt', 'Not a script: a module URL that points at text.\n');
    broken = await startServer({ port: 0, root: brokenDir, dirs: ['dist', 'e2e'] });
  });
  test.afterAll(async () => {
    await broken?.close();
    if (brokenDir) rmSync(brokenDir, { recursive: true, force: true });
  });

  for (const [what, file, expected] of [
    ['a .wasm that is not WebAssembly', '/e2e/fixtures/not-wasm/kernels.js', /not a WebAssembly module/],
    ['a module script served as text/plain', '/e2e/fixtures/not-wasm/readme.txt', /cannot load|not a wasmpool module|MIME/i],
  ] as const) {
    test(`${what} gets WorkerInitError naming the URL`, async ({ page }) => {
      await openPool(page, broken!.url);
      const error = await page.evaluate(async (file) => {
        const { ThreadPoolManager } = window.wasmpool;
        const pool = new ThreadPoolManager({ module: new URL(file, location.href).href });
        return pool.ready().then(() => null, (e: any) => ({ name: e.name, message: e.message }));
      }, file);
      expect(error?.name).toBe('WorkerInitError');
      expect(error?.message).toContain(file.replace(/\.js$/, ''));
      expect(error?.message).toMatch(expected);
    });
  }
});

test.describe('calls', () => {
  test('numbers, BigInt, strings in and out, and in-out typed arrays', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const bytes = new Uint8Array([1, 2, 3, 255]);
      const out = {
        f64: await pool.call('probe_add_f64', [1.5, 2.25]),
        i64: String(await pool.call('probe_add_i64', [2n ** 40n, 5n], { returns: 'bigint' })),
        strlen: await pool.call('probe_strlen', ['héllo ✓']),
        version: await pool.call('probe_version', [], { returns: 'string' }),
        none: await pool.exports.probe_maybe_string(0),
        given: await pool.exports.probe_maybe_string(1),
        crc: (await pool.exports.crc32(new TextEncoder().encode('123456789'))) >>> 0,
        inout: (await pool.call('probe_increment', [bytes]), Array.from(bytes)),
        bool: await pool.call('probe_add_f64', [true, false]),
      };
      await pool.shutdown();
      return out;
    });
    expect(r).toEqual({
      f64: 3.75,
      i64: String(2n ** 40n + 5n),
      strlen: 10,
      version: 'wasmpool probe 1 ✓',
      none: null,
      given: 'given',
      crc: 0xcbf43926,
      inout: [2, 3, 4, 0],
      bool: 1,
    });
  });

  test('execute runs JS with wasm calls proxied to the pool, several at once', async ({ page }) => {
    await openPool(page);
    const sums = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const job = (k: number) =>
        pool.execute(async (wasm: any) => {
          const a = await wasm.probe_add_f64(k, 1);
          return await wasm.probe_add_f64(a, 10);
        });
      const results = await Promise.all([job(1), job(2), job(3)]);
      await pool.shutdown();
      return results;
    });
    expect(sums).toEqual([12, 13, 14]);
  });

  test('bad calls get SerializationError and nothing reaches C', async ({ page }) => {
    await openPool(page);
    const errors = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const detached = new Uint8Array(8);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      const attempts: [string, unknown[]][] = [
        ['no_such_export', []],
        ['probe_add_f64', [1]],
        ['probe_add_f64', [{}, 1]],
        ['probe_add_f64', [() => 1, 1]],
        ['probe_increment', [detached]],
      ];
      const out = [];
      for (const [name, args] of attempts) {
        try {
          await pool.call(name, args);
          out.push('resolved');
        } catch (e: any) {
          out.push(`${e.code}: ${e.message}`);
        }
      }
      const stats = pool.stats;
      await pool.shutdown();
      return { out, completed: stats.completed };
    });
    for (const line of errors.out) expect(line).toMatch(/^SERIALIZATION_FAILED: /);
    expect(errors.out[0]).toContain('no_such_export');
    expect(errors.out[1]).toMatch(/argument|arity|expects 2/i);
    expect(errors.completed).toBe(0);
  });

  test('1,000 concurrent calls all resolve correctly', async ({ page }) => {
    await openPool(page);
    const wrong = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 3 });
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => pool.call('sum_f64', [new Float64Array([i, i, 0.5])])),
      );
      await pool.shutdown();
      return results.filter((r: number, i: number) => r !== 2 * i + 0.5).length;
    });
    expect(wrong).toBe(0);
  });
});

test.describe('panics are loud, fast and recoverable', () => {
  for (const [mode, expected] of [
    ['panic', /crash_lab: thread \d panics on purpose/],
    ['wp_assert', /assertion failed/],
    ['abort', /abort/],
    ['assert', /Assertion failed/],
    ['trap', /trap: unreachable/],
    ['oob', /trap: memory access out of bounds/],
    ['stack_overflow', /stack overflow/],
    ['exit', /exit\(3\) called/],
  ] as const) {
    test(`${mode} on a pool thread: PanicError, the console line, others crash, next call works`, async ({ page }) => {
      const consoleLines = await openPool(page);
      const r = await page.evaluate(async (mode) => {
        // The default heartbeat timeout: a dead thread does not stop the host's beats, so
        // only the thread's own report can reject the call.
        const pool = window.makePool({ threads: 3 });
        const logs: any[] = [];
        const events: string[] = [];
        pool.on('log', (record: any) => logs.push(record));
        pool.on('panic', (e: any) => events.push(`panic:${e.code}`));
        pool.on('restart', () => events.push('restart'));
        await pool.ready();
        // Another call in flight, on a thread of its own until the fault takes it down.
        const bystander = pool.call('probe_wait_cancel', []).then(
          () => 'resolved',
          (e: any) => e.code,
        );
        while (!logs.some((l) => l.text.startsWith('probe_wait_cancel on thread'))) await new Promise((r) => setTimeout(r, 5));
        const busy = Number(logs.find((l) => l.text.startsWith('probe_wait_cancel')).text.split(' ').pop());
        const target = busy === 1 ? 2 : 1;
        let error: any;
        try {
          await pool.call('crash_lab', [target, mode]);
        } catch (e) {
          error = e;
        }
        const rejectedAt = performance.timeOrigin + performance.now();
        const lastWords = logs.find((l) => l.text.startsWith(`crash_lab: thread ${target} about to fail`));
        const after = await pool.call('probe_add_f64', [20, 22]);
        const stats = pool.stats;
        await pool.shutdown();
        return {
          target,
          name: error?.name, code: error?.code, thread: error?.thread, callId: error?.callId,
          functionName: error?.functionName, message: error?.message, panicMessage: error?.panicMessage,
          threadStack: error?.threadStack,
          bystander: await bystander,
          lastWordsThread: lastWords?.thread,
          latencyMs: lastWords ? rejectedAt - lastWords.time : null,
          after, restarts: stats.restarts, events,
        };
      }, CRASH[mode]);
      expect(r.name).toBe('PanicError');
      expect(r.code).toBe('PANIC');
      expect(r.thread).toBe(r.target);
      expect(r.functionName).toBe('crash_lab');
      expect(Number.isInteger(r.callId) && r.callId > 0).toBe(true);
      expect(r.message).toBe(`panic on thread ${r.target} in crash_lab(): ${r.panicMessage}`);
      expect(r.panicMessage).toMatch(expected);
      expect(r.bystander).toBe('POOL_CRASHED');
      expect(r.lastWordsThread).toBe(r.target); // the log line before the fault arrived first
      expect(r.after).toBe(42);
      expect(r.restarts).toBe(1);
      expect(r.events).toEqual(['panic:PANIC', 'restart']);
      expect(consoleLines).toContain(`error: [wasmpool] panic on thread ${r.target} in crash_lab(): ${r.panicMessage}`);
      // The failing thread's stack, wasm frames and all, is on the error, not spilled on the
      // console by Emscripten's worker.js next to the panic line.
      expect(r.threadStack).toMatch(/wasm-function/);
      expect(consoleLines.filter((l) => /captured an uncaught exception|Aborted\(|RuntimeError|WasmPoolPanic/.test(l))).toEqual([]);
      test.info().annotations.push({ type: 'fault-to-rejection-ms', description: `${mode}: ${r.latencyMs?.toFixed(1)}` });
      console.log(`fault-to-rejection ${mode}: ${r.latencyMs?.toFixed(1)} ms`);
    });
  }

  test('a loop that checks wp_cancelled ends by cancellation and the pool lives on', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async (mode) => {
      const pool = window.makePool({ threads: 2 });
      await pool.ready();
      const controller = new AbortController();
      const call = pool.call('crash_lab', [1, mode], { signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      const code = await call.then(() => 'resolved', (e: any) => e.code);
      await new Promise((r) => setTimeout(r, 800)); // past the grace period
      const after = await pool.call('probe_add_f64', [1, 1]);
      const restarts = pool.stats.restarts;
      await pool.shutdown();
      return { code, after, restarts };
    }, CRASH.cancellable_loop);
    expect(r).toEqual({ code: 'CANCELLED', after: 2, restarts: 0 });
  });

  test('cancelling one call makes wp_cancelled true for that call only', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      await pool.ready();
      const first = new AbortController();
      const second = new AbortController();
      let secondDone = false;
      const a = pool.call('probe_wait_cancel', [], { signal: first.signal }).then(() => 'resolved', (e: any) => e.code);
      const b = pool.call('probe_wait_cancel', [], { signal: second.signal }).then(
        () => 'resolved',
        (e: any) => e.code,
      ).finally(() => { secondDone = true; });
      await new Promise((r) => setTimeout(r, 200));
      first.abort();
      const codeA = await a;
      await new Promise((r) => setTimeout(r, 800)); // past the grace: the first call's C has returned
      const secondStillRunning = !secondDone && pool.stats.pending === 1;
      second.abort();
      const codeB = await b;
      await new Promise((r) => setTimeout(r, 800));
      const restarts = pool.stats.restarts;
      await pool.shutdown();
      return { codeA, secondStillRunning, codeB, restarts };
    });
    expect(r).toEqual({ codeA: 'CANCELLED', secondStillRunning: true, codeB: 'CANCELLED', restarts: 0 });
  });

  test('a loop that never checks wp_cancelled is killed by its timeout and the pool restarts', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async (mode) => {
      const pool = window.makePool({ threads: 2, cancelGraceMs: 200 });
      await pool.ready();
      const code = await pool.call('crash_lab', [1, mode], { timeoutMs: 300 }).then(() => 'resolved', (e: any) => e.code);
      await new Promise((r) => setTimeout(r, 500));
      const after = await pool.call('probe_add_f64', [1, 1]);
      const restarts = pool.stats.restarts;
      await pool.shutdown();
      return { code, after, restarts };
    }, CRASH.infinite_loop);
    expect(r).toEqual({ code: 'TASK_TIMEOUT', after: 2, restarts: 1 });
  });
});

test.describe('logs', () => {
  test('wp_log, printf and fprintf(stderr) reach the console and on("log"), in order, tagged', async ({ page }) => {
    const consoleLines = await openPool(page);
    const records = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const logs: any[] = [];
      pool.on('log', (r: any) => logs.push(r));
      await pool.call('probe_log', [3]);
      // The lines travel on the thread's own port and may trail the result.
      for (const until = performance.now() + 5000; logs.length < 9 && performance.now() < until;) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 50)); // room for a tenth line, which must not come
      await pool.shutdown();
      return logs;
    });
    const texts = records.map((r: any) => r.text);
    expect(texts).toEqual([
      'probe line 0', 'probe line 1', 'probe line 2',
      'probe printf 0', 'probe printf 1', 'probe printf 2',
      'probe stderr 0', 'probe stderr 1', 'probe stderr 2',
    ]);
    const thread = records[0].thread;
    for (const r of records) {
      expect(r.thread).toBe(thread);
      expect(typeof r.time).toBe('number');
    }
    expect(records.map((r: any) => r.level)).toEqual([...Array(6).fill('log'), ...Array(3).fill('error')]);
    await expect.poll(() => consoleLines.some((l) => l.includes(`[wasmpool thread ${thread}] probe printf 1`))).toBe(true);
  });

  test('lines from several threads at once keep each thread\'s order', async ({ page }) => {
    const consoleLines = await openPool(page);
    const records = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const logs: any[] = [];
      pool.on('log', (r: any) => logs.push(r));
      await pool.ready();
      // Two calls at once, each logging for a while: one runs on each thread.
      await Promise.all([pool.call('probe_log_slowly', [8, 20]), pool.call('probe_log_slowly', [8, 20])]);
      // Lines travel on each thread's own port, not with the result: the last may trail it.
      const slow = () => logs.filter((r) => r.text.startsWith('slow line'));
      for (const until = performance.now() + 5000; slow().length < 16 && performance.now() < until;) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await pool.shutdown();
      return slow();
    });
    const threads = [...new Set(records.map((r: any) => r.thread))].sort();
    expect(threads).toEqual([0, 1]);
    const lines = Array.from({ length: 8 }, (_, i) => `slow line ${i}`);
    for (const thread of threads) {
      const mine = records.filter((r: any) => r.thread === thread);
      expect(mine.map((r: any) => r.text)).toEqual(lines);
      const times = mine.map((r: any) => r.time);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const printed = () => consoleLines.filter((l) => l.includes(`[wasmpool thread ${thread}] slow line`));
      // Playwright hands console events to the test asynchronously.
      await expect.poll(() => printed().map((l) => l.slice(l.indexOf('slow line')))).toEqual(lines);
    }
  });
});

test.describe('log lines in flight', () => {
  test('lines written just before a call returns survive a shutdown right after it', async ({ page }) => {
    await openPool(page);
    const counts = await page.evaluate(async () => {
      const out: number[] = [];
      for (let round = 0; round < 10; round++) {
        const pool = window.makePool({ threads: 2 });
        let lines = 0;
        pool.on('log', () => lines++);
        await pool.call('probe_log', [20]); // 60 lines, the last written as C returns
        await pool.shutdown();
        await new Promise((r) => setTimeout(r, 300)); // past the ports' drain
        out.push(lines);
      }
      return out;
    });
    expect(counts).toEqual(Array(10).fill(60));
  });
});

test.describe('heartbeats', () => {
  test('a wedged host is detected, pending calls get HeartbeatLostError, the next call restarts', async ({ page }) => {
    const consoleLines = await openPool(page);
    const r = await page.evaluate(async () => {
      const { debugHost } = window;
      const pool = window.makePool({ workerUrl: debugHost.url, threads: 2, heartbeatIntervalMs: 50, heartbeatTimeoutMs: 400 });
      await pool.ready();
      const pending = pool.call('probe_wait_cancel', []).then(() => 'resolved', (e: any) => e.code);
      debugHost.wedge(3000);
      const code = await pending;
      const after = await pool.call('probe_add_f64', [2, 3]);
      const restarts = pool.stats.restarts;
      await pool.shutdown();
      return { code, after, restarts, hosts: debugHost.hosts.length };
    });
    expect(r).toEqual({ code: 'HEARTBEAT_LOST', after: 5, restarts: 1, hosts: 2 });
    expect(consoleLines.some((l) => l.startsWith('error: [wasmpool] the host worker sent no heartbeat for '))).toBe(true);
  });

  test('the shipped host has no wedge: the debug hook is only in the test build', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const { debugHost } = window;
      const pool = window.makePool({ threads: 2, heartbeatIntervalMs: 50, heartbeatTimeoutMs: 400 });
      await pool.ready();
      debugHost.wedge(3000); // would stop the beats for 3 s, were the hook there
      await new Promise((r) => setTimeout(r, 1000));
      const value = await pool.call('probe_add_f64', [2, 3]);
      const { restarts, state } = pool.stats;
      await pool.shutdown();
      return { value, restarts, state };
    });
    expect(r).toEqual({ value: 5, restarts: 0, state: 'ready' });
    const shipped = readFileSync(path.join(repo, 'dist', 'wasmpool-host.js'), 'utf8');
    expect(shipped).not.toContain('debug-wedge');
    expect(readFileSync(path.join(repo, 'dist', 'wasmpool-host.debug.js'), 'utf8')).toContain('debug-wedge');
  });

  test('a long call is not taken for a lost heartbeat', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, heartbeatTimeoutMs: 500 });
      await pool.ready();
      const controller = new AbortController();
      const call = pool.call('probe_wait_cancel', [], { signal: controller.signal }).then(() => 'resolved', (e: any) => e.code);
      await new Promise((r) => setTimeout(r, 3000)); // six heartbeat timeouts of C running
      controller.abort();
      const code = await call;
      const restarts = pool.stats.restarts;
      await pool.shutdown();
      return { code, restarts };
    });
    expect(r).toEqual({ code: 'CANCELLED', restarts: 0 });
  });
});

test.describe('lifecycle', () => {
  test('idle shutdown frees the host; the next call starts again', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, idleShutdownMs: 200 });
      const first = await pool.call('probe_add_f64', [1, 2]);
      await new Promise((r) => setTimeout(r, 500));
      const idle = pool.stats.state;
      const second = await pool.call('probe_add_f64', [3, 4]);
      await pool.shutdown();
      return { first, idle, second };
    });
    expect(r).toEqual({ first: 3, idle: 'idle-stopped', second: 7 });
  });

  test('an idle-stopped pool has no host left: its beats stop and its worker is gone', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, idleShutdownMs: 200, heartbeatIntervalMs: 50 });
      let beats = 0;
      pool.on('heartbeat', () => beats++);
      await pool.call('probe_add_f64', [1, 2]);
      await new Promise((r) => setTimeout(r, 500));
      const state = pool.stats.state;
      const beatsAtStop = beats;
      await new Promise((r) => setTimeout(r, 500));
      const beatsLater = beats;
      await pool.shutdown();
      return { state, beatsAtStop, beatsLater };
    });
    expect(r.state).toBe('idle-stopped');
    expect(r.beatsAtStop).toBeGreaterThan(0);
    expect(r.beatsLater).toBe(r.beatsAtStop);
  });

  test('idleShutdownMs: 0 keeps the pool running', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, idleShutdownMs: 0, heartbeatIntervalMs: 50 });
      let beats = 0;
      await pool.call('probe_add_f64', [1, 2]);
      pool.on('heartbeat', () => beats++);
      await new Promise((r) => setTimeout(r, 1000));
      const { state, restarts } = pool.stats;
      await pool.shutdown();
      return { state, restarts, beating: beats > 5 };
    });
    expect(r).toEqual({ state: 'ready', restarts: 0, beating: true });
  });

  test('the pool\'s timeoutMs applies to every call that gives none', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, timeoutMs: 300 });
      const quick = await pool.call('probe_add_f64', [1, 2]);
      const slow = await pool.call('probe_wait_cancel', []).then(() => 'resolved', (e: any) => `${e.name} ${e.code}`);
      const overridden = await pool.call('probe_log_slowly', [1, 500], { timeoutMs: 5000 }).then(() => 'resolved', (e: any) => e.code);
      const { restarts } = pool.stats;
      await pool.shutdown();
      return { quick, slow, overridden, restarts };
    });
    // probe_wait_cancel honours wp_cancelled(), so the timeout needs no restart.
    expect(r).toEqual({ quick: 3, slow: 'TimeoutError TASK_TIMEOUT', overridden: 'resolved', restarts: 0 });
  });

  test('shutdown rejects pending calls, is idempotent, and later calls reject', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      await pool.ready();
      const pending = pool.call('probe_wait_cancel', []).then(() => 'resolved', (e: any) => e.code);
      await pool.shutdown();
      await pool.shutdown();
      const later = await pool.call('probe_add_f64', [1, 1]).then(() => 'resolved', (e: any) => e.code);
      return { pending: await pending, later, state: pool.stats.state, hosts: window.debugHost.hosts.length };
    });
    expect(r).toEqual({ pending: 'POOL_SHUTDOWN', later: 'POOL_SHUTDOWN', state: 'shut-down', hosts: 1 });
  });

  test('more than maxPending calls get PoolBusyError', async ({ page }) => {
    await openPool(page);
    const codes = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2, maxPending: 2 });
      const calls = [1, 2, 3].map((k) => pool.call('probe_add_f64', [k, 0]).then((v: number) => v, (e: any) => e.code));
      const out = await Promise.all(calls);
      const { completed, pending } = pool.stats;
      await pool.shutdown();
      return [...out, completed, pending];
    });
    expect(codes).toEqual([1, 2, 'WORKER_BUSY', 2, 0]);
  });

  test('progress reaches onProgress, at most 60 updates a second', async ({ page }) => {
    await openPool(page);
    const r = await page.evaluate(async () => {
      // Four threads report at once, so reports arrive faster than 60 a second.
      const pool = window.makePool({ threads: 4 });
      await pool.ready();
      const n = 4_000_000;
      const xs = new Int32Array(n).map((_, i) => (i * 2654435761) | 0);
      const updates: [number, number, number][] = [];
      await pool.call('sort_i32', [xs], {
        onProgress: (done: number, total: number) => updates.push([done, total, performance.now()]),
      });
      let sorted = true;
      for (let i = 1; i < n; i++) if (xs[i - 1] > xs[i]) sorted = false;
      await pool.shutdown();
      return { updates, sorted };
    });
    expect(r.sorted).toBe(true);
    expect(r.updates.length).toBeGreaterThan(3);
    for (const [done, total] of r.updates) expect(done).toBeLessThanOrEqual(total);
    // Never two deliveries within 1000/60 ms, except the last: it is flushed as the call resolves.
    const gaps = r.updates.slice(1, -1).map(([, , t], i) => t - r.updates[i][2]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000 / 60 - 0.5);
  });

  test('supported() reports what this browser offers', async ({ page }) => {
    await openPool(page);
    const s = await page.evaluate(() => window.wasmpool.ThreadPoolManager.supported());
    expect(s).toMatchObject({ crossOriginIsolated: true, sharedArrayBuffer: true, nestedWorkers: true, atomicsWaitAsync: true });
  });
});
