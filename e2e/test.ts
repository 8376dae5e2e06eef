// The `test` every spec imports: baseURL is the server that global-setup.ts started, and an
// uncaught error on the page fails the test unless the test expects it:
//   test.use({ expectedPageErrors: [/PanicError/] });
// Also openPool, which opens the pool fixture, and the globals that fixture gives the page.
import { test as base, expect, type Page } from '@playwright/test';

export const test = base.extend<{ expectedPageErrors: RegExp[] }>({
  baseURL: async ({}, use) => {
    await use(process.env.WASMPOOL_URL);
  },
  expectedPageErrors: [[], { option: true }],
  page: async ({ page, expectedPageErrors }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await use(page);
    const unexpected = errors.filter((msg) => !expectedPageErrors.some((re) => re.test(msg)));
    expect(unexpected, 'uncaught errors on the page').toEqual([]);
  },
});
export { expect };

/**
 * Opens e2e/fixtures/pool.html, from the suite's server or from `base` (another server's URL),
 * and waits until its globals are set. Returns the page's console lines as they come, each
 * as "type: text".
 */
export async function openPool(page: Page, base = ''): Promise<string[]> {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  await page.goto(`${base}/e2e/fixtures/pool.html`);
  await page.waitForFunction(() => window.loaded === true);
  return lines;
}

// What e2e/fixtures/pool.html puts on window, for the code that page.evaluate runs there.
declare global {
  interface Window {
    /** The built ESM bundle, dist/wasmpool.mjs, as users import it. */
    wasmpool: any;
    /** The URL of dist/kernels.js, the project's own module. */
    moduleUrl: string;
    /** new wasmpool.ThreadPoolManager({ module: moduleUrl, ...options }) */
    makePool(options?: Record<string, unknown>): any;
    /** The host built with its debug hook: see pool.html. */
    debugHost: { url: string; hosts: Worker[]; wedge(ms: number): void };
    /** True once the module script has run. */
    loaded?: boolean;
  }
}
