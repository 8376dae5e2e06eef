#!/usr/bin/env node
/**
 * wasmpool-cc: compiles a user's C into a wasmpool module, with the wasmpool core and the
 * one set of Emscripten flags that the host worker and the pool threads expect (flags.ts;
 * build.sh builds the project's own kernels with this CLI too).
 *
 *   npx wasmpool-cc kernels.c [more.c ...] -o out/kernels.js [-O3] [--threads N] [-I dir] [-D X=Y]
 *
 * Writes out/kernels.{js,wasm,worker.js} and out/kernels.d.ts: every WP_EXPORT function of
 * the sources is exported, described to TypeScript, and described to the page by a signature
 * table embedded in the module (Module.wasmpoolSignatures, read by the host and the manager).
 *
 * Bundled by build.sh into dist/wasmpool-cc.mjs. No dependencies but Node and emcc. It never
 * prints a stack trace (but with --verbose): a failure is one line `wasmpool-cc: <what>`,
 * sometimes with a hint, and exit code 1; bad usage exits 2.
 */

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MAX_THREADS } from '../options';
import type { ExportSignature } from '../protocol';
import { interfaceName, writeDts } from './dts';
import { emccFlags } from './flags';
import { definesFunction, type Diagnostic, type Prototype, readSource, readTypedefs, scan, type Scanned, type Typedefs } from './parse';

const HELP = `Usage: wasmpool-cc <file.c>... -o <out/kernels.js> [options] [-- <emcc options>]

Compiles C into a wasmpool module: <out>.js, <out>.wasm and <out>.worker.js, with the
wasmpool core linked in, and <out>.d.ts: the types of every WP_EXPORT function, for
  new ThreadPoolManager<Kernels>({ module: new URL('./kernels.js', import.meta.url) })

Options:
  -o <file.js>          the module to write (required); .wasm, .worker.js, .d.ts go beside it
  -O0 -O1 -O2 -O3 -Os -Oz
                        optimisation level (default -O2)
  --threads <N>         pool threads when the page does not say (default: one per core);
                        ThreadPoolManager's \`threads\` option, when given, wins
  -I <dir>              a directory of headers (also -I<dir>)
  -D <NAME[=VALUE]>     a preprocessor definition (also -D<NAME>, and -U <NAME>)
  --interface <Name>    the .d.ts interface's name (default from the output: kernels.js -> Kernels)
  -v, --verbose         print the emcc command line (and the stack of an unexpected error)
  -h, --help            this help
  -- <options>          everything after -- goes to emcc as it is, e.g. -- -msimd128 -g

C to TypeScript: a pointer followed by an integer parameter is one typed array (uint8_t *
-> Uint8Array, float * -> Float32Array, ...) whose length fills the integer; an array
behind a const pointer is copied in only, any other is copied back after the call.
const char * is a string; int64_t and uint64_t are bigint; bool is boolean; other
numbers are number.

Needs Emscripten's emcc on PATH, or EMCC=/path/to/emcc. Tested with Emscripten 3.1.6.`;

const INSTALL_HINT = `Debian or Ubuntu, as root:  apt-get install -y emscripten node-acorn
    (Debian's emcc runs its JavaScript optimiser with Node modules from /usr/share/nodejs:
    wasmpool-cc sets NODE_PATH=/usr/share/nodejs for it; to run emcc yourself, export it.)
  Elsewhere: install the emsdk (https://emscripten.org/docs/getting_started/downloads.html),
    then \`source ./emsdk_env.sh\`; or point EMCC at an emcc: EMCC=/path/to/emcc.
  wasmpool-cc is tested with Emscripten 3.1.6.`;

/** Bad usage: the message, a pointer to --help, exit code 2. */
class UsageError extends Error {}

/** A failure the CLI explains: the message on one line, then the hint if any; exit code 1. */
class CliError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

