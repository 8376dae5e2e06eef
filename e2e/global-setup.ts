// Starts the demo server once for the whole run, on a free port, and stops it afterwards.
// Test workers inherit WASMPOOL_URL from here; e2e/test.ts makes it the baseURL.
import { startServer } from '../demo/server.mjs';

export default async function globalSetup() {
  const { url, close } = await startServer({ port: 0 });
  process.env.WASMPOOL_URL = url;
  return close; // the global teardown
}
