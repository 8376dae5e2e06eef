/**
 * Throttles one call's progress reports to at most 60 a second. The latest values always
 * win: a report that comes too soon is held and delivered when its turn comes (a trailing
 * update), or when the call resolves.
 *
 * Several threads report, so reports can arrive out of order: `done` never goes back. A
 * report is taken only if its done is above the highest one taken for the same total, or
 * its total is new; a stale or repeated one is dropped.
 */

import { reportUserError } from './events';

/** The shortest time between two deliveries: 1000/60 ms, and a little more, since timers
 * may fire a millisecond early. */
const MIN_INTERVAL_MS = 17;

export class ProgressThrottle {
  readonly #listener: (done: number, total: number) => void;
  #last = -Infinity;
  #held: [number, number] | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The report taken last: the highest done for its total. */
  #done = -Infinity;
  #total = NaN;

  constructor(listener: (done: number, total: number) => void) {
    this.#listener = listener;
  }

  /** A report from C. Delivered now if the last delivery is old enough, else held; dropped
   * if it is not ahead of the last one taken. */
  report(done: number, total: number): void {
    if (total === this.#total && !(done > this.#done)) return; // stale, or nothing new
    this.#done = done;
    this.#total = total;
    const now = performance.now();
    if (this.#timer === undefined && now - this.#last >= MIN_INTERVAL_MS) {
      this.#deliver(done, total, now);
      return;
    }
    this.#held = [done, total];
    if (this.#timer === undefined) this.#arm(now);
  }

  #arm(now: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const later = performance.now();
      if (later - this.#last < MIN_INTERVAL_MS) this.#arm(later); // fired early
      else this.flush();
    }, Math.max(0, this.#last + MIN_INTERVAL_MS - now));
  }

  /** Delivers the held report, if any, now: the call is about to resolve. */
  flush(): void {
    this.#stopTimer();
    const held = this.#held;
    if (held) this.#deliver(held[0], held[1], performance.now());
  }

  /** Drops the held report: the call ended without a result. */
  cancel(): void {
    this.#stopTimer();
    this.#held = null;
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #deliver(done: number, total: number, now: number): void {
    this.#held = null;
    this.#last = now;
    try {
      this.#listener(done, total);
    } catch (err) {
      reportUserError(err);
    }
  }
}
