// e2e/bench/measure.mjs — the browser bench's measurements. Each export below runs in the
// page (e2e/fixtures/pool.html) through page.evaluate, so each is self-contained: it sees
// only the page's globals (window.wasmpool, window.moduleUrl, and window.echoCall, which
// setupEcho defines) and returns plain data. The statistics are computed in Node.

/** Starts the bare echo worker (e2e/bench/echo-worker.js), and window.echoCall(args): a
 * promise of its reply, matched by id through one Map of pending calls, as the pool's are. */
export async function setupEcho() {
  const worker = new Worker(new URL('/e2e/bench/echo-worker.js', location.href));
  const waiting = new Map();
  let nextId = 1;
  worker.onmessage = (event) => {
    const resolve = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    resolve(event.data.result);
  };
  window.echoCall = (args) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      worker.postMessage({ type: 'echo', id, name: 'probe_add_f64', args });
    });
  if ((await window.echoCall([1, 2])) !== 3) throw new Error('the echo worker answered wrongly');
}

/** 1. Sequential round trips, in ms: `count` of each, in `blocks` alternating blocks (so a
 * burst of load elsewhere hits both), after 200 of each to warm up. */
export async function roundTrips({ threads, count, blocks }) {
  const pool = new window.wasmpool.ThreadPoolManager({ module: window.moduleUrl, threads });
  const poolCall = (args) => pool.call('probe_add_f64', args);
  async function timed(call, n, out) {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const result = await call([1, 2]);
      out.push(performance.now() - t0);
      if (result !== 3) throw new Error(`probe_add_f64(1, 2) gave ${result}`);
    }
  }
  await timed(poolCall, 200, []);
  await timed(window.echoCall, 200, []);
  const wasmpool = [], baseline = [];
  for (let b = 0; b < blocks; b++) {
    await timed(poolCall, count / blocks, wasmpool);
    await timed(window.echoCall, count / blocks, baseline);
  }
  await pool.shutdown();
  return { wasmpool, baseline };
}

/** 2. Throughput: `count` calls made at once, calls per second, `rounds` alternating rounds
 * after one of each to warm up. */
export async function throughput({ threads, count, rounds }) {
  const pool = new window.wasmpool.ThreadPoolManager({ module: window.moduleUrl, threads, maxPending: count });
  const poolCall = (args) => pool.call('probe_add_f64', args);
  async function burst(call) {
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: count }, () => call([1, 2])));
    const seconds = (performance.now() - t0) / 1000;
    if (results.some((r) => r !== 3)) throw new Error('a call gave a wrong result');
    return count / seconds;
  }
  await burst(poolCall);
  await burst(window.echoCall);
  const wasmpool = [], baseline = [];
  for (let r = 0; r < rounds; r++) {
    wasmpool.push(await burst(poolCall));
    baseline.push(await burst(window.echoCall));
  }
  await pool.shutdown();
  return { wasmpool, baseline };
}

/** 3. Fault to rejection, in ms, as e2e/runtime.spec.ts computes it: the time the
 * PanicError arrives minus the time of the thread's "about to fail" log record. One pool,
 * started afresh before each run. A run that ends otherwise gives { error } instead. */
export async function faultLatencies({ threads, mode, runs }) {
  const pool = new window.wasmpool.ThreadPoolManager({ module: window.moduleUrl, threads });
  const logs = [];
  pool.on('log', (record) => logs.push(record));
  const target = threads > 1 ? threads - 1 : 0; // a pool thread, as the spec's target is
  const out = [];
  for (let r = 0; r < runs; r++) {
    await pool.call('probe_add_f64', [0, 0]); // the previous fault's restart happens here
    logs.length = 0;
    // Never hang the bench: no rejection within 10 s is a result too.
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(resolve, 10_000, { code: 'no rejection in 10 s' }); });
    const call = pool.call('crash_lab', [target, mode]).then((v) => ({ code: `resolved to ${v}` }), (e) => e);
    const error = await Promise.race([call, late]);
    const rejectedAt = performance.timeOrigin + performance.now();
    clearTimeout(timer);
    const lastWords = logs.find((l) => l.text.startsWith(`crash_lab: thread ${target} about to fail`));
    if (error.name !== 'PanicError') out.push({ error: error.code ?? String(error) });
    else if (!lastWords) out.push({ error: 'no last words' });
    else out.push({ ms: rejectedAt - lastWords.time });
  }
  await pool.shutdown();
  return out;
}

/** 4. Mandelbrot, as the native bench renders it (1024x768, 500 iterations), in ms, on a
 * 1-thread pool and a `threads`-thread pool: one warm-up call each, then `runs` alternating
 * pairs. Before each pair, the ceiling: the same render on `threads` separate 1-thread pools,
 * one after another against all at once. Those share nothing, so their ratio is what the
 * cores give this page at that moment, with no scheduler in between. Also whether both pools
 * rendered the same image (they must: kernels.h). */
export async function mandelbrot({ threads, runs }) {
  const { ThreadPoolManager } = window.wasmpool;
  const width = 1024, height = 768;
  const pool = (n) => new ThreadPoolManager({ module: window.moduleUrl, threads: n });
  const pools = [pool(1), pool(threads)];
  const singles = Array.from({ length: threads }, () => pool(1));
  const images = pools.map(() => new Uint8Array(width * height * 4));
  const draw = (p, image) => p.call('mandelbrot', [image, width, height, -0.5, 0.0, 3.0, 500]);
  const render = async (k) => {
    const t0 = performance.now();
    await draw(pools[k], images[k]);
    return performance.now() - t0;
  };
  const scratch = singles.map(() => new Uint8Array(width * height * 4));
  async function ceiling() {
    let t0 = performance.now();
    for (let k = 0; k < threads; k++) await draw(singles[k], scratch[k]);
    const serial = performance.now() - t0;
    t0 = performance.now();
    await Promise.all(singles.map((p, k) => draw(p, scratch[k])));
    return serial / (performance.now() - t0);
  }
  await render(0);
  await render(1);
  await ceiling();
  const one = [], many = [], ceilings = [];
  for (let r = 0; r < runs; r++) {
    ceilings.push(await ceiling());
    one.push(await render(0));
    many.push(await render(1));
  }
  await Promise.all([...pools, ...singles].map((p) => p.shutdown()));
  const sameImage = images[0].every((byte, i) => byte === images[1][i]);
  return { one, many, ceilings, sameImage };
}
