/** Small DOM helpers for the demo. Nothing here sets inline styles: the page runs under a CSP. */

/** The element with this id; throws if the page lacks it (a typo, not a runtime condition). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: no element #${id}`);
  return el as T;
}

/** A new element with text and classes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** 12 ms, 1.25 s */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** 12:03:04.567 */
export function clock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** What an error says, for the page: its name, code and message. */
export interface ErrorView {
  name: string;
  code: string;
  message: string;
  thread?: number;
}

export function describeError(err: unknown): ErrorView {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; thread?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : '',
    message: typeof e?.message === 'string' ? e.message : String(err),
    thread: typeof e?.thread === 'number' ? e.thread : undefined,
  };
}
