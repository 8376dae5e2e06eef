// wasmpool-cc, the built dist/wasmpool-cc.mjs as users run it: the module and the .d.ts it
// writes, tsc over typed and ill-typed uses of that .d.ts, the module running on a pool in
// Chromium, C errors, a missing emcc, failures that are not the C's. Only that one test opens
// a browser.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/server.mjs';
import { signatureTable } from './module-table';
import { expect, openPool, test } from './test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'wasmpool-cc.mjs');
const tsc = path.join(root, 'node_modules', '.bin', 'tsc');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Run {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeout ?? 120_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function wasmpoolCc(args: string[], options: Parameters<typeof run>[2] = {}): Run {
  return run(process.execPath, [cli, ...args], options);
}

/** `file(line,col): error TS...` lines of tsc's output, as "file:line". */
function tscErrors(output: string): string[] {
  return [...output.matchAll(/^(\S+?)\((\d+),\d+\): error TS\d+/gm)].map((m) => `${path.basename(m[1]!)}:${m[2]}`);
}

/** Lines of a Node stack trace: the CLI never prints one (but with --verbose). */
const STACK_FRAME = /^ {4}at /m;

/** "file:line" of every line marked `// error:` in a file. */
function markedLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').flatMap((line, i) => (/\/\/ error:/.test(line) ? [`${path.basename(file)}:${i + 1}`] : []));
}

// Prototypes written the awkward ways C allows: comments, attributes, line breaks, typedefs,
// `T name[]`, a declaration in a header documented there, and decoys in comments and strings.
const HEADER = `#include <stddef.h>
#include <stdint.h>
#include "wasmpool.h"

/* The dot product of a and b,
 * over min(n, m) elements. */
WP_EXPORT int32_t dot(const int32_t *a, size_t n, const int32_t *b, size_t m);

WP_EXPORT int never_defined(int x); /* declared only: not exported */
`;

const SOURCE = `#include <stdbool.h>
#include <string.h>
#include "sample.h"

typedef float real;

/* Scales xs in place by k. */
WP_EXPORT void scale(real *xs, size_t n, real k) {
  for (size_t i = 0; i < n; i++) xs[i] *= k;
}

WP_EXPORT __attribute__((noinline))
uint32_t
checksum(const uint8_t *data, /* the bytes */
         size_t len)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ data[i]) * 16777619u;
  return h;
}

WP_EXPORT int64_t add64(int64_t a, uint64_t b) { return a + (int64_t)b; }
WP_EXPORT const char *greeting(void) { return "hello"; }
WP_EXPORT bool is_even(int x) { return x % 2 == 0; }
WP_EXPORT double mean(const double xs[], int count) {
  double s = 0;
  for (int i = 0; i < count; i++) s += xs[i];
  return count ? s / count : 0;
}
WP_EXPORT size_t name_length(const char *name) { return strlen(name); }
WP_EXPORT void fill(int16_t *out, unsigned count, int16_t v) { for (unsigned i = 0; i < count; i++) out[i] = v; }
WP_EXPORT unsigned long long big(void) { return ~0ull; }

/* Marked WP_EXPORT in sample.h only. */
int32_t dot(const int32_t *a, size_t n, const int32_t *b, size_t m) {
  int32_t s = 0;
  for (size_t i = 0; i < n && i < m; i++) s += a[i] * b[i];
  return s;
}

static int helper(int x) { return x; }
/* WP_EXPORT int commented_out(void); */
const char *decoy = "WP_EXPORT int in_a_string(void);";
int use_helper(void) { return helper(1); }
`;

const EXPECTED_SIGNATURES = [
  'dot(a: Int32Array, b: Int32Array): number;',
  'scale(xs: Float32Array, k: number): void;',
  'checksum(data: Uint8Array | Uint8ClampedArray): number;',
  'add64(a: bigint, b: bigint): bigint;',
  'greeting(): string | null;',
  'is_even(x: number): boolean;',
  'mean(xs: Float64Array): number;',
  'name_length(name: string): number;',
  'fill(out: Int16Array, v: number): void;',
  'big(): bigint;',
];

