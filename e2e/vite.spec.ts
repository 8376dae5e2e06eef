// A real consumer: a Vite app (e2e/fixtures/vite-app) made in a temporary directory, with
// wasmpool installed from its `npm pack` tarball and Vite and TypeScript from the npm
// registry, pinned in the app's package.json. The app's C is compiled by the tarball's own
// `npx wasmpool-cc`, type-checked against the kernels.d.ts it writes, built by `vite build`,
// served with COOP/COEP, and run in Chromium: typed calls, a panic, and the recovery.
//
// Every step runs with a time limit and fails with the command and the end of its output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/server.mjs';
import { expect, test } from './test';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(REPO, 'e2e', 'fixtures', 'vite-app');

/** What a command printed and how it ended. */
interface Ran {
  code: number | null;
  stdout: string;
  /** stdout and stderr interleaved, as a terminal would show them. */
  output: string;
}

/**
 * Runs a command in its own process group, which is killed after `timeoutMs`. The npm_*
 * variables of the `npm test` running us are left out: npm_config_local_prefix alone would
 * make `npm install` in the app install into this repository.
 */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (d) => { stdout += d; output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => {
      output += `\n[killed: still running after ${timeoutMs / 1000} s]`;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (err) => { output += `\n[cannot run ${cmd}: ${err.message}]`; });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output });
    });
  });
}

function describeRun(what: string, cmd: string, args: string[], r: Ran): string {
  const tail = r.output.trim().split('\n').slice(-40).join('\n');
  return `${what}: \`${[cmd, ...args].join(' ')}\` exited with ${r.code ?? 'a signal'}\n${tail}`;
}

/** Runs a step that must succeed; throws with its command and output if it does not. */
async function step(what: string, cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const r = await run(cmd, args, cwd, timeoutMs);
  if (r.code !== 0) throw new Error(describeRun(what, cmd, args, r));
  return r;
}

/** `file(line,col): error TS...` lines of tsc's output, as "file:line". */
function tscErrors(output: string): string[] {
  return [...output.matchAll(/^(\S+?)\((\d+),\d+\): error TS\d+/gm)].map((m) => `${m[1]}:${m[2]}`);
}