interface Options {
  sources: string[];
  /** .o and .a files: linked, not read. */
  objects: string[];
  output: string;
  optimize: string;
  threads: number | undefined;
  includes: string[];
  defines: string[];
  interfaceName: string | undefined;
  verbose: boolean;
  passthrough: string[];
}

const SOURCE = /\.(c|cc|cpp|cxx)$/i;

function parseArgs(argv: string[]): Options | 'help' {
  const o: Options = {
    sources: [], objects: [], output: '', optimize: '-O2', threads: undefined, includes: [], defines: [],
    interfaceName: undefined, verbose: false, passthrough: [],
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    let m: RegExpExecArray | null;
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--') {
      o.passthrough = argv.slice(i + 1);
      break;
    } else if (a === '-o' || a === '--output') o.output = value(i++, a);
    else if ((m = /^(?:-o|--output=)(.+)$/.exec(a))) o.output = m[1]!;
    else if (/^-O[0-3sz]$/.test(a)) o.optimize = a;
    else if (a === '--threads' || (m = /^--threads=(.*)$/.exec(a))) {
      const v = m ? m[1]! : value(i++, a);
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > MAX_THREADS) throw new UsageError(`--threads must be an integer from 1 to ${MAX_THREADS}, got ${v}`);
      o.threads = n;
    } else if (a === '-I') o.includes.push(value(i++, a));
    else if ((m = /^-I(.+)$/.exec(a))) o.includes.push(m[1]!);
    else if (a === '-D' || a === '-U') o.defines.push(`${a}${value(i++, a)}`);
    else if (/^-[DU].+$/.test(a)) o.defines.push(a);
    else if (a === '--interface') o.interfaceName = value(i++, a);
    else if ((m = /^--interface=(.+)$/.exec(a))) o.interfaceName = m[1]!;
    else if (a === '-v' || a === '--verbose') o.verbose = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}; options for emcc go after --, e.g. wasmpool-cc k.c -o k.js -- ${a}`);
    else if (SOURCE.test(a)) o.sources.push(a);
    else if (/\.(o|a)$/.test(a)) o.objects.push(a);
    else if (/\.(h|hpp|hh)$/i.test(a)) throw new UsageError(`${a} is a header: pass the .c files; their headers are found through #include (add -I <dir> if needed)`);
    else throw new UsageError(`${a} is not a C source (.c, .cc, .cpp) nor an object (.o, .a)`);
  }
  if (o.sources.length === 0 && o.objects.length === 0) throw new UsageError('no C sources given');
  if (o.output === '') throw new UsageError('no output given: -o out/kernels.js');
  if (!o.output.endsWith('.js')) throw new UsageError(`the output must be a .js file (its .wasm, .worker.js and .d.ts go beside it), got ${o.output}`);
  if (o.interfaceName !== undefined && !/^[A-Za-z_$][\w$]*$/.test(o.interfaceName)) throw new UsageError(`--interface must be a TypeScript identifier, got ${o.interfaceName}`);
  return o;
}

/**
 * The installed package's root, which holds the core (c/include, c/src) and worker/: the CLI
 * is dist/wasmpool-cc.mjs in it (or ts/cli/wasmpool-cc.ts, run from the sources).
 */
function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '..'), path.resolve(here, '../..')]) {
    if (existsSync(path.join(candidate, 'c', 'include', 'wasmpool.h')) && existsSync(path.join(candidate, 'c', 'src'))) return candidate;
  }
  throw new CliError(
    `cannot find the wasmpool core (c/include/wasmpool.h, c/src) in the package above ${here}`,
    'wasmpool-cc runs from its package (node_modules/wasmpool/dist/wasmpool-cc.mjs): run it there, e.g. npx wasmpool-cc, or reinstall wasmpool',
  );
}

