/**
 * What a call must pass before the pool takes it: each refusal is a typed error that names
 * the problem and the fix, thrown before anything is registered (ThreadPoolManager#call
 * turns it into a rejection). What passes comes back checked and numbered.
 */

import { CALL_OPTIONS, checkOptions } from './call-options';
import {
  CancelledError,
  PoolBusyError,
  PoolCrashedError,
  PoolShutdownError,
  SerializationError,
  type CallInfo,
} from './errors';
import type { HostInstance } from './instance';
import { checkArgs, checkSignature, type CheckedArg } from './marshal';
import type { Session } from './sessions';
import type { CallOptions } from './types';

/** The pool as admission sees it. */
export interface AdmissionState {
  shutDown: boolean;
  pending: number;
  maxPending: number;
  /** The module's URL, for messages. */
  module: string;
  /** The ready instance, whose exports and signatures a call is checked against; null
   * while none is (the call is checked again when it is sent). */
  instance: HostInstance | null;
  /** Numbers the call, once it has passed the checks that need no id. */
  nextId(): number;
}

export interface Admitted {
  id: number;
  name: string;
  args: CheckedArg[];
  options: CallOptions;
  info: CallInfo;
  /** The call's AbortSignal, or its execute() session's. */
  signal: AbortSignal | undefined;
}

/** Checks a call of `name` with `args`; throws the error it is refused with. */
export function admit(name: unknown, args: unknown, rawOptions: unknown, session: Session | null, pool: AdmissionState): Admitted {
  if (pool.shutDown) {
    const fn = typeof name === 'string' ? name : String(name);
    throw new PoolShutdownError(`wasmpool: ${fn}() was called after shutdown()`, { functionName: fn });
  }
  if (typeof name !== 'string' || name === '') {
    throw new SerializationError(`wasmpool: call(name, args) needs the name of a C export as name, got ${typeof name === 'string' ? 'an empty string' : typeof name}`);
  }
  const options = checkOptions<CallOptions>(rawOptions, CALL_OPTIONS, `${name}()`);
  if (!Array.isArray(args)) {
    throw new SerializationError(
      `wasmpool: the arguments of ${name}() must be an array, got ${args === null ? 'null' : typeof args}. Fix: pool.call('${name}', [a, b, ...])`,
      { functionName: name },
    );
  }
  if (session?.poisoned) {
    throw new PoolCrashedError(session.poisoned.message, { functionName: name }, { cause: session.poisoned.cause });
  }
  if (pool.pending >= pool.maxPending) {
    throw new PoolBusyError(
      `wasmpool: ${name}() was refused: ${pool.pending} calls are already pending (maxPending: ${pool.maxPending}). Fix: await some calls before making more, or raise maxPending.`,
      { functionName: name },
    );
  }
  const id = pool.nextId();
  const info: CallInfo = { callId: id, functionName: name };
  const checked = checkArgs(name, args, info);
  const instance = pool.instance;
  if (instance) checkSignature(name, checked, instance.exports, pool.module, info, instance.signatures.get(name), options.returns);
  const signal = options.signal ?? session?.defaults.signal;
  if (signal?.aborted) {
    throw new CancelledError(`wasmpool: call ${id} to ${name}() was cancelled before it started: its AbortSignal had already fired`, info, { cause: signal.reason });
  }
  return { id, name, args: checked, options, info, signal };
}
