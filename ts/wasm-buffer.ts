/**
 * WasmBuffer: a typed array's worth of the pool's wasm memory, from `pool.alloc`. Passed to
 * a call, it fills the C pointer-plus-length pair with its own address: no copy in, no copy
 * back; C and the page share the bytes. It lives as long as the pool instance it came from
(the pool does not idle-stop while buffers are live): after a fault or shutdown that memory
 * is gone, and using the buffer throws, as a detached ArrayBuffer would.
 */

import { SerializationError, type CallInfo } from './errors';
import type { TypedArray } from './types';

/** A typed array constructor, e.g. Float32Array. */
export interface TypedArrayConstructor<T extends TypedArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
}

/** What a buffer needs of the instance it lives in. `memory` is null once it has ended: a
 * buffer must not keep a dead instance's memory alive. */
export interface BufferHome {
  readonly alive: boolean;
  readonly memory: WebAssembly.Memory | null;
  release(ptr: number): void;
}

export class WasmBuffer<T extends TypedArray = TypedArray> {
  /** Its address in wasm memory: the pointer C receives. */
  readonly ptr: number;
  /** Its length in elements: the length C receives. */
  readonly length: number;
  readonly #home: BufferHome;
  readonly #Type: TypedArrayConstructor<T>;
  #view: T | undefined;
  #freed = false;

  constructor(home: BufferHome, Type: TypedArrayConstructor<T>, ptr: number, length: number) {
    this.#home = home;
    this.#Type = Type;
    this.ptr = ptr;
    this.length = length;
  }

  /** Its size in bytes. */
  get byteLength(): number {
    return this.length * this.#Type.BYTES_PER_ELEMENT;
  }

  /** Whether it can still be used: not freed, and its pool instance still runs. */
  get usable(): boolean {
    return !this.#freed && this.#home.alive;
  }

  /**
   * A typed array over the buffer's memory. Wasm memory is shared, so the view stays valid
   * when memory grows (a SharedArrayBuffer never detaches), and C's writes show in it.
   * @throws TypeError once the buffer is freed or its instance has ended.
   */
  get view(): T {
    this.#check();
    this.#view ??= new this.#Type(this.#home.memory!.buffer, this.ptr, this.length);
    return this.#view;
  }

  /** Gives the memory back. Idempotent; a buffer whose instance ended needs no freeing. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#view = undefined;
    if (this.#home.alive) this.#home.release(this.ptr);
  }

  /** Its address for a call; SerializationError if it can no longer be passed. */
  pointerFor(fn: string, index: number, info: CallInfo): number {
    if (!this.usable) {
      throw new SerializationError(
        `wasmpool: argument ${index} of ${fn}() is a WasmBuffer that was ${this.#freed ? 'freed' : 'allocated in a pool instance that has ended'}, which cannot be passed to C. Fix: allocate a new buffer with pool.alloc() after pool.ready().`,
        info,
      );
    }
    return this.ptr;
  }

  #check(): void {
    if (this.#freed) {
      throw new TypeError('wasmpool: this WasmBuffer was freed. Fix: read it before free(), or pool.alloc() a new one.');
    }
    if (!this.#home.alive) {
      this.#view = undefined; // the dead instance's memory: let it go
      throw new TypeError(
        'wasmpool: the pool instance this WasmBuffer lived in has ended (a fault or shutdown), and its memory with it. Fix: pool.alloc() a new buffer after pool.ready().',
      );
    }
  }
}