test.describe('a Vite app using the npm tarball', () => {
  test.describe.configure({ mode: 'serial', timeout: 120_000 });

  let tmp = '';
  let app = '';

  test.beforeAll(async () => {
    test.setTimeout(540_000); // the steps' own limits add up to less
    tmp = await mkdtemp(path.join(os.tmpdir(), 'wasmpool-vite-'));
    app = path.join(tmp, 'app');

    // The fixture pins Vite and TypeScript to exact versions: vite 8 does not install here.
    const pkg = JSON.parse(await readFile(path.join(FIXTURE, 'package.json'), 'utf8'));
    for (const name of ['vite', 'typescript']) {
      expect(pkg.devDependencies?.[name], `${name} must be pinned to an exact version in the fixture's package.json`)
        .toMatch(/^\d+\.\d+\.\d+$/);
    }

    // The tarball, exactly as `npm publish` would make it from the built repository.
    const packed = await step('npm pack', 'npm', ['pack', '--json', '--pack-destination', tmp], REPO, 60_000);
    const [pack] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
    const tarball = path.join(tmp, pack.filename);
    // What the app needs from the package, and the source maps; a build running meanwhile
    // can leave some missing.
    const files = new Set<string>(pack.files.map((f: { path: string }) => f.path));
    const needed = [
      'dist/wasmpool.mjs', 'dist/wasmpool-host.js', 'dist/types/ts/index.d.ts', 'dist/wasmpool-cc.mjs', 'c/include/wasmpool.h',
      'dist/wasmpool.mjs.map', 'dist/wasmpool-host.js.map', 'dist/wasmpool.global.js.map',
    ];
    const missing = needed.filter((f) => !files.has(f));
    expect(missing, `files missing from the npm pack tarball (is dist/ built, and listed in package.json "files"?)`).toEqual([]);
    // And nothing else: the builds, their types, the C and the Emscripten glue that wasmpool-cc
    // compiles, and what npm always packs (package.json, README, LICENSE).
    const allowed = [
      'dist/wasmpool', 'dist/types/ts/', 'c/include/', 'c/src/', 'worker/pre.js', 'worker/library.js',
      'README', 'package.json', 'LICENSE',
    ];
    const extra = [...files].filter((f) => !allowed.some((prefix) => f.startsWith(prefix)));
    expect(extra, 'files in the npm pack tarball that users do not need (package.json "files")').toEqual([]);

    await cp(FIXTURE, app, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|dist|public)$/.test(src), // anything a local run left
    });
    await step('npm install (the tarball, Vite and TypeScript)', 'npm',
      ['install', '--no-audit', '--no-fund', tarball], app, 240_000);

    const bin = path.join(app, 'node_modules', '.bin', 'wasmpool-cc');
    if (!existsSync(bin)) {
      throw new Error(
        'the packed tarball has no wasmpool-cc command (node_modules/.bin/wasmpool-cc is missing). ' +
          'package.json needs "bin": {"wasmpool-cc": ...}, and "files" must ship it and the C it compiles.',
      );
    }
    // `--no`: never fetch a package of that name from the registry.
    await step('wasmpool-cc', 'npx', ['--no', 'wasmpool-cc', 'src/kernels.c', '-o', 'public/kernels.js'], app, 180_000);
    for (const file of ['kernels.js', 'kernels.wasm', 'kernels.worker.js', 'kernels.d.ts']) {
      expect(existsSync(path.join(app, 'public', file)), `wasmpool-cc wrote public/${file}`).toBe(true);
    }
  });

  test.afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('tsc --noEmit passes against the kernels.d.ts that wasmpool-cc wrote', async () => {
    await step('tsc --noEmit', 'npx', ['--no', '--', 'tsc', '--noEmit'], app, 90_000);
  });

  test('tsc --noEmit fails on each ill-typed call, and on nothing else', async () => {
    const file = 'src/ill-typed.ts';
    const source = await readFile(path.join(app, file), 'utf8');
    const marked = source.split('\n').flatMap((line, i) => (/^\s*[^/\s].*\/\/ error:/.test(line) ? [`${file}:${i + 1}`] : []));
    expect(marked.length).toBeGreaterThan(0);
    const args = ['--no', '--', 'tsc', '--noEmit', '--pretty', 'false', '-p', 'tsconfig.ill-typed.json'];
    const r = await run('npx', args, app, 90_000);
    expect(r.code, describeRun('tsc on the ill-typed file must fail', 'npx', args, r)).not.toBe(0);
    expect([...new Set(tscErrors(r.output))].sort(), r.output).toEqual(marked.sort());
  });

  let hostAsset = '';

  test('vite build ships the host worker from new URL("./wasmpool-host.js", import.meta.url)', async () => {
    await step('vite build', 'npx', ['--no', '--', 'vite', 'build'], app, 90_000);
    const out = path.join(app, 'dist');
    const assets = await readdir(path.join(out, 'assets'));
    const chunks = assets.filter((f) => f.endsWith('.js') && !f.startsWith('wasmpool-host'));
    const code = (await Promise.all(chunks.map((f) => readFile(path.join(out, 'assets', f), 'utf8')))).join('\n');
    // Vite rewrote the library's `new Worker(new URL('./wasmpool-host.js', import.meta.url))`
    // to point at the worker script it bundled.
    const spawned = code.match(/new Worker\(\s*new URL\(\s*["'`]([^"'`]*wasmpool-host[^"'`]*\.js)["'`]\s*,\s*import\.meta\.url\s*\)/);
    expect(spawned, `a new Worker(new URL(".../wasmpool-host-*.js", import.meta.url)) in ${chunks.join(', ')}`).not.toBeNull();
    hostAsset = path.posix.join('/assets', path.posix.basename(spawned![1]));
    expect(assets).toContain(path.posix.basename(hostAsset));
    // The module is served from public/ as it is, its three files side by side.
    for (const file of ['kernels.js', 'kernels.wasm', 'kernels.worker.js']) {
      expect(existsSync(path.join(out, file)), `dist/${file}`).toBe(true);
    }
  });

  test('in Chromium: typed calls, a panic as PanicError, and a recovery', async ({ page }) => {
    const root = path.join(app, 'dist');
    const server = await startServer({ port: 0, root, dirs: await readdir(root) });
    try {
      const consoleLines: string[] = [];
      const workers: string[] = [];
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
      await page.goto(`${server.url}/index.html`);
      const result = page.locator('#result');
      await expect(result).not.toHaveAttribute('data-state', 'running', { timeout: 60_000 });
      const text = (await result.textContent()) ?? '';
      expect(await result.getAttribute('data-state'), text).toBe('done');

      const r = JSON.parse(text);
      expect(r).toMatchObject({
        sum: 5000050000, // 1 + 2 + ... + 100000
        scaled: [2, 4, 6, 9],
        quotient: 42,
        threads: 4,
        panic: { name: 'PanicError', code: 'PANIC' }, // the name survives Vite's minifier
        recovered: 5,
        restarts: 1,
        completed: 5,
        failed: 1,
      });
      expect(r.panic.message).toContain('checked_div: division by zero (1 / 0)');
      expect(r.panic.thread).toBeGreaterThanOrEqual(0);
      expect(r.panic.thread).toBeLessThan(4);
      // The panic was printed on the page console too.
      expect(consoleLines.some((l) => l.startsWith('error: ') && l.includes('checked_div: division by zero'))).toBe(true);
      // The host worker that ran it was the script Vite shipped: once, and again after the panic.
      expect(workers.filter((w) => w === hostAsset)).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
