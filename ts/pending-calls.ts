/**
 * The calls whose promises have not settled: one record per call, matched to the host's
 * replies by id, and the one place a call settles. Settling is idempotent (a reply, a
 * timeout, a cancellation and a fault may race), and it ends what the call holds: its
 * timer, its abort listener, its progress throttle.
 */

import { CancelledError, TimeoutError, type CallInfo, type WasmPoolError } from './errors';
import type { HostInstance } from './instance';
import type { CheckedArg } from './marshal';
import type { ProgressThrottle } from './progress';
import type { ReturnKind } from './protocol';
import type { Session } from './sessions';
import type { TypedArray } from './types';

/** A call whose promise has not settled. */
export interface Call {
  readonly id: number;
  readonly name: string;
  readonly args: readonly CheckedArg[];
  /** CallOptions.returns; undefined reads the result as the signature table says. */
  readonly returns: ReturnKind | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly session: Session | null;
  readonly progress: ProgressThrottle | null;
  /** The instance it was sent to; null while it waits for the pool to start. */
  instance: HostInstance | null;
  outputs: Map<number, TypedArray> | null;
  /** Turns the host's value into the call's result (once sent). */
  result: ((value: unknown) => unknown) | null;
  timer: ReturnType<typeof setTimeout> | undefined;
  unlisten: (() => void) | null;
}

export function infoOf(call: { id: number; name: string }): CallInfo {
  return { callId: call.id, functionName: call.name };
}

/**
 * Arms a call's timeout and abort listener; either hands the call to `abandon` with the
 * error it rejects with. Both are undone when the call settles.
 */
export function watchCall(
  call: Call,
  info: CallInfo,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  abandon: (call: Call, error: WasmPoolError) => void,
): void {
  const { id, name } = call;
  if (timeoutMs > 0) {
    call.timer = setTimeout(() => {
      abandon(call, new TimeoutError(`wasmpool: call ${id} to ${name}() timed out after ${timeoutMs} ms`, info));
    }, timeoutMs);
  }
  if (signal) {
    const onAbort = () => {
      abandon(call, new CancelledError(`wasmpool: call ${id} to ${name}() was cancelled by its AbortSignal`, info, { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.unlisten = () => signal.removeEventListener('abort', onAbort);
  }
}

/** The pending calls by id, and the counts of those that settled. */
export class PendingCalls {
  readonly #calls = new Map<number, Call>();
  #nextId = 1;
  #completed = 0;
  #failed = 0;

  get size(): number {
    return this.#calls.size;
  }

  get completed(): number {
    return this.#completed;
  }

  get failed(): number {
    return this.#failed;
  }

  nextId(): number {
    return this.#nextId++;
  }

  add(call: Call): void {
    this.#calls.set(call.id, call);
  }

  /** Whether the call is still pending (it has not settled). */
  has(call: Call): boolean {
    return this.#calls.get(call.id) === call;
  }

  /** The pending call `id`, if it was sent to `instance`: replies from any other are stale. */
  sentTo(instance: HostInstance, id: number): Call | undefined {
    const call = this.#calls.get(id);
    return call && call.instance === instance ? call : undefined;
  }

  /** The pending calls sent to `instance`. */
  allSentTo(instance: HostInstance): Call[] {
    return [...this.#calls.values()].filter((call) => call.instance === instance);
  }

  all(): Call[] {
    return [...this.#calls.values()];
  }

  /** Counts a call that was refused before it was registered. */
  countRefused(): void {
    this.#failed++;
  }

  /** Resolves a call; false if it had already settled. */
  resolve(call: Call, value: unknown): boolean {
    if (!this.#finish(call)) return false;
    call.progress?.flush();
    this.#completed++;
    call.resolve(value);
    return true;
  }

  /** Rejects a call; false if it had already settled. */
  reject(call: Call, error: unknown): boolean {
    if (!this.#finish(call)) return false;
    call.progress?.cancel();
    this.#failed++;
    call.reject(error);
    return true;
  }

  /** Removes a call from the books; false if it had already settled. */
  #finish(call: Call): boolean {
    if (!this.has(call)) return false;
    this.#calls.delete(call.id);
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.unlisten?.();
    return true;
  }
}