/** The core's C sources, which every module links. */
function coreSources(root: string): string[] {
  const dir = path.join(root, 'c', 'src');
  return readdirSync(dir).filter((f) => f.endsWith('.c')).sort().map((f) => path.join(dir, f));
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Reads the WP_EXPORT prototypes of the sources and of the headers they include (depth first). */
function readPrototypes(sources: string[], includeDirs: string[], coreInclude: string): { prototypes: Prototype[]; diagnostics: Diagnostic[] } {
  // Each file scanned once, by absolute path; a header before the file that includes it.
  const files = new Map<string, Scanned>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    const absolute = path.resolve(file);
    if (seen.has(absolute)) return;
    seen.add(absolute);
    let scanned: Scanned;
    try {
      scanned = scan(readFileSync(absolute, 'utf8'));
    } catch {
      return; // emcc reports a file it cannot read
    }
    for (const name of scanned.includes) {
      const found = [path.dirname(absolute), ...includeDirs].map((d) => path.resolve(d, name)).find((f) => existsSync(f));
      if (found && !found.startsWith(coreInclude + path.sep)) visit(found);
    }
    files.set(absolute, scanned);
  };
  sources.forEach(visit);
  const typedefs: Typedefs = new Map();
  for (const scanned of files.values()) readTypedefs(scanned, typedefs);
  const byName = new Map<string, Prototype>();
  const diagnostics: Diagnostic[] = [];
  for (const [file, scanned] of files) {
    const relative = path.relative(process.cwd(), file);
    const info = readSource(relative.startsWith('..') || path.isAbsolute(relative) ? file : relative, scanned, typedefs);
    diagnostics.push(...info.diagnostics);
    for (const p of info.prototypes) {
      const known = byName.get(p.name);
      if (!known) byName.set(p.name, p);
      else {
        // A header's declaration names and documents it; the definition proves it exists.
        known.defined ||= p.defined;
        known.doc ??= p.doc;
      }
    }
  }
  // Marked in a header, defined without the mark: exported all the same.
  for (const p of byName.values()) {
    if (!p.defined) {
      p.defined = sources.some((s) => {
        const scanned = files.get(path.resolve(s));
        return scanned !== undefined && definesFunction(scanned, p.name);
      });
    }
  }
  return { prototypes: [...byName.values()], diagnostics };
}

/** The names of the WP_EXPORT functions the core defines (the runtime's wp_rt_*). */
function coreExports(sources: string[]): string[] {
  const names: string[] = [];
  for (const file of sources) {
    const info = readSource(file, scan(readFileSync(file, 'utf8')), new Map());
    for (const p of info.prototypes) if (p.defined) names.push(p.name);
  }
  return names;
}

