/**
 * The faults that end an instance, each as the words for the restart event, the line the
 * console shows, and the error each of the instance's lost calls rejects with. The manager
 * does the rest (ThreadPoolManager#fault): terminate, reject, restart on the next call.
 */

import { HeartbeatLostError, PanicError, PoolCrashedError, type WasmPoolError } from './errors';
import type { PanicMessage } from './protocol';
import { infoOf, type Call } from './pending-calls';

/** How a fault ends the calls of its instance. */
export interface Fault {
  /** In words, for the restart event. */
  reason: string;
  /** What the console shows. */
  consoleLine: string;
  /** The error each lost call rejects with. */
  errorFor(call: Call): WasmPoolError;
  panic?: PanicError;
}

/**
 * How long a thread's panic report may trail the host's report of the thread's death. The two
 * travel on different channels (thread port, host worker), so their order is not fixed; a
 * report that misses this window is lost with its ports and the call gets PoolCrashedError.
 * Only a death with no report at all pays this wait.
 */
export const THREAD_DEATH_GRACE_MS = 100;

/** The host stopped beating; `pending` calls were running on it. */
export function heartbeatLost(detail: string, pending: number): Fault {
  return {
    reason: detail,
    consoleLine: `[wasmpool] ${detail}: the host worker was terminated with ${pending} call(s) pending; the pool restarts on the next call`,
    errorFor: (call) => new HeartbeatLostError(`wasmpool: call ${call.id} to ${call.name}() was lost: ${detail}. The pool restarts on the next call.`, infoOf(call)),
  };
}

/** The host worker itself failed (an error event); `cause` is what reported it. */
export function hostCrashed(detail: string, cause: unknown): Fault {
  return lostBecause(`the host worker crashed: ${detail}`, cause);
}

/** A pool thread died without a panic report. */
export function threadDied(detail: string): Fault {
  return lostBecause(`a pool thread died: ${detail}`);
}

/** A cancelled call did not return within its grace period (zombies.ts). */
export function graceExpired(zombie: { id: number; name: string }, graceMs: number): Fault {
  return lostBecause(`call ${zombie.id} to ${zombie.name}() did not return within cancelGraceMs (${graceMs} ms) after cancellation`);
}

function lostBecause(what: string, cause?: unknown): Fault {
  return {
    reason: what,
    consoleLine: `[wasmpool] ${what}; the host worker was terminated, the pool restarts on the next call`,
    errorFor: (call) => new PoolCrashedError(
      `wasmpool: call ${call.id} to ${call.name}() was lost: ${what}. The pool restarts on the next call.`,
      infoOf(call),
      cause === undefined ? undefined : { cause },
    ),
  };
}

/**
 * A pool thread panicked. `fn` is the function of the call it names, if that call is known
 * (pending or a zombie); `target`, the pending call it names, rejects with the PanicError,
 * and every other call of the instance with a PoolCrashedError caused by it.
 */
export function panicked(message: PanicMessage, fn: string | undefined, target: Call | undefined): Fault {
  const { thread, callId } = message;
  const stack = typeof message.stack === 'string' ? message.stack : undefined;
  const panic = new PanicError(message.message, thread, fn === undefined ? {} : { callId, functionName: fn }, stack);
  const where = fn === undefined ? 'outside any call' : `in ${fn}()`;
  const culprit = fn === undefined ? `pool thread ${thread} panicked outside any call` : `call ${callId} to ${fn}() panicked on thread ${thread}`;
  return {
    reason: `panic on thread ${thread} ${where}: ${message.message}`,
    consoleLine: `[wasmpool] panic on thread ${thread} ${where}: ${message.message}`,
    panic,
    errorFor: (call) => call === target
      ? panic
      : new PoolCrashedError(`wasmpool: call ${call.id} to ${call.name}() was lost: ${culprit}: ${message.message}. The pool restarts on the next call.`, infoOf(call), { cause: panic }),
  };
}
