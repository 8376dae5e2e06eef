/**
 * The demo page: one pool for blur, sort, the crash lab, logs and status; Mandelbrot makes a
 * pool per thread count. Everything here uses dist/wasmpool.mjs, as an application would.
 */
import { ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId } from './dom';
import { MODULE_URL, type Kernels } from './kernels';
import { setupBlur } from './sections/blur';
import { setupCrashLab } from './sections/crash-lab';
import { explainIsolation } from './sections/isolation';
import { setupLogs } from './sections/logs';
import { setupMandelbrot } from './sections/mandelbrot';
import { setupSort } from './sections/sort';
import { setupFrameMeter, setupStatus } from './sections/status';

function showSupport(): boolean {
  const s = ThreadPoolManager.supported();
  const isolated = byId('isolated');
  isolated.textContent = String(s.crossOriginIsolated);
  isolated.className = s.crossOriginIsolated ? 'yes' : 'no';
  return s.crossOriginIsolated && s.sharedArrayBuffer;
}

/** The page pool's idleShutdownMs: 30 s, or `?idle=MS` (tests use a short one to see the pool
 * idle-stop; 0 keeps it). Anything but whole milliseconds that setTimeout can wait (it fires at
 * once past 2^31 - 1) is ignored, with a warning. */
function idleShutdownMs(): number {
  const DEFAULT = 30_000;
  const raw = new URLSearchParams(location.search).get('idle');
  if (raw === null) return DEFAULT;
  if (/^\d{1,10}$/.test(raw) && Number(raw) <= 2 ** 31 - 1) return Number(raw);
  console.warn(`wasmpool demo: ignoring ?idle=${raw}: it must be whole milliseconds, 0 to ${2 ** 31 - 1}`);
  return DEFAULT;
}

function main(): void {
  setupFrameMeter();
  if (!showSupport()) {
    void explainIsolation();
    return;
  }
  const pool = new ThreadPoolManager<Kernels>({ module: MODULE_URL, idleShutdownMs: idleShutdownMs() });
  setupStatus(pool);
  setupLogs(pool);
  setupCrashLab(pool);
  setupSort(pool);
  const blurReady = setupBlur(pool).catch((err: unknown) => {
    byId('blur-status').textContent = `could not load the image: ${String(err)}`;
  });
  const started = pool.ready().catch(() => {}); // start now, so the status shows it; failures reach each call
  setupMandelbrot(Promise.all([blurReady, started]));
  document.body.dataset.ready = 'true';
}

main();
