/**
 * What the pool writes to options.console: fault reports, C's log lines, and a warning,
 * once per type, for a message it does not know. Never throws.
 */

import type { PoolConsole } from './options';

export class Printer {
  readonly #sink: PoolConsole | null;
  readonly #warned = new Set<string>();

  /** @param sink options.console; null prints nothing. */
  constructor(sink: PoolConsole | null) {
    this.#sink = sink;
  }

  print(level: 'log' | 'warn' | 'error', text: string): void {
    const sink = this.#sink;
    if (!sink) return;
    try {
      sink[level](text);
    } catch {
      // A broken console must not break the pool.
    }
  }

  /** An error of the pool's own, as a console line. */
  error(error: Error): void {
    this.print('error', `[wasmpool] ${error.message.replace(/^wasmpool: /, '')}`);
  }

  unknownMessage(type: string): void {
    if (this.#warned.has(type)) return;
    this.#warned.add(type);
    this.print('warn', `[wasmpool] ignored a message of unknown type ${type} (reported once per type)`);
  }
}
