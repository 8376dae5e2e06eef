// C written against google/pthreadpool's API runs unchanged on the pool in the browser:
// matmul_f32 (c/kernels/matmul.c) tiles its output with pthreadpool_parallelize_2d_tile_2d.
import { expect, openPool, test } from './test';

test.beforeEach(({ page }) => openPool(page));

test('matmul_f32 through pthreadpool equals a serial reference bit for bit, on 1 and 2 threads', async ({ page }) => {
  const r = await page.evaluate(async () => {
    // The contract's order of additions (kernels.h), in float arithmetic.
    const reference = (a: Float32Array, b: Float32Array, m: number, n: number, k: number) => {
      const c = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum = Math.fround(sum + Math.fround(a[i * k + p] * b[p * n + j]));
          c[i * n + j] = sum;
        }
      }
      return c;
    };
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1;
    const shapes = [[0, 0, 0], [1, 1, 1], [33, 65, 17], [100, 37, 200], [70, 130, 3]];
    const out: Record<string, number[]> = {};
    for (const threads of [1, 2]) {
      const pool = window.makePool({ threads });
      out[threads] = [];
      for (const [m, n, k] of shapes) {
        const a = Float32Array.from({ length: m * k }, random);
        const b = Float32Array.from({ length: k * n }, random);
        const c = new Float32Array(m * n).fill(12345);
        await pool.exports.matmul_f32(a, b, c, m, n, k);
        const want = reference(a, b, m, n, k);
        out[threads].push(c.filter((x, i) => !Object.is(x, want[i])).length);
      }
      await pool.shutdown();
    }
    return out;
  });
  expect(r).toEqual({ 1: [0, 0, 0, 0, 0], 2: [0, 0, 0, 0, 0] });
});

test('matmul_f32 with a shape its buffers do not have panics naming the matrix', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    const error = await pool.exports.matmul_f32(new Float32Array(4), new Float32Array(5), new Float32Array(6), 2, 3, 2)
      .then(() => null, (e: any) => ({ name: e.name, panicMessage: e.panicMessage }));
    const c = new Float32Array(1);
    await pool.exports.matmul_f32(new Float32Array([2]), new Float32Array([3]), c, 1, 1, 1); // the next call works
    await pool.shutdown();
    return { error, after: Array.from(c) };
  });
  expect(r.error).toEqual({ name: 'PanicError', panicMessage: expect.stringContaining('matmul_f32: b has 5 elements but a 2 x 3 matrix needs 6') });
  expect(r.after).toEqual([6]);
});

test('DISABLE_DENORMALS changes nothing in wasm, which has no flush-to-zero mode: denormals are kept', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    const tiny = new Float32Array(64).fill(1e-20);
    const c = new Float32Array(64 * 64);
    await pool.exports.matmul_f32(tiny, tiny, c, 64, 64, 1);
    await pool.shutdown();
    const want = Math.fround(Math.fround(1e-20) * Math.fround(1e-20));
    return { want, differ: c.filter((x) => x !== want).length };
  });
  expect(r.want).toBeGreaterThan(0);
  expect(r.want).toBeLessThan(1.17549435e-38); // a denormal float
  expect(r.differ).toBe(0);
});
