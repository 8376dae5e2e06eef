/**
 * The typed view of a module's exports (`pool.exports`, and the `wasm` of execute()): a
 * Proxy whose properties are async functions calling the export of that name.
 *
 * Before the pool is ready, any name gives a function (the export list is not known yet, and
 * early calls must work). Once it is ready, only the module's exports do. Symbols and the
 * names that code probes objects with (`then` by await, `toJSON` by JSON.stringify,
 * `constructor`, `valueOf`, `toString` and the rest of Object.prototype, and what devtools
 * and test frameworks look for) are always undefined: a function there would be called, and
 * make a call that rejects unobserved. An export with one of those names is still reachable
 * as `pool.call(name, args)`.
 */

import type { AsyncExports } from './types';

/** Makes a call: what the proxy's functions forward to. */
export type Caller = (name: string, args: unknown[], options: unknown) => Promise<unknown>;

/** The module's exports (name -> C parameter count), or null while they are not known. */
export type KnownExports = () => ReadonlyMap<string, number> | null;

/** Names that are looked up on any object to find out what it is; never an export here. */
const PROBES: ReadonlySet<string> = new Set([
  'then', 'toJSON', 'constructor', 'valueOf', 'toString', 'toLocaleString',
  'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', '__proto__',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
  'nodeType', 'asymmetricMatch', '$$typeof',
]);

/** A plain object (`{...}`) is never a kernel argument, so as the last one it is CallOptions. */
function isPlainObject(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function exportsProxy<K>(call: Caller, known: KnownExports = () => null): AsyncExports<K> {
  const functions = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  // The last export list seen: the module does not change when the pool restarts.
  let exports: ReadonlyMap<string, number> | null = null;
  return new Proxy(Object.create(null) as object, {
    get: (_target, prop) => {
      if (typeof prop !== 'string' || PROBES.has(prop)) return undefined;
      exports = known() ?? exports;
      if (exports && !exports.has(prop)) return undefined;
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
