// DESIGN.md invariant 7: shipped JavaScript contains no eval and no new Function, so that it
// runs under a strict Content-Security-Policy (the demo and cdn specs run it under one).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './test';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
// What the package ships, and a module wasmpool-cc built (Emscripten's glue included).
const SHIPPED = ['wasmpool.mjs', 'wasmpool-host.js', 'wasmpool.global.js', 'kernels.js', 'kernels.worker.js'];
// eval(...), new Function(...), Function(...) — but not WebAssembly.Function, which compiles nothing from text.
const CODE_FROM_TEXT = /\beval\s*\(|(?<![\w.])(?:new\s+)?Function\s*\(/g;

for (const file of SHIPPED) {
  test(`${file} builds no code from text (no eval, no new Function)`, () => {
    const text = readFileSync(path.join(dist, file), 'utf8');
    const hits = [...text.matchAll(CODE_FROM_TEXT)].map((m) => text.slice(Math.max(0, m.index! - 40), m.index! + 40));
    expect(hits).toEqual([]);
  });
}

test('the pattern catches what it must', () => {
  for (const bad of ['eval("1")', 'x = new Function("a", "return a")', 'Function("return this")()']) {
    expect(bad.match(CODE_FROM_TEXT), bad).not.toBeNull();
  }
  expect('new WebAssembly.Function(type, f)'.match(CODE_FROM_TEXT)).toBeNull();
});