const GOOD_USE = `import { ThreadPoolManager } from 'wasmpool';
import type { SampleKernels } from './out/sample-kernels';

const pool = new ThreadPoolManager<SampleKernels>({ module: new URL('./out/sample-kernels.js', 'https://example.com/') });

export async function use() {
  const xs = new Float32Array([1, 2, 3]);
  await pool.exports.scale(xs, 2);
  const c: number = await pool.exports.checksum(new Uint8Array(3));
  const c2: number = await pool.call('checksum', [new Uint8ClampedArray(3)]);
  const sum: bigint = await pool.exports.add64(1n, 2n);
  const hello: string | null = await pool.exports.greeting();
  const even: boolean = await pool.call('is_even', [4]);
  const m: number = await pool.exports.mean(new Float64Array(2), { timeoutMs: 100 });
  const d: number = await pool.exports.dot(new Int32Array(2), new Int32Array(2));
  await pool.exports.fill(new Int16Array(8), 7);
  const b: bigint = await pool.exports.big();
  const n: number = await pool.exports.name_length('héllo');
  await pool.ready();
  const buffer = pool.alloc(Float32Array, 4);
  await pool.exports.scale(buffer, 3);
  return [c, c2, sum, hello, even, m, d, b, n];
}
`;

const BAD_USE = `import { ThreadPoolManager } from 'wasmpool';
import type { SampleKernels } from './out/sample-kernels';

const pool = new ThreadPoolManager<SampleKernels>({ module: 'https://example.com/sample-kernels.js' });

export async function misuse() {
  await pool.exports.scale(new Float64Array(4), 2); // error: doubles where C takes floats
  await pool.exports.scale(new Float32Array(4)); // error: k is missing
  await pool.exports.checksum(new Uint8Array(3), 3); // error: the array fills the length too
  await pool.exports.add64(1, 2n); // error: a number where C takes int64_t
  const g: number = await pool.exports.greeting(); // error: it returns a string
  await pool.call('is_even', ['4']); // error: a string where C takes an int
  await pool.exports.name_length(new Uint8Array(3)); // error: bytes where C takes const char *
  await pool.exports.never_defined(1); // error: declared, never defined, so not exported
  const e: number = await pool.exports.is_even(1); // error: it returns a boolean
  await pool.exports.dot(new Int32Array(2), new Int32Array(2));
  return [g, e];
}
`;

