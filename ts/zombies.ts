/**
 * Calls that were cancelled or timed out after they were sent: their promises have
 * rejected, but C may still be running them. Each has cancelGraceMs to return; a zombie
 * whose instance returns nothing by then is presumed stuck, and its instance must go.
 */

import type { HostInstance } from './instance';

export interface Zombie {
  readonly id: number;
  readonly name: string;
  readonly instance: HostInstance;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class Zombies {
  readonly #zombies = new Map<number, Zombie>();

  get size(): number {
    return this.#zombies.size;
  }

  /** Starts a call's grace period; `expired` runs if its instance has not replied by then. */
  add(call: { id: number; name: string }, instance: HostInstance, graceMs: number, expired: (zombie: Zombie) => void): void {
    const zombie: Zombie = { id: call.id, name: call.name, instance, timer: undefined };
    this.#zombies.set(call.id, zombie);
    zombie.timer = setTimeout(() => {
      if (this.#zombies.get(zombie.id) !== zombie) return;
      this.#zombies.delete(zombie.id);
      expired(zombie);
    }, graceMs);
  }

  /** A reply to call `id` from `instance`: true if it ends a zombie (C honoured the cancellation). */
  returned(id: number, instance: HostInstance): boolean {
    const zombie = this.#zombies.get(id);
    if (!zombie || zombie.instance !== instance) return false;
    clearTimeout(zombie.timer);
    this.#zombies.delete(id);
    return true;
  }

  /** The function of zombie `id` on `instance`, if there is one. */
  nameOf(id: number, instance: HostInstance): string | undefined {
    const zombie = this.#zombies.get(id);
    return zombie?.instance === instance ? zombie.name : undefined;
  }

  /** Forgets the zombies of an instance that is gone: nothing is left to wait for. */
  dropInstance(instance: HostInstance): void {
    for (const [id, zombie] of this.#zombies) {
      if (zombie.instance !== instance) continue;
      clearTimeout(zombie.timer);
      this.#zombies.delete(id);
    }
  }

  clear(): void {
    for (const zombie of this.#zombies.values()) clearTimeout(zombie.timer);
    this.#zombies.clear();
  }
}
