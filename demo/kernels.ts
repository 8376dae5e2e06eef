/**
 * The demo's kernels (c/kernels/*.c): their types are the ones wasmpool-cc generated beside
 * the module, dist/kernels.d.ts, as an application would use them.
 */
export type { Kernels } from '/dist/kernels.js';

/** The compiled module: dist/kernels.js, with its .wasm and .worker.js beside it. */
export const MODULE_URL = new URL('/dist/kernels.js', location.href);
