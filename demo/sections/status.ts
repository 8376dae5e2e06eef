/**
 * Status: the pool's state, a heartbeat indicator that pulses on every beat from the host
 * worker, the pool's counters, and a frame meter showing that the page's main thread keeps
 * drawing while C runs.
 */
import type { PoolState, ThreadPoolManager } from '/dist/wasmpool.mjs';
import type { Kernels } from '../kernels';
import { byId } from '../dom';

const STATE_TEXT: Record<PoolState, string> = {
  stopped: 'stopped',
  starting: 'starting…',
  ready: 'ready',
  'idle-stopped': 'idle-stopped',
  restarting: 'restarting…',
  'shut-down': 'shut down',
};

export function setupStatus(pool: ThreadPoolManager<Kernels>): void {
  const state = byId('pool-state');
  const dot = byId('heartbeat');
  const beatText = byId('heartbeat-text');
  const stats = {
    threads: byId('stat-threads'),
    pending: byId('stat-pending'),
    completed: byId('stat-completed'),
    failed: byId('stat-failed'),
    restarts: byId('stat-restarts'),
  };
  let beats = 0;
  let lastBeat = 0;

  const showState = (s: PoolState) => {
    state.textContent = STATE_TEXT[s];
    state.dataset.state = s;
    if (s !== 'ready') dot.dataset.alive = 'false';
  };
  const refresh = () => {
    const s = pool.stats;
    for (const key of Object.keys(stats) as (keyof typeof stats)[]) stats[key].textContent = String(s[key]);
    if (s.state === 'stopped' || s.state === 'idle-stopped' || s.state === 'shut-down') {
      beatText.textContent = s.state === 'shut-down' ? 'no host worker' : 'no host worker: the next call starts one';
    } else if (lastBeat) {
      const ago = performance.now() - lastBeat;
      beatText.textContent = ago < 1000 ? `beat ${beats} · ${Math.round(ago)} ms ago` : `silent for ${(ago / 1000).toFixed(1)} s`;
      if (ago > 1000) dot.dataset.alive = 'false';
    }
  };

  pool.on('state', (s) => {
    showState(s);
    refresh();
  });
  pool.on('heartbeat', () => {
    beats++;
    lastBeat = performance.now();
    dot.dataset.alive = 'true';
    dot.dataset.beats = String(beats);
    // The Web Animations API: no inline style attribute, so the CSP's style-src holds.
    dot.animate([{ transform: 'scale(1.7)', opacity: 1 }, { transform: 'scale(1)', opacity: 0.75 }], { duration: 400, easing: 'ease-out' });
    refresh();
  });
  showState(pool.stats.state);
  setInterval(refresh, 200);
}

/** Frames per second of the main thread, measured with requestAnimationFrame. */
export function setupFrameMeter(): void {
  const out = byId('fps');
  let frames = 0;
  let worst = 0;
  let last = performance.now();
  let windowStart = last;
  const tick = (now: number) => {
    frames++;
    worst = Math.max(worst, now - last);
    last = now;
    if (now - windowStart >= 1000) {
      const fps = (frames * 1000) / (now - windowStart);
      out.textContent = `${Math.round(fps)} fps`;
      out.title = `longest frame in the last second: ${Math.round(worst)} ms`;
      out.dataset.smooth = String(worst < 100);
      frames = 0;
      worst = 0;
      windowStart = now;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
