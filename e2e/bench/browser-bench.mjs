// e2e/bench/browser-bench.mjs — the browser half of `npm run bench`. Serves the repository
// with COOP/COEP (demo/server.mjs), opens e2e/fixtures/pool.html in the system Chromium with
// the e2e tests' launch arguments, measures the built dist/ against a baseline measured in
// the same run, and prints a table in the style of the native bench (c/bench/compare.sh).
//
//   node e2e/bench/browser-bench.mjs      after build.sh; CHROMIUM_PATH overrides /usr/bin/chromium
//
// Goals are reported, never enforced: the exit status is nonzero only if the bench could not
// run (no browser, no build, a page that fails). The measurements are in measure.mjs.

import { chromium } from '@playwright/test';
import { startServer } from '../../demo/server.mjs';
import { chromiumLaunchOptions } from '../chromium.mjs';
import * as measure from './measure.mjs';

const ROUND_TRIPS = 2000; // sequential calls, of each kind
const CONCURRENT = 10_000; // calls made at once, per throughput round
const THROUGHPUT_ROUNDS = 3;
const FAULT_RUNS = 5;
const MANDEL_RUNS = 5;
const HEARTBEAT_TIMEOUT_MS = 2000; // the default heartbeatTimeoutMs (README, the options table)
const FAULT_GOAL_MS = 100;
const SPEEDUP_PER_THREAD = 0.95; // the native goal, 1.9x on 2 threads, per thread
// crash_lab's failure modes: c/kernels/kernels.h
const CRASH_MODES = { panic: 1, wp_assert: 2, abort: 3, assert: 4, trap: 5, oob: 6, stack_overflow: 7, exit: 10 };

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => sorted(xs)[Math.ceil(0.95 * xs.length) - 1]; // nearest rank

