/**
 * Mandelbrot: the set rendered in parallel into a canvas by the C kernel, on a pool of the
 * chosen thread count, then again on a one-thread pool, to measure the speedup. Click to
 * zoom in, shift-click or right-click to zoom out.
 *
 * Each thread count gets its own ThreadPoolManager (the thread count is fixed per pool);
 * unused ones stop themselves after idleShutdownMs.
 */
import { ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId, describeError, duration } from '../dom';
import { MODULE_URL, type Kernels } from '../kernels';
import { drawChart } from './chart';

const W = 960;
const H = 600;
interface View { cx: number; cy: number; scale: number }
const HOME: View = { cx: -0.65, cy: 0, scale: 3.3 };
const ZOOM = 4;

/** More iterations as the view narrows, so that edges stay detailed. */
function iterations(view: View): number {
  return Math.round(Math.min(5000, 400 + 150 * Math.log2(HOME.scale / view.scale)));
}

/** `settled`: the rest of the page has started. The first timings wait for it, since work
 * on the other pools would otherwise share the cores with the threads being timed. */
export function setupMandelbrot(settled: Promise<unknown>): void {
  const canvas = byId<HTMLCanvasElement>('mandel-canvas');
  const ctx = canvas.getContext('2d')!;
  const select = byId<HTMLSelectElement>('mandel-threads');
  const renderButton = byId<HTMLButtonElement>('mandel-render');
  const progress = byId<HTMLProgressElement>('mandel-progress');
  const status = byId('mandel-status');
  const where = byId('mandel-view');
  const speedupOut = byId('mandel-speedup');
  const chart = byId('mandel-chart') as unknown as SVGSVGElement;

  const cores = navigator.hardwareConcurrency || 1;
  const most = Math.min(16, Math.max(4, cores));
  for (let n = 1; n <= most; n++) {
    const option = new Option(`${n} thread${n === 1 ? '' : 's'}${n === cores ? ' (cores)' : ''}`, String(n));
    select.append(option);
  }
  select.value = String(Math.min(cores, most));

  const pools = new Map<number, ThreadPoolManager<Kernels>>();
  const warmed = new WeakSet<ThreadPoolManager<Kernels>>();
  /** The best render time of the current view by thread count: the least disturbed run. */
  const times = new Map<number, number>();
  let view: View = { ...HOME };
  /** Runs of the current view and thread count; and which measurement they belong to. */
  let runs = 0;
  let generation = 0;
  let busy = false;
  let again = 0;

  function poolFor(threads: number): ThreadPoolManager<Kernels> {
    let pool = pools.get(threads);
    if (!pool) {
      const p = new ThreadPoolManager<Kernels>({ module: MODULE_URL, threads, idleShutdownMs: 60_000 });
      p.on('state', (s) => { if (s !== 'ready') warmed.delete(p); });
      pools.set(threads, (pool = p));
    }
    return pool;
  }

  /**
   * A fresh instance runs its wasm in the baseline compiler until the hot code is optimised:
   * a smaller render first keeps that out of the timing.
   */
  async function warm(pool: ThreadPoolManager<Kernels>): Promise<void> {
    if (warmed.has(pool)) return;
    await pool.ready();
    await pool.exports.mandelbrot(new Uint8ClampedArray(320 * 200 * 4), 320, 200, HOME.cx, HOME.cy, HOME.scale, 400);
    warmed.add(pool);
  }

  function record(threads: number, ms: number): void {
    times.set(threads, Math.min(ms, times.get(threads) ?? Infinity));
  }

  async function timed(pool: ThreadPoolManager<Kernels>, pixels: Uint8ClampedArray, v: View): Promise<number> {
    const t0 = performance.now();
    await pool.exports.mandelbrot(pixels, W, H, v.cx, v.cy, v.scale, iterations(v));
    return performance.now() - t0;
  }

  async function renderOnce(): Promise<void> {
    const v = { ...view };
    const n = Number(select.value);
    const gen = generation;
    where.textContent = `centre ${v.cx.toPrecision(8)} ${v.cy < 0 ? '−' : '+'} ${Math.abs(v.cy).toPrecision(8)}i · width ${v.scale.toPrecision(3)} · ${iterations(v)} iterations`;
    status.textContent = 'starting pools…';
    const pool = poolFor(n);
    const single = poolFor(1);
    await Promise.all([warm(pool), warm(single)]);
    status.textContent = `rendering on ${n} thread${n === 1 ? '' : 's'}…`;
    const image = new ImageData(W, H);
    // The timed runs report no progress: every move of a progress bar is a repaint, and
    // without a GPU repaints take CPU from the very threads being timed. The bar steps
    // from run to run instead.
    progress.value = 0;
    const ms = await timed(pool, image.data, v);
    ctx.putImageData(image, 0, 0);
    progress.value = n === 1 ? 1 : 0.5;
    if (gen !== generation) return; // the view or thread count changed meanwhile
    record(n, ms);
    if (n !== 1) {
      status.textContent = 'rendering again on 1 thread, for comparison…';
      const singleMs = await timed(single, new Uint8ClampedArray(W * H * 4), v);
      progress.value = 1;
      if (gen !== generation) return;
      record(1, singleMs);
    }
    const best = times.get(n)!;
    const speedup = times.get(1)! / best;
    speedupOut.textContent = `×${speedup.toFixed(2)}`;
    speedupOut.dataset.speedup = speedup.toFixed(3);
    speedupOut.dataset.threads = String(n);
    status.textContent = `best of ${++runs} run${runs === 1 ? '' : 's'}: ${duration(best)} on ${n} thread${n === 1 ? '' : 's'}, ${duration(times.get(1)!)} on 1`;
    drawChart(chart, times, n);
    canvas.dataset.rendered = String(Number(canvas.dataset.rendered ?? 0) + 1);
  }

  /** Renders the current view `rounds` times; a request while rendering runs afterwards. */
  async function render(rounds = 1): Promise<void> {
    again = Math.max(again, rounds);
    if (busy) return;
    busy = true;
    renderButton.disabled = true;
    try {
      while (again > 0) {
        again--;
        await renderOnce();
      }
    } catch (err) {
      again = 0;
      const e = describeError(err);
      status.textContent = `${e.name} (${e.code}): ${e.message}`;
    } finally {
      busy = false;
      renderButton.disabled = false;
    }
  }

  /** A new view: its times are still to be measured. */
  function forget(): void {
    times.clear();
    runs = 0;
    generation++;
  }

  function zoom(event: MouseEvent, factor: number): void {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * W;
    const y = ((event.clientY - box.top) / box.height) * H;
    const s = view.scale / W;
    view = { cx: view.cx + (x - W / 2) * s, cy: view.cy - (y - H / 2) * s, scale: view.scale * factor };
    forget();
    void render();
  }

  canvas.addEventListener('click', (e) => zoom(e, e.shiftKey ? ZOOM : 1 / ZOOM));
  canvas.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    zoom(e, ZOOM);
  });
  byId<HTMLButtonElement>('mandel-reset').addEventListener('click', () => {
    view = { ...HOME };
    forget();
    void render(2);
  });
  renderButton.addEventListener('click', () => void render());
  select.addEventListener('change', () => {
    runs = 0;
    generation++;
    times.delete(Number(select.value));
    void render(2);
  });
  drawChart(chart, times, Number(select.value));
  void settled.then(() => render(2));
}
