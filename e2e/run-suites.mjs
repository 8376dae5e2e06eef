// e2e/run-suites.mjs — runs every test suite, streams its output, and ends with one line
// that counts every test of every suite: `N passed, M failed`. Exits 1 on any failure.
//
//   native  make -C c test: counts the "ok - ..." and "not ok - ..." lines; a test binary that
//           dies before its "# N passed, M failed" summary (a sanitizer abort) is one failure.
//   e2e     Playwright in Chromium, e2e/*.spec.ts; counted from its JSON report.
//
// Run it after build.sh (npm test does both).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** Runs a command, passing its output through; calls onLine for each line. Resolves to its exit code. */
function run(cmd, args, { env = {}, onLine = () => {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        out.write(line + '\n');
        onLine(line);
      });
    }
    child.on('error', (err) => {
      console.error(`cannot run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function native() {
  let passed = 0, failed = 0, crashed = [];
  let binary = null, summarised = true; // the test binary now running, and whether it finished
  const endBinary = () => { if (binary && !summarised) crashed.push(binary); };
  const code = await run('make', ['-C', 'c', '--no-print-directory', 'test'], {
    onLine(line) {
      if (/^ok - /.test(line)) passed++;
      else if (/^not ok - /.test(line)) failed++;
      else if (/^# \d+ passed, \d+ failed$/.test(line)) summarised = true;
      else if (/^# \S*build\/\S+$/.test(line)) { endBinary(); binary = line.slice(2); summarised = false; }
    },
  });
  endBinary();
  for (const b of crashed) console.log(`not ok - ${b} crashed before its summary`);
  failed += crashed.length;
  if (code !== 0 && failed === 0) {
    console.log(`not ok - make -C c test exited with ${code}`);
    failed = 1;
  }
  return { passed, failed };
}

async function e2e() {
  const report = path.join(root, 'test-results', 'e2e-report.json');
  rmSync(report, { force: true });
  const code = await run(path.join('node_modules', '.bin', 'playwright'),
    ['test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'],
    { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: report, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  let passed = 0, failed = 0;
  if (existsSync(report)) {
    const { stats, errors = [] } = JSON.parse(readFileSync(report, 'utf8'));
    passed = stats.expected + stats.flaky;
    failed = stats.unexpected + errors.length;
    if (stats.skipped) console.log(`(${stats.skipped} skipped)`);
  }
  if (code !== 0 && failed === 0) {
    console.log(`not ok - playwright exited with ${code}`);
    failed = 1;
  }
  return { passed, failed };
}

const suites = [
  { name: 'native', run: native },
  { name: 'e2e', run: e2e, skip: !readdirSync('e2e').some((f) => f.endsWith('.spec.ts')) && 'no e2e/*.spec.ts' },
];

const results = [];
for (const suite of suites) {
  if (suite.skip) {
    results.push({ name: suite.name, skipped: suite.skip });
    continue;
  }
  console.log(`\n== suite ${suite.name}`);
  const t0 = performance.now();
  let r;
  try {
    r = await suite.run();
  } catch (err) {
    console.error(err);
    r = { passed: 0, failed: 1 }; // the suite itself crashed
  }
  results.push({ name: suite.name, ...r, seconds: (performance.now() - t0) / 1000 });
}

console.log('\n== results');
let passed = 0, failed = 0;
for (const r of results) {
  if (r.skipped) { console.log(`  ${r.name.padEnd(8)} skipped: ${r.skipped}`); continue; }
  console.log(`  ${r.name.padEnd(8)} ${r.passed} passed, ${r.failed} failed  (${r.seconds.toFixed(1)} s)`);
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
