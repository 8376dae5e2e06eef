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
  let lastPulse = 0;

  const showState = (s: PoolState) => {
    state.textContent = STATE_TEXT[s];
    state.dataset.state = s;
    if (s !== 'ready') dot.dataset.alive = 'false';
  };
  // Every repaint costs the pool threads CPU on a machine without a GPU: the status
  // writes only what changed, and says how long ago the last beat was to the second.
  const write = (el: HTMLElement, text: string) => {
    if (el.textContent !== text) el.textContent = text;
  };
  const refresh = () => {
    const s = pool.stats;
    for (const key of Object.keys(stats) as (keyof typeof stats)[]) write(stats[key], String(s[key]));
    if (s.state === 'stopped' || s.state === 'idle-stopped' || s.state === 'shut-down') {
      write(beatText, s.state === 'shut-down' ? 'no host worker' : 'no host worker: the next call starts one');
    } else if (lastBeat) {
      const ago = performance.now() - lastBeat;
      write(beatText, ago < 1000 ? 'beating' : `silent for ${Math.floor(ago / 1000)} s`);
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
    // A short pulse once a second (every fourth beat at the default interval), not one
    // per beat: the page would otherwise never stop drawing.
    if (lastBeat - lastPulse >= 1000) {
      lastPulse = lastBeat;
      dot.animate([{ transform: 'scale(1.5)', opacity: 1 }, { transform: 'scale(1)', opacity: 0.75 }], { duration: 150, easing: 'ease-out' });
    }
    refresh();
  });
  showState(pool.stats.state);
  setInterval(refresh, 200);
}

/**
 * How long the page's main thread went without drawing, over the last few seconds: the
 * longest animation frame (PerformanceObserver 'long-animation-frame', which reports frames
 * over 50 ms). A requestAnimationFrame meter would keep the page drawing 60 frames a second
 * forever, and on a machine without a GPU that alone takes a core from the pool threads.
 */
export function setupFrameMeter(): void {
  const out = byId('fps');
  const WINDOW_MS = 5000;
  const long: { end: number; duration: number }[] = [];
  const show = () => {
    const now = performance.now();
    while (long.length && long[0]!.end < now - WINDOW_MS) long.shift();
    const worst = long.reduce((m, f) => Math.max(m, f.duration), 0);
    out.textContent = worst ? `longest frame ${Math.round(worst)} ms` : 'no frame over 50 ms';
    out.dataset.smooth = String(worst < 100);
  };
  if (PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push({ end: e.startTime + e.duration, duration: e.duration });
      show();
    }).observe({ type: 'long-animation-frame', buffered: true });
  }
  show();
  setInterval(show, 1000);
}