/** Builds the module; returns the exit code. Throws UsageError, CliError, and what fails unexpectedly. */
function run(argv: string[]): number {
  const o = parseArgs(argv);
  if (o === 'help') {
    console.log(HELP);
    return 0;
  }
  for (const file of o.sources) if (!existsSync(file)) throw new CliError(`${file}: no such file`);

  const root = packageRoot();
  const core = coreSources(root);

  const { prototypes, diagnostics } = readPrototypes(o.sources, o.includes, path.join(root, 'c', 'include'));
  for (const d of diagnostics) console.error(`${d.file}:${d.line}: ${d.level}: ${d.message}`);
  if (diagnostics.some((d) => d.level === 'error')) return 1;
  const exported = prototypes.filter((p) => p.defined);
  if (exported.length === 0) console.error('wasmpool-cc: warning: no function in the sources is marked WP_EXPORT, so the module has nothing to call');

  if (process.env.EMCC && !existsSync(process.env.EMCC)) {
    throw new CliError(`EMCC=${process.env.EMCC}: no such file`, 'point EMCC at an emcc, or unset it to use the emcc on PATH');
  }
  const emcc = process.env.EMCC || findOnPath('emcc');
  if (!emcc) throw new CliError('needs Emscripten\'s emcc, which is not on PATH', INSTALL_HINT);
  if (realpathSync(emcc).startsWith('/usr/share/emscripten/') && !existsSync('/usr/share/nodejs/acorn')) {
    throw new CliError('Debian\'s emcc needs the acorn Node module', 'as root, run: apt-get install -y node-acorn');
  }

  // The table and the export list reach the module through a generated --pre-js.
  const table: Record<string, ExportSignature> = {};
  for (const p of exported) table[p.name] = p.signature;
  const tmp = mkdtempSync(path.join(tmpdir(), 'wasmpool-cc-'));
  try {
    const preJs = path.join(tmp, 'wasmpool-signatures.pre.js');
    writeFileSync(preJs, [
      '// Generated by wasmpool-cc: the exports the page may call, and their C signatures.',
      `Module['wasmpoolExports'] = ${JSON.stringify(exported.map((p) => p.name))};`,
      `Module['wasmpoolSignatures'] = ${JSON.stringify(table)};`,
      '',
    ].join('\n'));
    const names = [...coreExports(core), ...exported.map((p) => p.name)];
    const args = [
      ...emccFlags(root, o, [...new Set(names)]),
      '--pre-js', preJs,
      ...o.includes.map((d) => `-I${d}`),
      ...o.defines,
      ...o.passthrough,
      ...core,
      ...o.sources,
      ...o.objects,
      '-o', o.output,
    ];
    if (o.verbose) console.error(['emcc', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));
    const outDir = path.dirname(path.resolve(o.output));
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (err) {
      throw new CliError(`cannot create the output directory ${outDir}: ${reason(err)}`);
    }
    // Debian's emcc runs its JS optimiser with the system's Node modules (acorn).
    const nodePath = existsSync('/usr/share/nodejs') ? ['/usr/share/nodejs', process.env.NODE_PATH].filter(Boolean).join(path.delimiter) : process.env.NODE_PATH;
    const result = spawnSync(emcc, args, { stdio: 'inherit', env: { ...process.env, ...(nodePath ? { NODE_PATH: nodePath } : {}) } });
    if (result.error) throw new CliError(`cannot run ${emcc}: ${reason(result.error)}`);
    if (result.status !== 0) {
      console.error(`wasmpool-cc: emcc failed${result.signal ? ` (${result.signal})` : ` with exit code ${result.status}`}`);
      return result.status || 1;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const moduleFile = path.basename(o.output);
  const base = moduleFile.replace(/\.js$/, '');
  const dts = writeDts(moduleFile, o.interfaceName ?? interfaceName(base), o.sources.map((s) => path.basename(s)), exported);
  writeFileSync(o.output.replace(/\.js$/, '.d.ts'), dts);
  console.log(`wasmpool-cc: wrote ${path.join(path.dirname(o.output), `${base}.{js,wasm,worker.js,d.ts}`)}: ${exported.length} export(s)${exported.length ? `: ${exported.map((p) => p.name).join(', ')}` : ''}`);
  return 0;
}

/** Why a system call failed, without Node's `CODE: ` prefix and `, syscall 'path'` suffix. */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return /^[A-Z]+: ([^,]+), \w+ /.exec(err.message)?.[1] ?? err.message;
}

/** Runs the CLI: every failure ends as one line (and a hint) on stderr, never a stack trace. */
function main(argv: string[]): number {
  try {
    return run(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`wasmpool-cc: ${err.message}\nRun wasmpool-cc --help for the usage.`);
      return 2;
    }
    if (err instanceof CliError) {
      console.error(`wasmpool-cc: ${err.message}${err.hint ? `\n  ${err.hint}` : ''}`);
      return 1;
    }
    // Unexpected: Node's own message names the file and the system call (`EACCES: permission
    // denied, open 'out/kernels.d.ts'`). The stack is for --verbose (before --, which is emcc's).
    const ours = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
    const verbose = ours.includes('-v') || ours.includes('--verbose');
    console.error(`wasmpool-cc: ${err instanceof Error ? err.message : String(err)}`);
    if (verbose && err instanceof Error && err.stack) console.error(err.stack);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
