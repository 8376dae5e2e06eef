// The signature table that wasmpool-cc embeds in dist/kernels.js, at run time: results read
// as C declares them, const arrays copied in only, arguments checked against the C
// parameters; and a module without a table behaves as before.
import { serveWithTable } from './module-table';
import { expect, openPool, test } from './test';

test('results come back as C declares them: unsigned, bigint, string, without `returns`', async ({ page }) => {
  await openPool(page);
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    const crc = await pool.exports.crc32(new TextEncoder().encode('123456789'));
    const i64 = await pool.call('probe_add_i64', [2n ** 40n, 5n]);
    const i64FromNumbers = await pool.exports.probe_add_i64(2, 3);
    const version = await pool.exports.probe_version();
    const strlen = await pool.exports.probe_strlen('héllo');
    const voided = await pool.exports.probe_increment(new Uint8Array(2));
    // The caller's `returns` still wins: the address of the string, as a number.
    const address = await pool.call('probe_version', [], { returns: 'number' });
    await pool.shutdown();
    return {
      crc,
      i64: [typeof i64, String(i64)],
      i64FromNumbers: [typeof i64FromNumbers, String(i64FromNumbers)],
      version,
      strlen,
      voided,
      address: typeof address,
    };
  });
  expect(r).toEqual({
    crc: 0xcbf43926,
    i64: ['bigint', String(2n ** 40n + 5n)],
    i64FromNumbers: ['bigint', '5'],
    version: 'wasmpool probe 1 ✓',
    strlen: 6,
    voided: undefined,
    address: 'number',
  });
});

test('an array behind a const pointer is copied in only; a non-const one is copied back', async ({ page }) => {
  await openPool(page);
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    await pool.ready(); // so each call's arrays are copied the moment it is made
    // crc32(const uint8_t *data, size_t len): the page writes into data after the copy went
    // out; a copy back would undo that write.
    const data = new TextEncoder().encode('123456789');
    const crcCall = pool.exports.crc32(data);
    data[0] = 0x41;
    const crc = await crcCall;
    // probe_increment(uint8_t *bytes, size_t len): C's result is copied back over the
    // page's later write.
    const bytes = new Uint8Array([1, 2, 3]);
    const incCall = pool.exports.probe_increment(bytes);
    bytes[0] = 100;
    await incCall;
    // crc32_many: const data and sizes, a non-const out.
    const many = new TextEncoder().encode('123456789abc');
    const sizes = new Uint32Array([9, 3]);
    const out = new Uint32Array(2);
    const manyCall = pool.exports.crc32_many(many, sizes, out);
    sizes[1] = 77;
    await manyCall;
    await pool.shutdown();
    return { crc, data0: data[0], bytes: Array.from(bytes), sizes: Array.from(sizes), out0: out[0], out1: out[1] };
  });
  expect(r.crc).toBe(0xcbf43926); // computed on the bytes as they were at the call
  expect(r.data0).toBe(0x41); // and the page's array was not written back
  expect(r.bytes).toEqual([2, 3, 4]);
  expect(r.sizes).toEqual([9, 77]);
  expect(r.out0).toBe(0xcbf43926);
  expect(r.out1).not.toBe(0);
});

test('arguments are checked against the C parameters; nothing reaches C', async ({ page }) => {
  await openPool(page);
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    await pool.ready();
    const attempts: [string, unknown[]][] = [
      ['sum_f64', [new Float32Array(2)]],
      ['blur', [new Uint8Array(4), 1, 1]],
      ['probe_strlen', [42]],
      ['probe_add_i64', [1.5, 1n]],
      ['probe_add_f64', ['1', 2]],
      ['crash_lab', [new Int32Array(1), 0]],
    ];
    const out: string[] = [];
    for (const [name, args] of attempts) {
      out.push(await pool.call(name, args).then(() => 'resolved', (e: any) => `${e.code}: ${e.message}`));
    }
    const ok = await pool.exports.blur(new Uint8ClampedArray(4), 1, 1, 0).then(() => 'resolved', (e: any) => e.message);
    const stats = pool.stats;
    await pool.shutdown();
    return { out, ok, completed: stats.completed };
  });
  for (const line of r.out) expect(line).toMatch(/^SERIALIZATION_FAILED: wasmpool: /);
  expect(r.out[0]).toContain('argument 0 (xs) of sum_f64() is a Float32Array, but C takes `const double *xs, size_t len`. Fix: pass a Float64Array');
  expect(r.out[1]).toContain('blur(rgba, width, height, radius) takes 4 argument(s), but got 3');
  expect(r.out[2]).toContain('argument 0 (s) of probe_strlen() is the number 42, but C takes `const char *s`. Fix: pass a string');
  expect(r.out[3]).toContain('is the number 1.5, not a safe integer, but C takes `int64_t a`');
  expect(r.out[4]).toContain('argument 0 (a) of probe_add_f64() is a string, but C takes `double a`');
  expect(r.out[5]).toContain('argument 0 (thread) of crash_lab() is an Int32Array, but C takes `int thread`');
  expect(r.ok).toBe('resolved'); // ImageData's Uint8ClampedArray fills a uint8_t *
  expect(r.completed).toBe(1);
});

test.describe('a module without a signature table', () => {
  // As a module not built by wasmpool-cc.
  const url = serveWithTable(() => undefined);

  test('keeps the untyped behaviour: C numbers as numbers, every array copied back', async ({ page }) => {
    await openPool(page, url());
    const r = await page.evaluate(async () => {
      const pool = window.makePool({ threads: 2 });
      await pool.ready();
      const crc = await pool.exports.crc32(new TextEncoder().encode('123456789'));
      const data = new TextEncoder().encode('123456789');
      const call = pool.exports.crc32(data);
      data[0] = 0x41;
      await call;
      const i64 = await pool.call('probe_add_i64', [2n, 3n], { returns: 'bigint' });
      const version = await pool.call('probe_version', [], { returns: 'string' });
      await pool.shutdown();
      return { crc, unsigned: crc >>> 0, data0: data[0], i64: String(i64), version };
    });
    expect(r).toEqual({ crc: 0xcbf43926 | 0, unsigned: 0xcbf43926, data0: 0x31, i64: '5', version: 'wasmpool probe 1 ✓' });
  });
});
