// The signature table that wasmpool-cc embeds in a module's .js: where it lies, for the
// tests that read it (cli.spec.ts), and a server of dist/ with the table changed, for the
// tests of how the page uses it (signatures.spec.ts, marshal-checks.spec.ts).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/server.mjs';
import { test } from './test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the table's JSON lies in a module (after `Module["wasmpoolSignatures"]=`), or null.
 * `at` is where the assignment starts; its braces are balanced outside strings.
 */
export function signatureTable(js: string): { at: number; start: number; end: number } | null {
  const m = /Module\[["']wasmpoolSignatures["']\]\s*=\s*/.exec(js);
  if (!m) return null;
  const start = m.index + m[0].length;
  let depth = 0;
  for (let i = start; i < js.length; i++) {
    const c = js[i];
    if (c === '"') {
      for (i++; i < js.length && js[i] !== '"'; i++) if (js[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return { at: m.index, start, end: i + 1 };
  }
  return null;
}

/**
 * For the tests of the enclosing describe: serves a copy of dist/ and the pool fixture
 * whose kernels.js has its table replaced by what `edit` returns (undefined: no table, as
 * a module not built by wasmpool-cc). Returns the server's URL once beforeAll has run.
 */
export function serveWithTable(edit: (table: Record<string, any>) => unknown): () => string {
  let dir = '';
  let server: { url: string; close: () => Promise<void> } | null = null;
  test.beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wasmpool-table-'));
    cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    mkdirSync(path.join(dir, 'e2e', 'fixtures'), { recursive: true });
    cpSync(path.join(root, 'e2e', 'fixtures', 'pool.html'), path.join(dir, 'e2e', 'fixtures', 'pool.html'));
    const file = path.join(dir, 'dist', 'kernels.js');
    const js = readFileSync(file, 'utf8');
    const at = signatureTable(js);
    if (!at) throw new Error('dist/kernels.js has no signature table');
    const table = edit(JSON.parse(js.slice(at.start, at.end)));
    writeFileSync(file, `${js.slice(0, at.start)}${table === undefined ? 'undefined' : JSON.stringify(table)}${js.slice(at.end)}`);
    server = await startServer({ port: 0, root: dir, dirs: ['dist', 'e2e/fixtures'] });
  });
  test.afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => server!.url;
}