test.describe('wasmpool-cc', () => {
  test.describe.configure({ mode: 'serial' });
  let dir = '';
  let compiled: Run;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    dir = mkdtempSync(path.join(tmpdir(), 'wasmpool-cc-test-'));
    writeFileSync(path.join(dir, 'sample.h'), HEADER);
    writeFileSync(path.join(dir, 'sample.c'), SOURCE);
    compiled = wasmpoolCc(['sample.c', '-o', 'out/sample-kernels.js', '-O1', '--threads', '3'], { cwd: dir, timeout: 170_000 });
  });

  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('--help prints the usage; bad usage exits 2 and says why', () => {
    const help = wasmpoolCc(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: wasmpool-cc <file.c>... -o <out/kernels.js>');
    expect(help.stdout).toContain('--threads <N>');
    const noOutput = wasmpoolCc(['kernels.c']);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('no output given: -o out/kernels.js');
    const header = wasmpoolCc(['kernels.h', '-o', 'k.js']);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('is a header');
  });

  test('compiles C into the module files and a .d.ts with the typed signatures', () => {
    expect(compiled.code, compiled.stderr + compiled.stdout).toBe(0);
    expect(compiled.stderr).toBe('');
    expect(compiled.stdout).toContain('10 export(s): dot, scale, checksum, add64, greeting, is_even, mean, name_length, fill, big');
    for (const f of ['sample-kernels.js', 'sample-kernels.wasm', 'sample-kernels.worker.js', 'sample-kernels.d.ts']) {
      expect(existsSync(path.join(dir, 'out', f)), f).toBe(true);
    }
    const dts = readFileSync(path.join(dir, 'out', 'sample-kernels.d.ts'), 'utf8');
    expect(dts).toContain('export interface SampleKernels {');
    // Every export, in order (the header's first), and nothing else.
    const methods = [...dts.matchAll(/^ {2}(\w+\(.*\): .*;)$/gm)].map((m) => m[1]);
    expect(methods).toEqual(EXPECTED_SIGNATURES);
    // The C comments document the methods, with the C prototype and how arrays pass.
    expect(dts).toContain('   * The dot product of a and b,\n   * over min(n, m) elements.');
    expect(dts).toContain('   * Scales xs in place by k.');
    expect(dts).toContain('C: `uint32_t checksum(const uint8_t *data, size_t len)`');
    expect(dts).toContain('@param data `const uint8_t *data, size_t len`: read only: copied in, with its length');
    expect(dts).toContain('@param xs `real *xs, size_t n`: read and written: copied in, and back after the call, with its length');

    // The module carries the export list and the signature table, and --threads 3.
    const js = readFileSync(path.join(dir, 'out', 'sample-kernels.js'), 'utf8');
    const table = signatureTable(js);
    expect(table, 'the signature table in the module').not.toBeNull();
    const signatures = JSON.parse(js.slice(table!.start, table!.end));
    expect(Object.keys(signatures)).toEqual(['dot', 'scale', 'checksum', 'add64', 'greeting', 'is_even', 'mean', 'name_length', 'fill', 'big']);
    expect(signatures.checksum).toEqual({
      params: [{ name: 'data', c: 'const uint8_t *data, size_t len', type: 'array', element: 'u8', const: true, length: 'u32' }],
      returns: 'u32',
      c: 'uint32_t checksum(const uint8_t *data, size_t len)',
    });
    expect(signatures.scale.params[0]).toMatchObject({ type: 'array', element: 'f32', const: false, length: 'u32' });
    expect(signatures.greeting.returns).toBe('string');
    expect(js).toMatch(/Module\[["']wasmpoolExports["']\]\s*=\s*\[\s*"dot",\s*"scale",\s*"checksum",/);
    expect(js).toMatch(/wasmpoolThreads["']\]\s*\|\|\s*3/);
  });

  test('the .d.ts type-checks typed calls, and tsc rejects each ill-typed one and nothing else', () => {
    expect(compiled.code, compiled.stderr).toBe(0);
    writeFileSync(path.join(dir, 'good.ts'), GOOD_USE);
    writeFileSync(path.join(dir, 'bad.ts'), BAD_USE);
    const tsconfig = (file: string) => ({
      compilerOptions: {
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['ES2024', 'DOM', 'DOM.Iterable'],
        types: [],
        strict: true,
        noEmit: true,
        paths: { wasmpool: [path.join(root, 'dist', 'types', 'ts', 'index.d.ts')] },
      },
      files: [file],
    });
    writeFileSync(path.join(dir, 'tsconfig.good.json'), JSON.stringify(tsconfig('good.ts'), null, 2));
    writeFileSync(path.join(dir, 'tsconfig.bad.json'), JSON.stringify(tsconfig('bad.ts'), null, 2));

    const good = run(tsc, ['-p', 'tsconfig.good.json', '--pretty', 'false'], { cwd: dir });
    expect(good.code, good.stdout + good.stderr).toBe(0);

    const bad = run(tsc, ['-p', 'tsconfig.bad.json', '--pretty', 'false'], { cwd: dir });
    expect(bad.code, 'tsc must fail on bad.ts').not.toBe(0);
    expect([...new Set(tscErrors(bad.stdout + bad.stderr))].sort(), bad.stdout).toEqual(markedLines(path.join(dir, 'bad.ts')).sort());
  });

  test('the module it builds runs on a pool: every call as the .d.ts types it', async ({ page }) => {
    expect(compiled.code, compiled.stderr).toBe(0);
    // The page, wasmpool's dist/ and the compiled module, served with COOP/COEP.
    for (const f of ['wasmpool.mjs', 'wasmpool-host.js']) cpSync(path.join(root, 'dist', f), path.join(dir, 'dist', f));
    mkdirSync(path.join(dir, 'e2e', 'fixtures'), { recursive: true });
    cpSync(path.join(root, 'e2e', 'fixtures', 'pool.html'), path.join(dir, 'e2e', 'fixtures', 'pool.html'));
    const server = await startServer({ port: 0, root: dir, dirs: ['dist', 'out', 'e2e/fixtures'] });
    try {
      await openPool(page, server.url);
      const r = await page.evaluate(async () => {
        const { ThreadPoolManager } = window.wasmpool;
        const pool = new ThreadPoolManager({ module: new URL('/out/sample-kernels.js', location.href), threads: 2 });
        const xs = new Float32Array([1, 2, 3.5]);
        await pool.exports.scale(xs, 2);
        const out16 = new Int16Array(4);
        await pool.exports.fill(out16, -7);
        const result: Record<string, unknown> = {
          scaled: Array.from(xs),
          checksum: await pool.exports.checksum(new TextEncoder().encode('wasmpool')),
          add64: String(await pool.exports.add64(-5n, 2n ** 40n)),
          greeting: await pool.exports.greeting(),
          even: [await pool.exports.is_even(4), await pool.exports.is_even(3)],
          mean: await pool.exports.mean(new Float64Array([1, 2, 6])),
          nameLength: await pool.exports.name_length('héllo'),
          filled: Array.from(out16),
          big: String(await pool.exports.big()),
          dot: await pool.exports.dot(new Int32Array([1, 2, 3]), new Int32Array([4, 5])),
          threads: pool.stats.threads,
        };
        await pool.shutdown();
        // Without a threads option, the module's own default: --threads 3.
        const byModule = new ThreadPoolManager({ module: new URL('/out/sample-kernels.js', location.href) });
        await byModule.ready();
        result.moduleThreads = byModule.stats.threads;
        await byModule.shutdown();
        return result;
      });
      // FNV-1a of "wasmpool", as C computes it in uint32_t.
      let fnv = 2166136261;
      for (const c of new TextEncoder().encode('wasmpool')) fnv = Math.imul(fnv ^ c, 16777619) >>> 0;
      expect(r).toEqual({
        scaled: [2, 4, 7],
        checksum: fnv,
        add64: String(2n ** 40n - 5n),
        greeting: 'hello',
        even: [true, false],
        mean: 3,
        nameLength: 6,
        filled: [-7, -7, -7, -7],
        big: String(2n ** 64n - 1n),
        dot: 14,
        threads: 2,
        moduleThreads: 3,
      });
    } finally {
      await server.close();
    }
  });

  test('a prototype JavaScript cannot call stops the build with file:line, before emcc runs', () => {
    writeFileSync(path.join(dir, 'variadic.c'), '#include "wasmpool.h"\n\nWP_EXPORT int say(const char *fmt, ...) { return 0; }\n');
    const r = wasmpoolCc(['variadic.c', '-o', 'out/variadic.js'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('variadic.c:3: error: say() is variadic (...), which JavaScript cannot call');
    expect(existsSync(path.join(dir, 'out', 'variadic.js'))).toBe(false);
  });

  test('a C syntax error comes out as emcc prints it, with a non-zero exit', () => {
    writeFileSync(path.join(dir, 'broken.c'), '#include "wasmpool.h"\n\nWP_EXPORT int broken(int x) {\n  return x + ;\n}\n');
    const r = wasmpoolCc(['broken.c', '-o', 'out/broken.js'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toMatch(/broken\.c:4:\d+: error: expected expression/);
    expect(r.stderr).toContain('wasmpool-cc: emcc failed');
    expect(existsSync(path.join(dir, 'out', 'broken.d.ts'))).toBe(false);
  });

  test('#include in comments, and comment markers in strings, are not followed: the build reads only the live ones', () => {
    // Read, decoy.h would stop the build (a variadic export); real.h must be read, or real_t
    // is an unknown type (a warning).
    writeFileSync(path.join(dir, 'decoy.h'), 'WP_EXPORT int decoy(const char *fmt, ...);\n');
    writeFileSync(path.join(dir, 'real.h'), 'typedef float real_t;\n');
    writeFileSync(path.join(dir, 'commented.c'), [
      '#include "wasmpool.h"',
      '/*',
      '#include "decoy.h"',
      '*/',
      '// #include "missing.h"',
      '  /* #include "missing.h" */',
      '#define OPENS_NO_COMMENT "/*"',
      '#include "real.h"',
      '',
      'WP_EXPORT real_t half(real_t x) { return x / 2; }',
      '',
    ].join('\n'));
    const r = wasmpoolCc(['commented.c', '-O0', '-o', 'out/commented.js'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('1 export(s): half');
    const dts = readFileSync(path.join(dir, 'out', 'commented.d.ts'), 'utf8');
    expect([...dts.matchAll(/^ {2}(\w+\(.*\): .*;)$/gm)].map((m) => m[1])).toEqual(['half(x: number): number;']);
  });

  test('a failure outside the C is one line naming the path, exit 1, and no stack trace', () => {
    // An output directory that cannot be created: its parent is a file.
    const noDir = wasmpoolCc(['sample.c', '-o', 'sample.c/out/k.js'], { cwd: dir });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^wasmpool-cc: cannot create the output directory \S*sample\.c\/out: not a directory$/)]);
    expect(noDir.stderr).not.toMatch(STACK_FRAME);

    // A .d.ts that cannot be written (a directory is in its place), after emcc succeeded.
    writeFileSync(path.join(dir, 'one.c'), '#include "wasmpool.h"\n\nWP_EXPORT int one(void) { return 1; }\n');
    mkdirSync(path.join(dir, 'out', 'blocked.d.ts'), { recursive: true });
    const noDts = wasmpoolCc(['one.c', '-O0', '-o', 'out/blocked.js'], { cwd: dir });
    expect(noDts.code).toBe(1);
    expect(noDts.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^wasmpool-cc: EISDIR: .*out\/blocked\.d\.ts/)]);
    expect(noDts.stderr).not.toMatch(STACK_FRAME);

    // The CLI away from its package: no core to link. One line, and a hint.
    mkdirSync(path.join(dir, 'lonely'), { recursive: true });
    cpSync(cli, path.join(dir, 'lonely', 'wasmpool-cc.mjs'));
    const lonely = run(process.execPath, [path.join(dir, 'lonely', 'wasmpool-cc.mjs'), 'sample.c', '-o', 'out/lonely.js'], { cwd: dir });
    expect(lonely.code).toBe(1);
    const [message, ...hint] = lonely.stderr.trimEnd().split('\n');
    expect(message).toBe(`wasmpool-cc: cannot find the wasmpool core (c/include/wasmpool.h, c/src) in the package above ${realpathSync(path.join(dir, 'lonely'))}`);
    expect(hint).toEqual([expect.stringContaining('reinstall wasmpool')]);
    expect(lonely.stderr).not.toMatch(STACK_FRAME);
  });

  test('without emcc on PATH it says how to install it and exits 1', () => {
    const empty = path.join(dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: empty };
    delete env.EMCC;
    const r = wasmpoolCc(['sample.c', '-o', 'out/none.js'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get install -y emscripten node-acorn');
    expect(r.stderr).toContain('NODE_PATH=/usr/share/nodejs');
    expect(r.stderr).toContain('emsdk');
  });
});
