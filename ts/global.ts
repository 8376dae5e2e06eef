/**
 * The script-tag build's entry (dist/wasmpool.global.js, an IIFE): the whole API of
 * index.ts under `window.WasmPool`.
 *
 * ```html
 * <script src="https://cdn.example/wasmpool/dist/wasmpool.global.js"></script>
 * <script src="app.js"></script>  <!-- new WasmPool.ThreadPoolManager({ module: 'kernels.js' }) -->
 * ```
 *
 * A classic script has no `import.meta.url`, so the ESM build's way of finding the host
 * worker (`new URL('./wasmpool-host.js', import.meta.url)`) has nothing to resolve against.
 * Here the host defaults to `wasmpool-host.js` beside this script instead, whose URL is
 * `document.currentScript.src` while the script first runs. `options.workerUrl` still wins.
 */

import { ThreadPoolManager as EsmThreadPoolManager } from './index';
import type { PoolOptions } from './options';
import type { KernelSignatures, UntypedKernels } from './types';

export * from './index';

/** This script's own URL, captured while it runs (currentScript is null afterwards). */
const scriptUrl: string | undefined =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement && document.currentScript.src !== ''
    ? document.currentScript.src
    : undefined;

/** The host worker beside this script, or undefined where this script's URL is unknown. */
function defaultWorkerUrl(): string | undefined {
  return scriptUrl === undefined ? undefined : new URL('./wasmpool-host.js', scriptUrl).href;
}

/**
 * The ThreadPoolManager of index.ts, with `workerUrl` defaulting to `wasmpool-host.js`
 * beside wasmpool.global.js. Everything else is the same class.
 */
export class ThreadPoolManager<K extends KernelSignatures<K> = UntypedKernels> extends EsmThreadPoolManager<K> {
  /**
   * @throws TypeError naming the option, when an option is invalid, or when `workerUrl` is
   *   missing and this script cannot tell where it was loaded from (e.g. via importScripts).
   */
  constructor(options: PoolOptions) {
    // Anything but an options object goes through as is, for the base class to reject.
    if (options !== null && typeof options === 'object' && options.workerUrl === undefined) {
      const workerUrl = defaultWorkerUrl();
      if (workerUrl === undefined) {
        throw new TypeError(
          'options.workerUrl is needed: wasmpool.global.js could not tell where it was loaded from ' +
            "(document.currentScript), so it cannot find wasmpool-host.js beside it. Pass e.g. { workerUrl: '/dist/wasmpool-host.js' }",
        );
      }
      options = { ...options, workerUrl };
    }
    super(options);
  }
}
