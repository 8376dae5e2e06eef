// Bad options: the constructor throws a TypeError naming the option and what it accepts,
// and starts nothing. Bad call options reject the call, and nothing reaches C.
import { expect, openPool, test } from './test';

test.beforeEach(({ page }) => openPool(page));

const BAD_POOL_OPTIONS: [string, Record<string, unknown>, RegExp][] = [
  ['no options', {}, /options\.module must be a URL/],
  ['an unknown option', { thread: 2 }, /options\.thread is not a ThreadPoolManager option/],
  ['threads above the C core\'s limit', { threads: 65 }, /options\.threads must be an integer between 1 and 64, got 65/],
  ['a fractional thread count', { threads: 1.5 }, /options\.threads must be an integer/],
  ['a negative timeout', { timeoutMs: -1 }, /options\.timeoutMs must be an integer/],
  ['an idle delay setTimeout cannot wait', { idleShutdownMs: 2 ** 31 }, /options\.idleShutdownMs must be an integer between 0 and 2147483647/],
  ['a heartbeat timeout not above its interval', { heartbeatIntervalMs: 500, heartbeatTimeoutMs: 500 }, /options\.heartbeatTimeoutMs \(500\) must be greater than options\.heartbeatIntervalMs \(500\)/],
  ['maxPending 0', { maxPending: 0 }, /options\.maxPending must be an integer >= 1/],
  ['a console that is not one', { console: {} }, /options\.console must be an object with log, warn and error methods/],
  ['an arena over 1 GiB', { allocBytes: 2 ** 31 }, /options\.allocBytes must be an integer between 0 and 1073741824/],
];

test('each bad pool option throws a TypeError naming it, and starts nothing', async ({ page }) => {
  const results = await page.evaluate((cases) => {
    const { ThreadPoolManager } = window.wasmpool;
    return cases.map((options) => {
      const full = Object.keys(options).length === 0 ? options : { module: window.moduleUrl, ...options };
      try {
        new ThreadPoolManager(full);
        return 'constructed';
      } catch (e: any) {
        return `${e.name}: ${e.message}`;
      }
    });
  }, BAD_POOL_OPTIONS.map(([, options]) => options));
  BAD_POOL_OPTIONS.forEach(([what, , expected], i) => {
    expect(results[i], what).toMatch(/^TypeError: /);
    expect(results[i], what).toMatch(expected);
  });
  expect(await page.evaluate(() => window.debugHost.hosts.length)).toBe(0);
});

test('bad call options reject the call with a TypeError naming the option', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const pool = window.makePool({ threads: 2 });
    const attempts = [
      { timeoutMs: -5 },
      { timeoutMs: 2 ** 31 },
      { returns: 'float' },
      { onProgress: 'yes' },
      { signal: {} },
      { retries: 3 },
    ];
    const out: string[] = [];
    for (const options of attempts) {
      out.push(await pool.call('probe_add_f64', [1, 2], options).then(() => 'resolved', (e: any) => `${e.name}: ${e.message}`));
    }
    const { completed } = pool.stats;
    await pool.shutdown();
    return { out, completed };
  });
  expect(r.completed).toBe(0);
  for (const line of r.out) expect(line).toMatch(/^TypeError: wasmpool: options\.\w+ of probe_add_f64\(\)|^TypeError: .*retries/);
  expect(r.out[0]).toContain('options.timeoutMs');
  expect(r.out[2]).toContain('options.returns');
  expect(r.out[3]).toContain('options.onProgress');
  expect(r.out[4]).toContain('options.signal');
  expect(r.out[5]).toContain('retries');
});
