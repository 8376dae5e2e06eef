/**
 * What this browser context offers wasmpool, and the check every pool start makes: no
 * cross-origin isolation means no SharedArrayBuffer, so no wasm threads.
 */

import { CrossOriginIsolationError } from './errors';
import type { SupportReport } from './types';

export function supportReport(): SupportReport {
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    // A worker's own `Worker` (nested workers) cannot be probed synchronously from here.
    nestedWorkers: typeof Worker === 'function',
    atomicsWaitAsync: typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function',
  };
}

/** The reason this context cannot run a pool, or null if it can. */
export function isolationError(): CrossOriginIsolationError | null {
  const s = supportReport();
  if (s.crossOriginIsolated && s.sharedArrayBuffer) return null;
  const where = typeof document === 'undefined' ? 'This worker' : 'This page';
  return new CrossOriginIsolationError(
    `wasmpool: ${where} is not cross-origin isolated (crossOriginIsolated is ${s.crossOriginIsolated}, ` +
      `SharedArrayBuffer is ${s.sharedArrayBuffer ? 'present' : 'missing'}), so wasm threads cannot run. ` +
      'Serve the page (and its workers) with the headers ' +
      '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp".',
  );
}
