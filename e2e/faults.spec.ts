// Faults that do not come from a trap on a pool thread, and cancellations that must not
// take the pool down: every promise still settles, and the next call gets a working pool.
import { expect, openPool, test } from './test';

test.beforeEach(({ page }) => openPool(page));

test('a call cancelled while still queued never starts, and the pool lives on', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 1, cancelGraceMs: 200 });
    await pool.ready();
    const busy = new AbortController();
    const first = pool.call('probe_wait_cancel', [], { signal: busy.signal }).then(() => 'resolved', (e: any) => e.code);
    // Queued behind the first on the only thread; it times out before it can start.
    const queued = await pool.call('probe_add_f64', [1, 2], { timeoutMs: 200 }).then(() => 'resolved', (e: any) => e.code);
    await new Promise((r) => setTimeout(r, 600)); // three grace periods
    const restartsWhileBusy = pool.stats.restarts;
    busy.abort();
    const firstCode = await first;
    const after = await pool.call('probe_add_f64', [2, 2]);
    const restarts = pool.stats.restarts;
    await pool.shutdown();
    return { queued, restartsWhileBusy, firstCode, after, restarts };
  });
  expect(r).toEqual({ queued: 'TASK_TIMEOUT', restartsWhileBusy: 0, firstCode: 'CANCELLED', after: 4, restarts: 0 });
});

test('a pool thread that ends with pthread_exit is a panic, not a hang', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    const error = await pool.call('probe_pthread_exit', []).then(() => null, (e: any) => ({ name: e.name, message: e.message }));
    const after = await pool.call('probe_add_f64', [1, 1]);
    await pool.shutdown();
    return { error, after };
  });
  expect(r.error?.name).toBe('PanicError');
  expect(r.error?.message).toContain('exited');
  expect(r.after).toBe(2);
});

test('faults, restarts, idle stops and shutdown leak no worker', async ({ page }) => {
  const workersWhileRunning = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    await pool.ready();
    (window as any).leakPool = pool;
  }).then(() => page.workers().length);
  const hosts = await page.evaluate(async () => {
    const pool = (window as any).leakPool;
    for (const mode of [1, 5, 6]) await pool.call('crash_lab', [1, mode]).catch(() => {}); // panic, trap, oob
    await pool.call('probe_add_f64', [1, 1]);
    await pool.shutdown();
    const idle = window.makePool({ threads: 2, idleShutdownMs: 100 });
    await idle.call('probe_add_f64', [1, 1]);
    await new Promise((r) => setTimeout(r, 400));
    return window.debugHost.hosts.length;
  });
  expect(workersWhileRunning).toBeGreaterThan(0); // the count below can see the pool's workers
  expect(hosts).toBe(5); // four instances of the first pool, one of the second
  await expect.poll(() => page.workers().length, { timeout: 5_000 }).toBe(0);
});
