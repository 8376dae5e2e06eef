// Smoke tests: the server isolates pages, and the built dist/kernels.js runs in a worker.
import { test, expect } from './test';
import { startServer } from '../demo/server.mjs';

test('the demo page is crossOriginIsolated and has SharedArrayBuffer', async ({ page }) => {
  await page.goto('/demo/');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.locator('#isolated')).toHaveText('true');
});

test('without COOP/COEP the page is not isolated', async ({ page }) => {
  const server = await startServer({ port: 0, isolate: false });
  try {
    await page.goto(`${server.url}/demo/`);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
    await expect(page.locator('#isolated')).toHaveText('false');
  } finally {
    await server.close();
  }
});

test('dist/kernels.js computes crc32("123456789") in a worker', async ({ page }) => {
  await page.goto('/e2e/fixtures/blank.html');
  const reply = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const worker = new Worker('/e2e/fixtures/crc32-worker.js');
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => resolve({ error: e.message || 'worker failed to load' });
      }),
  );
  expect(reply).toEqual({ crc: 0xcbf43926 });
});
