/**
 * The Emscripten flags of every wasmpool module, in one place: wasmpool-cc builds users'
 * modules and the project's own kernels (build.sh) with them. The host worker
 * (worker/host.ts), the runtime's JavaScript half (worker/pre.js, worker/library.js) and the
 * C runtime (c/src/runtime_wasm.c) depend on each of them. No side effects: importing this
 * module runs nothing.
 */

import path from 'node:path';
import { MODULE_FACTORY } from '../protocol';

/** What of the command line the flags depend on. */
export interface FlagOptions {
  /** `-O0` … `-Oz`. */
  optimize: string;
  /** The pool size when the page does not give one (`--threads N`); undefined: one per core. */
  threads: number | undefined;
}

/**
 * The emcc flags for a module whose package root (holding c/include and worker/) is `root`,
 * exporting the C functions `exported` (without their leading underscore).
 */
export function emccFlags(root: string, o: FlagOptions, exported: string[]): string[] {
  return [
    '-pthread', o.optimize, `-I${path.join(root, 'c', 'include')}`, '-Wno-pthreads-mem-growth',
    '-sMODULARIZE=1', `-sEXPORT_NAME=${MODULE_FACTORY}`, // the factory the host worker looks for
    '-sWASM_BIGINT=1', // int64_t crosses to JS as BigInt
    '-sFILESYSTEM=0', // stdout/stderr only: library.js sends them to the page
    '-Wl,--wrap=exit', // exit() on a pool thread is a panic (runtime_wasm.c)
    '-sENVIRONMENT=web,worker', // loaded in the host worker; no Node code paths
    '-sALLOW_MEMORY_GROWTH=1', '-sINITIAL_MEMORY=64MB', '-sMAXIMUM_MEMORY=2GB',
    // Workers are started with the module, so pthread_create never waits on the event loop.
    // createWasmpoolModule({wasmpoolThreads: n}) picks the count (the manager always does);
    // without it, --threads N, else one per core.
    `-sPTHREAD_POOL_SIZE=Module['wasmpoolThreads']||${o.threads ?? 'navigator.hardwareConcurrency'}`,
    '-sPTHREAD_POOL_SIZE_STRICT=2', // pool exhausted: pthread_create fails (EAGAIN), no deadlock
    '-sDYNAMIC_EXECUTION=0', // invariant 7: no eval, no new Function
    '-sSTACK_OVERFLOW_CHECK=2', // a C stack overflow aborts instead of corrupting the heap
    '--profiling-funcs', // C function names in wasm stack traces
    `-sEXPORTED_FUNCTIONS=${[...exported.map((n) => `_${n}`), '_malloc', '_free'].join(',')}`,
    '-sEXPORTED_RUNTIME_METHODS=PThread',
    '--js-library', path.join(root, 'worker', 'library.js'),
    '--pre-js', path.join(root, 'worker', 'pre.js'),
  ];
}
