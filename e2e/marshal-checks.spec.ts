// Checks the page makes before a call goes out, against the module's signature table: a
// `returns` that contradicts what C returns, and integers that do not fit their C parameter,
// are refused with SerializationError and nothing is sent. Also: the `exports` proxy gives
// nothing to property probes (JSON.stringify, devtools), and progress never goes back.
import type { Page } from '@playwright/test';
import { ProgressThrottle } from '../ts/progress';
import { serveWithTable } from './module-table';
import { expect, openPool, test } from './test';

async function open(page: Page, base = ''): Promise<void> {
  await openPool(page, base);
  // Every call message the page posts to a host worker, and every unhandled rejection.
  await page.evaluate(() => {
    const w = window as any;
    w.sentCalls = [] as string[];
    w.unhandled = [] as string[];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: any, ...rest: any[]) {
      if (message?.type === 'wasmpool:call') w.sentCalls.push(message.name);
      return (post as any).call(this, message, ...rest);
    };
    addEventListener('unhandledrejection', (e) => w.unhandled.push(String(e.reason?.message ?? e.reason)));
  });
}

test.describe('returns is checked against what C returns', () => {
  for (const when of ['before ready (queued)', 'after ready'] as const) {
    test(`a contradicting returns is refused on the page, ${when}; nothing is sent`, async ({ page }) => {
      await open(page);
      const r = await page.evaluate(async (ready) => {
        const pool = window.makePool({ threads: 2 });
        if (ready) await pool.ready();
        const bytes = new Uint8Array([1, 2, 3]);
        const attempts: [string, unknown[], string][] = [
          ['probe_increment', [bytes], 'bigint'], // void
          ['probe_log', [1], 'number'], // void
          ['probe_add_f64', [1.5, 0], 'bigint'], // double: BigInt(1.5) would throw on the thread
          ['crc32', [new Uint8Array(4)], 'string'], // uint32_t is not a pointer
          ['probe_add_i64', [1n, 2n], 'string'], // int64_t is not a pointer
        ];
        const refused = await Promise.all(
          attempts.map(([name, args, returns]) =>
            pool.call(name, args, { returns }).then(() => 'resolved', (e: any) => `${e.name} ${e.code}: ${e.message}`)),
        );
        const sentBefore = [...(window as any).sentCalls];
        // What does fit still works, on the same instance.
        const fits = {
          i64AsNumber: await pool.call('probe_add_i64', [2n, 3n], { returns: 'number' }),
          crcAsBigint: String(BigInt.asUintN(32, await pool.call('crc32', [new TextEncoder().encode('123456789')], { returns: 'bigint' }))),
          version: await pool.call('probe_version', [], { returns: 'string' }),
          f64AsVoid: await pool.call('probe_add_f64', [1, 2], { returns: 'void' }),
        };
        const stats = pool.stats;
        await pool.shutdown();
        return { refused, sentBefore, bytes: Array.from(bytes), fits, restarts: stats.restarts, unhandled: (window as any).unhandled };
      }, when === 'after ready');
      for (const line of r.refused) expect(line).toMatch(/^SerializationError SERIALIZATION_FAILED: wasmpool: options\.returns of /);
      expect(r.refused[0]).toContain("options.returns of probe_increment() is 'bigint', but C `void probe_increment(uint8_t *bytes, size_t len)` returns nothing (void)");
      expect(r.refused[1]).toContain("options.returns of probe_log() is 'number', but C `void probe_log(int count)` returns nothing (void)");
      expect(r.refused[2]).toContain("options.returns of probe_add_f64() is 'bigint', but C `double probe_add_f64(double a, double b)` returns a floating-point number, which cannot be read as a bigint");
      expect(r.refused[3]).toContain("options.returns of crc32() is 'string', but C `uint32_t crc32(const uint8_t *data, size_t len)` returns an integer, not a pointer");
      expect(r.refused[4]).toContain("options.returns of probe_add_i64() is 'string'");
      expect(r.sentBefore).toEqual([]); // refused on the page: no call message left it
      expect(r.bytes).toEqual([1, 2, 3]); // C never ran
      expect(r.fits).toEqual({ i64AsNumber: 5, crcAsBigint: String(0xcbf43926), version: 'wasmpool probe 1 ✓', f64AsVoid: undefined });
      expect(r.restarts).toBe(0); // no panic tore the instance down
      expect(r.unhandled).toEqual([]);
    });
  }
});

