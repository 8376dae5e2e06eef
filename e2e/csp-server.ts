// The demo's server with its Content-Security-Policy, for the tests of pages that must run
// under it (demo.spec.ts, cdn.spec.ts): started before the suite, stopped after it, and
// every violation the browser reports kept for the tests to check.
import { startServer } from '../demo/server.mjs';
import { test } from './test';

export function serveWithCsp(): { url: () => string; violations: unknown[] } {
  let server: { url: string; close: () => Promise<void> } | null = null;
  const violations: unknown[] = [];
  test.beforeAll(async () => {
    server = await startServer({ port: 0, csp: true, onCspViolation: (report: unknown) => violations.push(report) });
  });
  test.afterAll(async () => {
    await server?.close();
  });
  return { url: () => server!.url, violations };
}