const time = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(1)} us` : `${ms.toFixed(1)} ms`);
const rate = (perSecond) => `${(perSecond / 1000).toFixed(1)} k/s`;
// Truncated, not rounded: a 1.897x must not print as the 1.90x goal it missed.
const x = (v) => (v < 100 ? `${(Math.floor(v * 100 + 1e-9) / 100).toFixed(2)}x` : `${Math.floor(v)}x`);
const mark = (ok) => (ok ? 'met' : 'NOT MET');
function row(metric, wasmpool, baseline, ratio, goal) {
  console.log(`${metric.padEnd(38)} | ${wasmpool.padEnd(10)} | ${baseline.padEnd(10)} | ${ratio.padEnd(6)} | ${goal}`.trimEnd());
}

let browser = null;
let server = null;
let closing = null;
/** Closes the browser and the server, once, however the bench ends. */
function cleanup() {
  closing ??= Promise.allSettled([browser?.close(), server?.close()]);
  return closing;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`browser bench: ${signal}, closing the browser and the server`);
    cleanup().then(() => process.exit(130));
  });
}

async function main() {
  server = await startServer({ port: 0, dirs: ['dist', 'e2e/fixtures', 'e2e/bench'] });
  browser = await chromium.launch({
    ...chromiumLaunchOptions, // the e2e tests' own
    headless: true,
    handleSIGINT: false, // cleanup() does it, and closes the server too
    handleSIGTERM: false,
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.goto(`${server.url}/e2e/fixtures/pool.html`);
  await page.waitForFunction(() => window.loaded === true, null, { timeout: 15_000 });
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('pool.html is not cross-origin isolated');
  const threads = await page.evaluate(() => Math.min(navigator.hardwareConcurrency, 64));
  await page.evaluate(measure.setupEcho);

  console.error(`browser bench: ${ROUND_TRIPS} sequential calls of each kind`);
  const trips = await page.evaluate(measure.roundTrips, { threads, count: ROUND_TRIPS, blocks: 4 });
  console.error(`browser bench: ${CONCURRENT} concurrent calls, ${THROUGHPUT_ROUNDS} rounds of each kind`);
  const flow = await page.evaluate(measure.throughput, { threads, count: CONCURRENT, rounds: THROUGHPUT_ROUNDS });
  const faults = {};
  for (const [name, mode] of Object.entries(CRASH_MODES)) {
    console.error(`browser bench: fault to rejection, ${name}, ${FAULT_RUNS} runs`);
    faults[name] = await page.evaluate(measure.faultLatencies, { threads, mode, runs: FAULT_RUNS });
  }
  console.error(`browser bench: mandelbrot, 1 and ${threads} threads, ${MANDEL_RUNS} runs each`);
  const mandel = await page.evaluate(measure.mandelbrot, { threads, runs: MANDEL_RUNS });
  if (pageErrors.length) throw new Error(`the page threw: ${pageErrors.join('; ')}`);

  console.log('');
  row(`browser (Chromium), on ${threads} threads`, 'wasmpool', 'baseline', 'ratio', 'goal (wasmpool)');
  row('-'.repeat(38), '-'.repeat(10), '-'.repeat(10), '-'.repeat(6), '-'.repeat(16));
  const [tw, tb] = [median(trips.wasmpool), median(trips.baseline)];
  row('call round trip, median', time(tw), time(tb), x(tb / tw), '');
  const [pw, pb] = [p95(trips.wasmpool), p95(trips.baseline)];
  row('call round trip, p95', time(pw), time(pb), x(pb / pw), '');
  const [fw, fb] = [median(flow.wasmpool), median(flow.baseline)];
  row(`${CONCURRENT} concurrent calls`, rate(fw), rate(fb), x(fw / fb), '');
  for (const [name, runs] of Object.entries(faults)) {
    const ok = runs.filter((r) => r.ms !== undefined).map((r) => r.ms);
    const failed = runs.filter((r) => r.error).map((r) => r.error);
    const ms = ok.length ? median(ok) : NaN;
    const note = failed.length ? ` (${failed.length} of ${runs.length} runs failed: ${[...new Set(failed)].join(', ')})` : '';
    row(`fault to rejection: ${name}`, ok.length ? time(ms) : 'failed', time(HEARTBEAT_TIMEOUT_MS),
      ok.length ? x(HEARTBEAT_TIMEOUT_MS / ms) : '', `< ${FAULT_GOAL_MS} ms: ${mark(ms < FAULT_GOAL_MS && !failed.length)}${note}`);
  }
  row('mandelbrot 1024x768/500, 1 thread', time(median(mandel.one)), '', '', '');
  row(`mandelbrot 1024x768/500, ${threads} threads`, time(median(mandel.many)), '', '', '');
  const speedup = median(mandel.one.map((one, r) => one / mandel.many[r]));
  const goal = SPEEDUP_PER_THREAD * threads;
  row(`mandelbrot speedup, ${threads} vs 1 thread`, x(speedup), 'see above', '',
    `>= ${x(goal)} (the native goal): ${mark(speedup >= goal)}`);
  const ceiling = median(mandel.ceilings);
  row(`  ceiling: ${threads} 1-thread pools at once`, x(ceiling), '', '', '');
  console.log('');
  console.log('ratio: how many times better wasmpool does than the baseline (> 1: wasmpool wins).');
  console.log('Baselines, measured in this run: for calls, a bare worker that echoes each message');
  console.log("(e2e/bench/echo-worker.js); for faults, detection without the thread's report, which is");
  console.log(`the default heartbeatTimeoutMs. Round trips: ${ROUND_TRIPS} sequential calls of each. Throughput:`);
  console.log(`the median of ${THROUGHPUT_ROUNDS} rounds. Faults: the median of ${FAULT_RUNS} runs of rejection time minus the`);
  console.log(`failing thread's last log record. Mandelbrot: the median of ${MANDEL_RUNS} runs, the speedup that of`);
  console.log('back-to-back pairs; each call copies the 3 MiB image into wasm memory and back.');
  if (ceiling < goal && threads > 1) {
    console.log(`Warning: the ceiling is below ${x(goal)}: other processes were using the cores, so the`);
    console.log('speedup, and the other timings, say little about wasmpool.');
  }
  if (!mandel.sameImage) console.log('Warning: the 1-thread and the many-thread pools rendered different images.');
}

try {
  await main();
} catch (error) {
  if (!closing) {
    console.error(`browser bench: could not run: ${error.stack ?? error}`);
    process.exitCode = 1;
  }
} finally {
  await cleanup();
}
