/**
 * The execute() calls in progress. Each session remembers the instances its calls used;
 * once one of them faults, the session is poisoned and refuses its later calls, since the
 * state they would build on is gone.
 */

import { PoolCrashedError, type WasmPoolError } from './errors';
import type { ExecuteOptions } from './types';

/** An execute() in progress: its call defaults, the instances its calls used, its fault. */
export interface Session {
  readonly defaults: ExecuteOptions;
  readonly generations: Set<number>;
  /** Set once an instance this execute used faults: its later calls are refused. */
  poisoned: WasmPoolError | null;
}

export class Sessions {
  readonly #open = new Set<Session>();

  get size(): number {
    return this.#open.size;
  }

  open(defaults: ExecuteOptions): Session {
    const session: Session = { defaults, generations: new Set(), poisoned: null };
    this.#open.add(session);
    return session;
  }

  close(session: Session): void {
    this.#open.delete(session);
  }

  /** Instance `generation` failed (`reason`, with `cause`): poisons each session that used it. */
  poison(generation: number, reason: string, cause: WasmPoolError): void {
    for (const session of this.#open) {
      if (session.generations.has(generation)) {
        session.poisoned ??= new PoolCrashedError(
          `wasmpool: this execute() used a pool instance that failed (${reason}), so its later calls are refused: the state they would build on is gone`,
          {},
          { cause },
        );
      }
    }
  }
}
