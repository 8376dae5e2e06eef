// The script-tag build, dist/wasmpool.global.js, as a CDN user loads it: demo/cdn.html under
// the demo's Content-Security-Policy runs a call, a panic and a call on the fresh pool.
import { serveWithCsp } from './csp-server';
import { expect, test } from './test';

const { url, violations } = serveWithCsp();
test.afterEach(() => {
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

test('cdn.html: a call, a panic (PanicError) and recovery, from a plain <script> tag', async ({ page }) => {
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  const response = await page.goto(`${url()}/demo/cdn.html`);
  // The page runs under the demo's policy: scripts and workers from this origin only.
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp, 'the Content-Security-Policy header').toContain("script-src 'self'");
  expect(csp, 'the Content-Security-Policy header').toContain("worker-src 'self'");
  await expect(page.locator('body')).toHaveAttribute('data-done', 'true', { timeout: 20_000 });

  await expect(page.locator('#cdn-call')).toHaveText('0xcbf43926');
  await expect(page.locator('#cdn-panic')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('#cdn-panic')).toContainText('PanicError (PANIC): panic on thread 1 in crash_lab(): crash_lab: thread 1 panics on purpose');
  await expect(page.locator('#cdn-recovery')).toHaveText('0xcbf43926 (pool restarts: 1)');
  expect(consoleLines.some((l) => l.startsWith('error: [wasmpool] panic on thread 1 in crash_lab(): '))).toBe(true);

  // The host came from beside the script, found through document.currentScript.
  const hosts = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('wasmpool-host')),
  );
  expect(hosts.length).toBeGreaterThan(0);
  for (const url of hosts) expect(new URL(url).pathname).toBe('/dist/wasmpool-host.js');
});

test('window.WasmPool holds the whole API, and minification kept the class names', async ({ page }) => {
  await page.goto(`${url()}/demo/cdn.html`);
  await expect(page.locator('body')).toHaveAttribute('data-done', 'true', { timeout: 20_000 });
  const api = await page.evaluate(() => {
    const W = (window as any).WasmPool;
    const errors = [
      'WasmPoolError', 'WorkerInitError', 'CrossOriginIsolationError', 'SerializationError', 'TimeoutError',
      'CancelledError', 'PoolBusyError', 'PoolShutdownError', 'PanicError', 'PoolCrashedError', 'HeartbeatLostError',
    ];
    return {
      manager: typeof W.ThreadPoolManager === 'function' && W.ThreadPoolManager.name,
      supported: W.ThreadPoolManager.supported(),
      maxThreads: W.MAX_THREADS,
      classNames: errors.map((name) => W[name]?.name),
      instances: errors.slice(1).map((name) => {
        const e = name === 'PanicError' ? new W.PanicError('boom', 2, {}) : new W[name]('boom');
        return `${e.name} ${e.code} ${e instanceof W.WasmPoolError && e instanceof Error}`;
      }),
    };
  });
  expect(api.manager).toBe('ThreadPoolManager');
  expect(api.supported).toMatchObject({ crossOriginIsolated: true, sharedArrayBuffer: true });
  expect(api.maxThreads).toBe(64);
  expect(api.classNames).toEqual([
    'WasmPoolError', 'WorkerInitError', 'CrossOriginIsolationError', 'SerializationError', 'TimeoutError',
    'CancelledError', 'PoolBusyError', 'PoolShutdownError', 'PanicError', 'PoolCrashedError', 'HeartbeatLostError',
  ]);
  expect(api.instances).toEqual([
    'WorkerInitError WORKER_INIT_FAILED true',
    'CrossOriginIsolationError NOT_ISOLATED true',
    'SerializationError SERIALIZATION_FAILED true',
    'TimeoutError TASK_TIMEOUT true',
    'CancelledError CANCELLED true',
    'PoolBusyError WORKER_BUSY true',
    'PoolShutdownError POOL_SHUTDOWN true',
    'PanicError PANIC true',
    'PoolCrashedError POOL_CRASHED true',
    'HeartbeatLostError HEARTBEAT_LOST true',
  ]);
});

test('options.workerUrl points the pool at the host explicitly', async ({ page }) => {
  await page.goto(`${url()}/demo/cdn.html`);
  await expect(page.locator('body')).toHaveAttribute('data-done', 'true', { timeout: 20_000 });
  const r = await page.evaluate(async () => {
    const W = (window as any).WasmPool;
    const pool = new W.ThreadPoolManager({ module: '/dist/kernels.js', workerUrl: '/dist/wasmpool-host.js?explicit', threads: 1 });
    const crc = (await pool.call('crc32', [new TextEncoder().encode('123456789')])) >>> 0;
    await pool.shutdown();
    const hosts = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('wasmpool-host.js?explicit'));
    return { crc, hosts: hosts.length };
  });
  expect(r).toEqual({ crc: 0xcbf43926, hosts: 1 });
});

test('loaded by importScripts in a worker (no currentScript), it asks for workerUrl, then works with it', async ({ page }) => {
  await page.goto(`${url()}/demo/cdn.html`);
  const reply = await page.evaluate(
    (url) =>
      new Promise((resolve) => {
        const worker = new Worker(url);
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => resolve({ error: e.message || 'the worker failed to load' });
      }),
    '/e2e/fixtures/cdn-worker.js',
  );
  expect(reply).toMatchObject({ crc: 0xcbf43926 });
  expect((reply as { missing: string }).missing).toMatch(/^TypeError: options\.workerUrl is needed/);
});
