// The `test` every spec imports: baseURL is the server that global-setup.ts started, and an
// uncaught error on the page fails the test unless the test expects it:
//   test.use({ expectedPageErrors: [/PanicError/] });
import { test as base, expect } from '@playwright/test';

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
