/**
 * Sort: ten million random int32 sorted by the C kernel (a parallel merge sort), with a
 * progress bar fed by wp_progress through onProgress, and a Cancel button: its AbortSignal
 * rejects the call with CancelledError at once, and the C code, which polls wp_cancelled(),
 * returns early. The pool lives on.
 */
import type { ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId, describeError, duration } from '../dom';
import type { Kernels } from '../kernels';

const N = 10_000_000;

/** n random int32, from crypto.getRandomValues (at most 64 KiB per call). */
function randomInts(n: number): Int32Array {
  const xs = new Int32Array(n);
  for (let i = 0; i < n; i += 16384) crypto.getRandomValues(xs.subarray(i, Math.min(n, i + 16384)));
  return xs;
}

function isSorted(xs: Int32Array): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i - 1] > xs[i]) return false;
  return true;
}

export function setupSort(pool: ThreadPoolManager<Kernels>): void {
  const start = byId<HTMLButtonElement>('sort-start');
  const cancel = byId<HTMLButtonElement>('sort-cancel');
  const bar = byId<HTMLProgressElement>('sort-progress');
  const percent = byId('sort-percent');
  const result = byId('sort-result');
  let controller: AbortController | null = null;

  const show = (fraction: number) => {
    bar.value = fraction;
    percent.textContent = `${Math.floor(fraction * 100)}%`;
  };

  start.addEventListener('click', async () => {
    start.disabled = true;
    cancel.disabled = false;
    show(0);
    result.dataset.state = 'running';
    result.textContent = `generating ${N.toLocaleString('en')} random numbers…`;
    const xs = randomInts(N);
    result.textContent = `sorting ${N.toLocaleString('en')} int32 on ${pool.stats.threads} threads…`;
    controller = new AbortController();
    let reported = 0;
    const t0 = performance.now();
    try {
      await pool.exports.sort_i32(xs, {
        signal: controller.signal,
        onProgress: (done, total) => {
          reported = done / total;
          bar.dataset.reported = String(Math.floor(reported * 100));
          show(reported);
        },
      });
      const ms = performance.now() - t0;
      const ok = isSorted(xs);
      show(1);
      result.dataset.state = ok ? 'done' : 'wrong';
      result.textContent = ok
        ? `✓ ${N.toLocaleString('en')} int32 sorted in ${duration(ms)} on ${pool.stats.threads} threads (checked: ascending)`
        : '✗ the result is not sorted';
    } catch (err) {
      const e = describeError(err);
      const ms = performance.now() - t0;
      result.dataset.state = e.code === 'CANCELLED' ? 'cancelled' : 'failed';
      result.dataset.code = e.code;
      result.textContent = e.code === 'CANCELLED'
        ? `Cancelled after ${duration(ms)} at ${Math.floor(reported * 100)}%: ${e.name} (${e.code}). The C code saw wp_cancelled() and returned early; the pool keeps running.`
        : `${e.name} (${e.code}): ${e.message}`;
    } finally {
      controller = null;
      start.disabled = false;
      cancel.disabled = true;
    }
  });

  cancel.addEventListener('click', () => controller?.abort());
}
