// pool.alloc: buffers in wasm memory, passed to C by pointer with zero copies.
import { expect, openPool, test } from './test';

test.beforeEach(({ page }) => openPool(page));

test('a buffer is shared with C, survives memory growth, and is freed', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    let early = '';
    try {
      pool.alloc(Uint8Array, 4);
    } catch (e: any) {
      early = e.name;
    }
    await pool.ready();
    const buf = pool.alloc(Uint8Array, 4);
    buf.view.set([1, 2, 3, 4]);
    await pool.call('probe_increment', [buf]);
    const afterCall = Array.from(buf.view);
    const bufferBefore = buf.view.buffer.byteLength;
    const grew = await pool.call('probe_grow', [64]);
    await pool.call('probe_increment', [buf]);
    const afterGrowth = Array.from(buf.view);
    const xs = pool.alloc(Float64Array, 100_000);
    xs.view.fill(0.5);
    const sum = await pool.call('sum_f64', [xs]);
    buf.free();
    const freed = await pool.call('probe_increment', [buf]).then(() => 'resolved', (e: any) => e.code);
    await pool.shutdown();
    let afterShutdown = '';
    try {
      void xs.view;
    } catch (e: any) {
      afterShutdown = `${e.name}: ${e.message}`;
    }
    return { early, afterCall, grew, bufferBefore, afterGrowth, sum, freed, afterShutdown, shared: buf.ptr > 0 };
  });
  expect(r).toEqual({
    early: 'TypeError',
    afterCall: [2, 3, 4, 5],
    grew: 1,
    bufferBefore: r.bufferBefore,
    afterGrowth: [3, 4, 5, 6],
    sum: 50_000,
    freed: 'SERIALIZATION_FAILED',
    afterShutdown: expect.stringMatching(/^TypeError: wasmpool: the pool instance this WasmBuffer lived in has ended/),
    shared: true,
  });
});

test('the arena reports when it is full, and freed space is reused', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2, allocBytes: 1 << 20 });
    await pool.ready();
    const a = pool.alloc(Uint8Array, 600_000);
    let full = '';
    try {
      pool.alloc(Uint8Array, 600_000);
    } catch (e: any) {
      full = `${e.name}: ${e.message}`;
    }
    a.free();
    const b = pool.alloc(Uint8Array, 600_000);
    const reused = b.ptr === a.ptr;
    await pool.shutdown();
    return { full, reused };
  });
  expect(r.full).toMatch(/^RangeError: .*allocBytes/);
  expect(r.reused).toBe(true);
});
