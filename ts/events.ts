/**
 * A small typed event emitter. A listener that throws does not stop the others or the
 * pool: its error is reported as an uncaught error of the context (`reportError`).
 */

/** Reports an error from user code (a listener, onProgress) without breaking the caller. */
export function reportUserError(err: unknown): void {
  if (typeof reportError === 'function') reportError(err);
  else setTimeout(() => { throw err; });
}

export class Emitter<M extends object> {
  #listeners = new Map<keyof M, Set<(value: never) => void>>();
  readonly #names: ReadonlySet<keyof M>;

  /** @param names every event this emitter knows; `on` rejects others. */
  constructor(names: readonly (keyof M)[]) {
    this.#names = new Set(names);
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof M>(event: E, listener: (value: M[E]) => void): () => void {
    if (!this.#names.has(event)) {
      throw new TypeError(`wasmpool: unknown event ${String(event)} (known: ${[...this.#names].map(String).join(', ')})`);
    }
    if (typeof listener !== 'function') throw new TypeError(`wasmpool: the listener of ${String(event)} must be a function`);
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    // Wrapped, so the same function added twice is two listeners with two unsubscribes.
    const entry = (value: never) => listener(value);
    set.add(entry);
    return () => void set.delete(entry);
  }

  emit<E extends keyof M>(event: E, value: M[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (value: M[E]) => void)(value);
      } catch (err) {
        reportUserError(err);
      }
    }
  }

  /** Whether anyone listens: lets a frequent event skip building its payload. */
  has(event: keyof M): boolean {
    return (this.#listeners.get(event)?.size ?? 0) > 0;
  }
}
