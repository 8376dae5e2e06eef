/**
 * Checks the options of one call (CallOptions) or of execute() (ExecuteOptions). A bad
 * option is a TypeError naming it, as PoolOptions' are (options.ts).
 */

import { MAX_DELAY_MS } from './options';
import type { ReturnKind } from './protocol';
import type { CallOptions } from './types';

export const CALL_OPTIONS: readonly string[] = ['signal', 'timeoutMs', 'onProgress', 'returns'];
export const EXECUTE_OPTIONS: readonly string[] = ['signal', 'timeoutMs'];
const RETURN_KINDS: readonly ReturnKind[] = ['number', 'bigint', 'string', 'void'];

/** Duck-typed, so a signal from another realm (an iframe) works too. */
function isAbortSignal(x: unknown): x is AbortSignal {
  const s = x as AbortSignal | null;
  return typeof s === 'object' && s !== null && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function';
}

/**
 * Checks options against the keys `known` (CALL_OPTIONS or EXECUTE_OPTIONS); `where` names
 * the call in messages. undefined and null mean no options.
 */
export function checkOptions<T extends CallOptions>(options: unknown, known: readonly string[], where: string): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object') throw new TypeError(`wasmpool: the options of ${where} must be an object, got ${typeof options}`);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new TypeError(`wasmpool: ${key} is not an option of ${where} (known: ${known.join(', ')})`);
  }
  if (o.signal !== undefined && !isAbortSignal(o.signal)) {
    throw new TypeError(`wasmpool: options.signal of ${where} must be an AbortSignal, e.g. new AbortController().signal`);
  }
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === 'number' && o.timeoutMs >= 0 && o.timeoutMs <= MAX_DELAY_MS)) {
    throw new TypeError(`wasmpool: options.timeoutMs of ${where} must be a number of ms from 0 (none) to ${MAX_DELAY_MS}, got ${String(o.timeoutMs)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new TypeError(`wasmpool: options.onProgress of ${where} must be a function (done, total) => void`);
  }
  if (o.returns !== undefined && !RETURN_KINDS.includes(o.returns as ReturnKind)) {
    throw new TypeError(`wasmpool: options.returns of ${where} must be one of ${RETURN_KINDS.map((k) => `'${k}'`).join(', ')}, got ${String(o.returns)}`);
  }
  return o as T;
}