test('integer arguments must fit their C parameter; floats take any number', async ({ page }) => {
  await open(page);
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    await pool.ready();
    const attempts: [string, unknown[]][] = [
      ['probe_log', [2 ** 31]],
      ['probe_log', [-(2 ** 31) - 1]],
      ['probe_log', [1.5]],
      ['probe_log', [NaN]],
      ['probe_log', [Infinity]],
      ['probe_log', [2n ** 31n]],
      ['probe_add_i64', [2 ** 53, 0]],
      ['probe_add_i64', [0, -(2 ** 60)]],
      ['crc32_many', [new Uint8Array(0), new Uint32Array(0), new Uint32Array(0)]], // control: fine
    ];
    const out: string[] = [];
    for (const [name, args] of attempts) {
      out.push(await pool.call(name, args).then(() => 'resolved', (e: any) => `${e.code}: ${e.message}`));
    }
    const sent = [...(window as any).sentCalls];
    const ok = {
      intEdges: await Promise.all([pool.exports.probe_log(0), pool.exports.probe_log(-(2 ** 31))]).then(() => 'resolved', (e: any) => e.message),
      i64: String(await pool.exports.probe_add_i64(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)),
      f64: await pool.exports.probe_add_f64(0.25, 1e300),
      f64Odd: await pool.exports.probe_add_f64(NaN, 1),
    };
    await pool.shutdown();
    return { out, sent, ok };
  });
  const int = 'but C takes `int count`. Fix: pass an integer from -2147483648 to 2147483647.';
  expect(r.out[0]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number 2147483648, out of range, ${int}`);
  expect(r.out[1]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number -2147483649, out of range, ${int}`);
  expect(r.out[2]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number 1.5, not an integer, ${int}`);
  expect(r.out[3]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number NaN, not an integer, ${int}`);
  expect(r.out[4]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number Infinity, not an integer, ${int}`);
  expect(r.out[5]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is 2147483648n, out of range, ${int}`);
  const i64 = 'Fix: pass a bigint from -9223372036854775808n to 9223372036854775807n (or an integer number from -9007199254740991 to 9007199254740991).';
  expect(r.out[6]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (a) of probe_add_i64() is the number 9007199254740992, not a safe integer, but C takes \`int64_t a\`. ${i64}`);
  expect(r.out[7]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 1 (b) of probe_add_i64() is the number -1152921504606847000, not a safe integer, but C takes \`int64_t b\`. ${i64}`);
  expect(r.out[8]).toBe('resolved');
  expect(r.sent).toEqual(['crc32_many']); // only the call that fits went out
  expect(r.ok).toEqual({ intEdges: 'resolved', i64: '0', f64: 1e300, f64Odd: NaN });
});

