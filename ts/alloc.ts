/**
 * pool.alloc: a WasmBuffer carved from the running instance's arena, or an error that says
 * why not and what to do about it.
 */

import { PoolShutdownError } from './errors';
import type { HostInstance } from './instance';
import type { TypedArray } from './types';
import { type BufferHome, type TypedArrayConstructor, WasmBuffer } from './wasm-buffer';

/**
 * Allocates `length` elements of `Type` in `instance`'s arena; `released` runs after the
 * buffer is freed. `shutDown` is whether the pool has been shut down.
 * @throws TypeError, RangeError or PoolShutdownError, as ThreadPoolManager.alloc documents.
 */
export function allocBuffer<T extends TypedArray>(
  instance: HostInstance | null,
  shutDown: boolean,
  Type: TypedArrayConstructor<T>,
  length: number,
  released: () => void,
): WasmBuffer<T> {
  if (typeof Type !== 'function' || typeof Type.BYTES_PER_ELEMENT !== 'number') {
    throw new TypeError('wasmpool: alloc(Type, length) needs a typed array constructor, e.g. pool.alloc(Float32Array, n)');
  }
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new TypeError(`wasmpool: alloc(${Type.name}, length) needs an integer length >= 0, got ${String(length)}`);
  }
  if (shutDown) throw new PoolShutdownError('wasmpool: alloc() after shutdown()');
  if (!instance?.memory) {
    throw new TypeError('wasmpool: alloc() needs a running pool, so that its memory exists. Fix: await pool.ready() first.');
  }
  const arena = instance.arena;
  if (!arena) throw new RangeError('wasmpool: alloc() is off: options.allocBytes is 0. Fix: give allocBytes the bytes to reserve.');
  const bytes = length * Type.BYTES_PER_ELEMENT;
  const ptr = arena.allocate(bytes);
  if (ptr === undefined) {
    throw new RangeError(
      `wasmpool: alloc(${Type.name}, ${length}) needs ${bytes} bytes, but the arena has ${arena.free} of ${arena.bytes} free (in pieces). Fix: free() buffers you no longer need, or raise options.allocBytes.`,
    );
  }
  const home: BufferHome = {
    get alive() { return instance.alive; },
    get memory() { return instance.memory; },
    release: (p) => { instance.release(p); released(); },
  };
  return new WasmBuffer(home, Type, ptr, length);
}
