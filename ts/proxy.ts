/**
 * The typed view of a module's exports (`pool.exports`, and the `wasm` of execute()): a
 * Proxy whose every property is an async function calling the export of that name.
 */

import type { AsyncExports } from './types';

/** Makes a call: what the proxy's functions forward to. */
export type Caller = (name: string, args: unknown[], options: unknown) => Promise<unknown>;

/** A plain object (`{...}`) is never a kernel argument, so as the last one it is CallOptions. */
function isPlainObject(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function exportsProxy<K>(call: Caller): AsyncExports<K> {
  const functions = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as object, {
    get: (_target, prop) => {
      // `then` stays undefined, or `await pool.exports` would call an export named then.
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      let fn = functions.get(prop);
      if (!fn) {
        fn = (...args: unknown[]) => {
          const last = args[args.length - 1];
          return isPlainObject(last) ? call(prop, args.slice(0, -1), last) : call(prop, args, undefined);
        };
        functions.set(prop, fn);
      }
      return fn;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  }) as AsyncExports<K>;
}
