/**
 * Idle shutdown (options.idleShutdownMs): one timer, armed when the pool has nothing to do
 * and cleared as soon as it has. The manager decides what idle means and what stopping does.
 */

export class IdleTimer {
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param ms options.idleShutdownMs; 0 turns idle shutdown off. */
  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Arms the timer if it is on, not armed yet, and `isIdle()`; `stop` runs when it fires. */
  arm(isIdle: () => boolean, stop: () => void): void {
    if (this.#ms === 0 || this.#timer !== undefined || !isIdle()) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      stop();
    }, this.#ms);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
