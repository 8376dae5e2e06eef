/**
 * Logs: every line C writes (wp_log, printf, fprintf(stderr)) arrives on pool.on('log')
 * straight from its pool thread's MessagePort, tagged with the thread. The panel keeps the
 * last lines; the demo adds its own notes (restarts) between them.
 */
import type { LogRecord, ThreadPoolManager } from '/dist/wasmpool.mjs';
import type { Kernels } from '../kernels';
import { byId, clock, el } from '../dom';

const MAX_LINES = 400;

let panel: HTMLElement | null = null;

function append(line: HTMLElement): void {
  if (!panel) return;
  const atBottom = panel.scrollTop + panel.clientHeight >= panel.scrollHeight - 8;
  panel.append(line);
  while (panel.childElementCount > MAX_LINES) panel.firstElementChild?.remove();
  if (atBottom) panel.scrollTop = panel.scrollHeight;
  byId('log-count').textContent = String(Number(byId('log-count').textContent) + 1);
}

/** A line from the demo itself, not from C: a restart, a cancellation. */
export function note(text: string, kind: 'info' | 'error' = 'info'): void {
  const line = el('div', `log-line note ${kind}`);
  line.append(el('span', 'log-time', clock(Date.now())), el('span', 'log-text', text));
  append(line);
}

export function setupLogs(pool: ThreadPoolManager<Kernels>): void {
  panel = byId('log-panel');
  pool.on('log', (record: LogRecord) => {
    const line = el('div', `log-line ${record.level}`);
    line.dataset.thread = String(record.thread);
    line.append(
      el('span', 'log-time', clock(record.time)),
      el('span', `log-thread t${record.thread % 8}`, `thread ${record.thread}`),
      el('span', 'log-text', record.text),
    );
    append(line);
  });
  byId<HTMLButtonElement>('log-clear').addEventListener('click', () => {
    panel?.replaceChildren();
    byId('log-count').textContent = '0';
  });
  const hello = byId<HTMLButtonElement>('log-hello');
  hello.addEventListener('click', async () => {
    hello.disabled = true;
    try {
      await pool.exports.probe_log(2);
    } catch (err) {
      note(`probe_log failed: ${String(err)}`, 'error');
    } finally {
      hello.disabled = false;
    }
  });
}