test.describe('narrow integer and bool parameters', () => {
  // The project's kernels have no such scalar parameter: the table says probe_log takes a
  // uint8_t and probe_log_slowly a bool. The wasm still takes ints.
  const url = serveWithTable((table) => {
    table.probe_log.params[0] = { name: 'count', c: 'uint8_t count', type: 'u8' };
    table.probe_log.c = 'void probe_log(uint8_t count)';
    table.probe_log_slowly.params[0] = { name: 'count', c: 'bool count', type: 'bool' };
    table.probe_log_slowly.c = 'void probe_log_slowly(bool count, int ms)';
    return table;
  });

  test('300 for a uint8_t is refused, not wrapped to 44; a bool takes a boolean, 0 or 1', async ({ page }) => {
    await open(page, url());
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      await pool.ready();
      const attempts: [string, unknown[]][] = [
        ['probe_log', [300]],
        ['probe_log', [-1]],
        ['probe_log', [2.5]],
        ['probe_log', [256n]],
        ['probe_log_slowly', [2, 0]],
        ['probe_log_slowly', [0.5, 0]],
      ];
      const out: string[] = [];
      for (const [name, args] of attempts) {
        out.push(await pool.call(name, args).then(() => 'resolved', (e: any) => `${e.code}: ${e.message}`));
      }
      const sent = [...(window as any).sentCalls];
      const ok = await Promise.all([
        pool.exports.probe_log(0),
        pool.exports.probe_log(2),
        pool.exports.probe_log_slowly(true, 0),
        pool.exports.probe_log_slowly(false, 0),
        pool.exports.probe_log_slowly(1, 0),
      ]).then(() => 'resolved', (e: any) => e.message);
      await pool.shutdown();
      return { out, sent, ok };
    });
    const u8 = 'but C takes `uint8_t count`. Fix: pass an integer from 0 to 255.';
    expect(r.out[0]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number 300, out of range, ${u8}`);
    expect(r.out[1]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number -1, out of range, ${u8}`);
    expect(r.out[2]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is the number 2.5, not an integer, ${u8}`);
    expect(r.out[3]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log() is 256n, out of range, ${u8}`);
    const bool = 'but C takes `bool count`. Fix: pass a boolean (or 0 or 1).';
    expect(r.out[4]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log_slowly() is the number 2, ${bool}`);
    expect(r.out[5]).toBe(`SERIALIZATION_FAILED: wasmpool: argument 0 (count) of probe_log_slowly() is the number 0.5, ${bool}`);
    expect(r.sent).toEqual([]);
    expect(r.ok).toBe('resolved');
  });
});

test.describe('the exports proxy', () => {
  test('probes (JSON.stringify, toJSON, constructor, valueOf, toString, symbols) get undefined and make no call', async ({ page }) => {
    await open(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      const probe = (exports: any) => ({
        json: JSON.stringify(exports),
        nested: JSON.stringify({ exports }),
        types: ['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'toLocaleString', 'hasOwnProperty', 'nodeType', 'asymmetricMatch', '$$typeof']
          .map((k) => typeof exports[k]),
        symbols: [Symbol.toPrimitive, Symbol.iterator, Symbol.toStringTag, Symbol.asyncIterator].map((s) => typeof exports[s]),
        tag: Object.prototype.toString.call(exports),
      });
      // Before the pool starts, the export list is unknown: names still give functions.
      const before = probe(pool.exports);
      const earlyType = typeof pool.exports.no_such_export;
      const early = await pool.exports.probe_add_f64(1, 2); // an early call works, and starts the pool
      const awaited = (await pool.exports) === pool.exports; // no `then`
      // Once ready, only exports give functions.
      const after = probe(pool.exports);
      const known = [typeof pool.exports.crc32, typeof pool.exports.no_such_export];
      const inExecute = await pool.execute(async (wasm: any) => ({
        probe: probe(wasm),
        known: [typeof wasm.crc32, typeof wasm.no_such_export],
        sum: await wasm.probe_add_f64(2, 3),
      }));
      await new Promise((r) => setTimeout(r, 300)); // for a rejection to surface, if one were made
      const stats = pool.stats;
      await pool.shutdown();
      return {
        before, earlyType, early, awaited, after, known, inExecute,
        failed: stats.failed, completed: stats.completed, sent: (window as any).sentCalls, unhandled: (window as any).unhandled,
      };
    });
    const quiet = {
      json: '{}',
      nested: '{"exports":{}}',
      types: Array(10).fill('undefined'),
      symbols: Array(4).fill('undefined'),
      tag: '[object Object]',
    };
    expect(r.before).toEqual(quiet);
    expect(r.earlyType).toBe('function');
    expect(r.early).toBe(3);
    expect(r.awaited).toBe(true);
    expect(r.after).toEqual(quiet);
    expect(r.known).toEqual(['function', 'undefined']);
    expect(r.inExecute).toEqual({ probe: quiet, known: ['function', 'undefined'], sum: 5 });
    expect(r.failed).toBe(0);
    expect(r.completed).toBe(2);
    expect(r.sent).toEqual(['probe_add_f64', 'probe_add_f64']);
    expect(r.unhandled).toEqual([]);
  });
});

test.describe('progress', () => {
  test('a stale lower done is never delivered after a higher one (ProgressThrottle)', async () => {
    const delivered: [number, number][] = [];
    const throttle = new ProgressThrottle((done, total) => delivered.push([done, total]));
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    throttle.report(10, 100); // delivered at once
    throttle.report(30, 100); // too soon: held
    throttle.report(20, 100); // stale (another thread's older count): dropped, 30 stays held
    throttle.report(5, 100);
    await sleep(60); // the held 30 is delivered
    throttle.report(25, 100); // stale
    throttle.report(30, 100); // nothing new
    await sleep(60);
    throttle.flush();
    throttle.report(40, 100); // grows: delivered
    await sleep(30);
    throttle.report(0, 50); // a new total: delivered even though done is lower
    await sleep(30);
    throttle.report(60, 100); // total changes again: taken
    throttle.flush();
    expect(delivered).toEqual([[10, 100], [30, 100], [40, 100], [0, 50], [60, 100]]);
  });

  test("sort_i32's onProgress never goes back", async ({ page }) => {
    await open(page);
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 4 });
      const n = 2_000_000;
      const updates: [number, number][] = [];
      for (let round = 0; round < 3; round++) {
        const xs = new Int32Array(n).map((_, i) => ((i + round) * 2654435761) | 0);
        await pool.call('sort_i32', [xs], { onProgress: (done: number, total: number) => updates.push([done, total]) });
        updates.push([-1, -1]); // a call boundary
      }
      await pool.shutdown();
      return updates;
    });
    // (The last report may arrive after the result, over another port, and is then dropped.)
    let calls = 0;
    let last: [number, number] | null = null;
    for (const u of r) {
      if (u[0] === -1) {
        calls++;
        last = null;
        continue;
      }
      expect(u[0]).toBeLessThanOrEqual(u[1]);
      if (last && last[1] === u[1]) expect(u[0], `after ${last[0]}/${last[1]}`).toBeGreaterThan(last[0]);
      last = u;
    }
    expect(calls).toBe(3);
    expect(r.length).toBeGreaterThan(3); // some progress was delivered
  });
});
