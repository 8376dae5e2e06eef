/**
 * Arena: the allocator behind `pool.alloc`. The host reserves one block of wasm memory at
 * start (options.allocBytes) and hands it to the page; the page carves buffers out of it
 * synchronously, first fit, and coalesces what is freed. Nothing in C allocates from it,
 * so the page is its only user and needs no lock.
 */

/** Buffers start on 16-byte boundaries: aligned for every typed array and for SIMD loads. */
const ALIGN = 16;

interface Hole {
  start: number;
  size: number;
}

export class Arena {
  /** Free ranges, by start address, never adjacent (adjacent holes are merged). */
  readonly #holes: Hole[];
  /** Size of each live allocation, by its address. */
  readonly #live = new Map<number, number>();

  constructor(readonly base: number, readonly bytes: number) {
    const start = Math.ceil(base / ALIGN) * ALIGN;
    const size = Math.max(0, base + bytes - start);
    this.#holes = size > 0 ? [{ start, size }] : [];
  }

  /** Bytes free in all, which may be fragmented. */
  get free(): number {
    return this.#holes.reduce((sum, h) => sum + h.size, 0);
  }

  /** Live allocations. */
  get count(): number {
    return this.#live.size;
  }

  /** Address of `size` fresh bytes, or undefined when no hole is big enough. */
  allocate(size: number): number | undefined {
    const want = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    const i = this.#holes.findIndex((h) => h.size >= want);
    if (i < 0) return undefined;
    const hole = this.#holes[i]!;
    const ptr = hole.start;
    if (hole.size === want) this.#holes.splice(i, 1);
    else this.#holes[i] = { start: hole.start + want, size: hole.size - want };
    this.#live.set(ptr, want);
    return ptr;
  }

  /** Returns an allocation; false if `ptr` is not live (freed twice, or never allocated). */
  release(ptr: number): boolean {
    const size = this.#live.get(ptr);
    if (size === undefined) return false;
    this.#live.delete(ptr);
    let i = this.#holes.findIndex((h) => h.start > ptr);
    if (i < 0) i = this.#holes.length;
    this.#holes.splice(i, 0, { start: ptr, size });
    const next = this.#holes[i + 1];
    if (next && ptr + size === next.start) {
      this.#holes[i]!.size += next.size;
      this.#holes.splice(i + 1, 1);
    }
    const prev = this.#holes[i - 1];
    if (prev && prev.start + prev.size === ptr) {
      prev.size += this.#holes[i]!.size;
      this.#holes.splice(i, 1);
    }
    return true;
  }
}
