/**
 * Crash lab: one button for each way C code can fail on a pool thread (c/kernels/crash_lab.c).
 * The page shows the typed error the call rejected with, then makes a normal call: the pool
 * restarts (a fresh instance, since the failed one's memory is presumed corrupt) and the call
 * works. The console shows the manager's panic line.
 */
import type { RestartEvent, ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId, describeError, duration, el } from '../dom';
import type { Kernels } from '../kernels';
import { note } from './logs';

interface Mode {
  key: string;
  /** crash_lab's mode number (kernels.h, CRASH_*). */
  id: number;
  label: string;
  what: string;
}

const MODES: Mode[] = [
  { key: 'panic', id: 1, label: 'wp_panic()', what: 'C reports what went wrong' },
  { key: 'wp_assert', id: 2, label: 'WP_ASSERT', what: 'a failing WP_ASSERT' },
  { key: 'abort', id: 3, label: 'abort()', what: 'libc abort' },
  { key: 'assert', id: 4, label: 'assert()', what: 'a failing C assert' },
  { key: 'trap', id: 5, label: 'trap', what: '__builtin_trap: wasm unreachable' },
  { key: 'oob', id: 6, label: 'out of bounds', what: 'a load beyond the end of memory' },
  { key: 'stack_overflow', id: 7, label: 'stack overflow', what: 'unbounded recursion' },
  { key: 'infinite_loop', id: 8, label: 'infinite loop', what: 'never checks wp_cancelled(): killed by timeoutMs 1500' },
  { key: 'cancellable_loop', id: 9, label: 'cancellable loop', what: 'polls wp_cancelled(): aborted after 1 s' },
  { key: 'exit', id: 10, label: 'exit(3)', what: 'exit() on a pool thread' },
];

const CRC_INPUT = new TextEncoder().encode('123456789');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function setupCrashLab(pool: ThreadPoolManager<Kernels>): void {
  const buttons = byId('crash-buttons');
  const threadSelect = byId<HTMLSelectElement>('crash-thread');
  const result = byId('crash-result');
  const fields = {
    name: byId('crash-name'),
    code: byId('crash-code'),
    thread: byId('crash-thread-out'),
    message: byId('crash-message'),
    restart: byId('crash-restart'),
    recovery: byId('crash-recovery'),
  };

  // The pool knows its threads once it is ready (the module may decide how many): list them
  // then, defaulting to the last, and keep the user's choice across restarts.
  function listThreads(): void {
    const threads = pool.stats.threads;
    if (threads === 0 || threadSelect.options.length === threads) return;
    const chosen = Number(threadSelect.value || threads - 1);
    threadSelect.replaceChildren(...Array.from({ length: threads }, (_, t) => new Option(`thread ${t}`, String(t))));
    threadSelect.value = String(Math.min(chosen, threads - 1));
  }
  listThreads();
  pool.on('state', (state) => { if (state === 'ready') listThreads(); });

  const all: HTMLButtonElement[] = [];
  for (const mode of MODES) {
    const button = el('button', 'crash-button');
    button.type = 'button';
    button.dataset.mode = mode.key;
    button.append(el('span', 'crash-label', mode.label), el('span', 'crash-what', mode.what));
    button.addEventListener('click', () => void run(mode));
    buttons.append(button);
    all.push(button);
  }

  function reset(mode: Mode): void {
    result.dataset.mode = mode.key;
    delete result.dataset.finished;
    delete result.dataset.code;
    fields.name.textContent = '…';
    fields.code.textContent = '';
    fields.thread.textContent = '';
    fields.message.textContent = `running crash_lab(${threadSelect.value}, ${mode.id}) — ${mode.what}`;
    fields.restart.textContent = '';
    fields.recovery.textContent = '';
    delete fields.recovery.dataset.ok;
  }

  async function run(mode: Mode): Promise<void> {
    for (const b of all) b.disabled = true;
    reset(mode);
    let restart: RestartEvent | null = null;
    let onFault = () => {};
    const faulted = new Promise<void>((resolve) => { onFault = resolve; });
    const offRestart = pool.on('restart', (event) => { restart = event; });
    const offState = pool.on('state', (s) => { if (s === 'stopped') onFault(); });
    const controller = new AbortController();
    const abortTimer = mode.key === 'cancellable_loop' ? setTimeout(() => controller.abort(), 1000) : undefined;
    const t0 = performance.now();
    try {
      const value = await pool.call('crash_lab', [Number(threadSelect.value), mode.id], {
        signal: controller.signal,
        timeoutMs: mode.key === 'infinite_loop' ? 1500 : 0,
      });
      fields.name.textContent = `returned ${value}`;
      fields.message.textContent = value === -1 ? 'that thread did not take part in the loop' : 'no failure';
    } catch (err) {
      const e = describeError(err);
      result.dataset.code = e.code;
      fields.name.textContent = e.name;
      fields.code.textContent = e.code;
      fields.thread.textContent = e.thread === undefined ? '' : `thread ${e.thread}`;
      fields.message.textContent = `${e.message}  (rejected after ${duration(performance.now() - t0)})`;
    }
    // A timed-out call's C code never returns: its instance is terminated once cancelGraceMs
    // has passed. Wait for that, so the next call goes to the fresh instance.
    clearTimeout(abortTimer);
    if (mode.key === 'infinite_loop') await Promise.race([faulted, sleep(3000)]);
    try {
      const crc = (await pool.exports.crc32(CRC_INPUT)) >>> 0;
      const ev = restart as RestartEvent | null;
      fields.restart.textContent = ev
        ? `↻ pool restarted (restart #${pool.stats.restarts}): ${ev.reason}`
        : '✓ no restart needed: the pool kept running';
      fields.restart.dataset.restarted = String(ev !== null);
      if (ev) note(`pool restarted after ${mode.label}: ${ev.reason}`);
      fields.recovery.textContent = `✓ next call works: crc32("123456789") = 0x${crc.toString(16)}`;
      fields.recovery.dataset.ok = String(crc === 0xcbf43926);
    } catch (err) {
      const e = describeError(err);
      fields.recovery.textContent = `✗ next call failed: ${e.name} (${e.code}): ${e.message}`;
      fields.recovery.dataset.ok = 'false';
    } finally {
      offRestart();
      offState();
      result.dataset.finished = mode.key;
      for (const b of all) b.disabled = false;
    }
  }
}
