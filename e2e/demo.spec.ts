// The demo page (demo/index.html), served as `npm start` serves it: COOP/COEP and the strict
// Content-Security-Policy. Uses every section and checks what it shows; any CSP violation
// (reported by the browser to the server, from the page and its workers) or uncaught page
// error fails. Saves a screenshot to test-results/demo.png. A second page, with a short
// idleShutdownMs (`?idle=MS`), shows the pool idle-stopping and coming back.
import type { Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../demo/server.mjs';
import { serveWithCsp } from './csp-server';
import { expect, test } from './test';

const SCREENSHOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'demo.png');

// crash_lab modes (c/kernels/kernels.h) and the error code each one must show.
const CRASHES: [mode: string, code: string][] = [
  ['panic', 'PANIC'], ['wp_assert', 'PANIC'], ['abort', 'PANIC'], ['assert', 'PANIC'], ['trap', 'PANIC'],
  ['oob', 'PANIC'], ['stack_overflow', 'PANIC'], ['infinite_loop', 'TASK_TIMEOUT'],
  ['cancellable_loop', 'CANCELLED'], ['exit', 'PANIC'],
];

const { url, violations } = serveWithCsp();

/**
 * Opens the demo on `url` (`query`: e.g. '?idle=1000') and checks that it came with the CSP;
 * returns the console lines as they come ("type: text"). Every value #pool-state[data-state]
 * takes is kept in window.poolStates (see poolStates), watched from before the page's scripts
 * run: by the time goto returns, the pool has long been starting.
 */
async function open(page: Page, url: string, query = ''): Promise<string[]> {
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  await page.addInitScript(() => {
    const states: string[] = [];
    (window as unknown as { poolStates: string[] }).poolStates = states;
    const push = (s: string | null | undefined) => { if (s && s !== states.at(-1)) states.push(s); };
    new MutationObserver((records) => {
      // Records arrive in batches, after the page's code ran: a record holds the value before
      // its change, so each value is the next record's oldValue, and the last is the current.
      const changes = records.filter((r) => (r.target as Element).id === 'pool-state');
      changes.forEach((r, i) => push(changes[i + 1]?.oldValue ?? (r.target as Element).getAttribute('data-state')));
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
  });
  await page.setViewportSize({ width: 1400, height: 1000 });
  const response = await page.goto(`${url}/demo/${query}`);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp, 'the Content-Security-Policy header').toContain("script-src 'self'");
  expect(csp, 'the Content-Security-Policy header').toContain("worker-src 'self'");
  return lines;
}

/** The values #pool-state[data-state] took so far, in order (see open). */
function poolStates(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { poolStates: string[] }).poolStates);
}

/** A stat in the status bar (#stat-completed ...), as a number. */
async function stat(page: Page, name: string): Promise<number> {
  return Number(await page.locator(`#stat-${name}`).textContent());
}

/** How much neighbouring pixels differ: a blur lowers it. */
function edgeEnergy(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 4; i < data.length; i += 4) sum += Math.abs(data[i] - data[i - 4]) + Math.abs(data[i + 1] - data[i - 3]);
    return sum;
  });
}

test('the demo, under COOP/COEP and the CSP: every section works', async ({ page }) => {
  test.setTimeout(150_000);
  const consoleLines = await open(page, url());

  await test.step('status: ready, with a heartbeat', async () => {
    await expect(page.locator('#isolated')).toHaveText('true');
    await expect(page.locator('#pool-state')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await expect.poll(async () => Number(await page.locator('#heartbeat').getAttribute('data-beats'))).toBeGreaterThan(2);
    await expect(page.locator('#heartbeat')).toHaveAttribute('data-alive', 'true');
    await expect(page.locator('#stat-threads')).not.toHaveText('–');
    expect((await poolStates(page)).filter((s) => s !== 'stopped').slice(0, 2)).toEqual(['starting', 'ready']);
  });

  await test.step('Mandelbrot: rendered in parallel, with the speedup over one thread', async () => {
    await expect(page.locator('#mandel-status')).toContainText('best of 2 runs', { timeout: 45_000 });
    const image = await page.$eval('#mandel-canvas', (canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      let lit = 0, samples = 0;
      for (let i = 0; i < data.length; i += 4 * 97) {
        samples++;
        if (data[i] + data[i + 1] + data[i + 2] > 0) lit++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { lit: lit / samples, colours: colours.size };
    });
    expect(image.lit).toBeGreaterThan(0.3); // the set is black, the rest is coloured
    expect(image.colours).toBeGreaterThan(50);
    const speedup = Number(await page.locator('#mandel-speedup').getAttribute('data-speedup'));
    const threads = await page.locator('#mandel-speedup').getAttribute('data-threads');
    expect(speedup).toBeGreaterThan(0);
    await expect(page.locator('#mandel-chart .chart-bar')).toHaveCount(threads === '1' ? 1 : 2);
    const status = await page.locator('#mandel-status').textContent();
    test.info().annotations.push({ type: 'mandelbrot-speedup', description: `×${speedup.toFixed(2)} on ${threads} threads (${status})` });
    console.log(`Mandelbrot speedup shown by the demo: ×${speedup.toFixed(2)} on ${threads} threads (${status})`);
  });

  await test.step('Mandelbrot: the thread selector re-measures on 1 thread, then on N again', async () => {
    const select = page.locator('#mandel-threads');
    const n = await select.inputValue();
    const other = n === '1' ? '2' : '1'; // a one-core machine starts on 1
    for (const threads of [other, n]) {
      const rendered = Number(await page.locator('#mandel-canvas').getAttribute('data-rendered'));
      await select.selectOption(threads);
      // A change renders the view twice on the new count (the best of 2 runs), then shows it.
      await expect(page.locator('#mandel-canvas')).toHaveAttribute('data-rendered', String(rendered + 2), { timeout: 45_000 });
      const label = `${threads} thread${threads === '1' ? '' : 's'}`;
      await expect(page.locator('#mandel-status')).toHaveText(new RegExp(`^best of 2 runs: .+ on ${label}, .+ on 1$`));
      await expect(page.locator('#mandel-speedup')).toHaveAttribute('data-threads', threads);
      if (threads === '1') await expect(page.locator('#mandel-speedup')).toHaveAttribute('data-speedup', '1.000'); // its own baseline
      else expect(Number(await page.locator('#mandel-speedup').getAttribute('data-speedup'))).toBeGreaterThan(0);
      // The chart keeps this view's time on both counts, the selected one highlighted.
      await expect(page.locator('#mandel-chart .chart-bar')).toHaveCount(2);
      await expect(page.locator('#mandel-chart .chart-row.selected .chart-label')).toHaveText(label);
    }
  });

  await test.step('blur: the slider blurs the photo', async () => {
    await expect(page.locator('#blur-canvas')).toHaveAttribute('data-radius', '0');
    const sharp = await edgeEnergy(page, '#blur-canvas');
    await page.$eval('#blur-radius', (input: HTMLInputElement) => {
      for (const r of [3, 6, 9, 12]) { // a drag: the blurs coalesce to the last radius
        input.value = String(r);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await expect(page.locator('#blur-canvas')).toHaveAttribute('data-radius', '12');
    await expect(page.locator('#blur-status')).toContainText('radius 12');
    expect(await edgeEnergy(page, '#blur-canvas')).toBeLessThan(sharp * 0.7);
  });

  await test.step('blur: the page keeps drawing while blurs run', async () => {
    // A drag as a hand makes it: an input event every 20 ms, 13 -> 40 -> 6. A frame counter
    // notes each animation frame that began while a blur was in flight (the slider ahead of
    // the radius shown). A blur that held the main thread would hold the frames too, and
    // none would see one in flight. Frames are counted, not timed: the status bar's #fps
    // (longest frame under 100 ms) is a wall-clock threshold, which flakes on a busy machine.
    const drag = await page.$eval('#blur-radius', async (input: HTMLInputElement) => {
      const canvas = document.getElementById('blur-canvas')!;
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      let frames = 0, duringBlur = 0, dragging = true;
      const tick = () => {
        frames++;
        if (canvas.dataset.radius !== input.value) duringBlur++;
        if (dragging) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const radii = [...Array.from({ length: 28 }, (_, i) => 13 + i), ...Array.from({ length: 34 }, (_, i) => 39 - i)];
      for (const r of radii) {
        input.value = String(r);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(20);
      }
      for (let waited = 0; canvas.dataset.radius !== '6' && waited < 10_000; waited += 20) await sleep(20);
      dragging = false;
      return { frames, duringBlur, radius: canvas.dataset.radius };
    });
    expect(drag.radius, 'the radius shown after the drag').toBe('6');
    expect(drag.duringBlur, `frames begun while a blur was in flight, of ${drag.frames}`).toBeGreaterThan(0);
    await expect(page.locator('#blur-status')).toContainText('radius 6');
  });

  await test.step('sort: 10^7 numbers with progress to 100%, then one cancelled', async () => {
    await page.click('#sort-start');
    await expect(page.locator('#sort-result')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(page.locator('#sort-result')).toContainText('sorted');
    await expect(page.locator('#sort-progress')).toHaveAttribute('data-reported', '100');
    await expect(page.locator('#sort-percent')).toHaveText('100%');

    const restarts = await page.locator('#stat-restarts').textContent();
    await page.click('#sort-start');
    await expect(page.locator('#sort-result')).toContainText('sorting', { timeout: 10_000 });
    await expect(page.locator('#sort-cancel')).toBeEnabled();
    await page.click('#sort-cancel');
    await expect(page.locator('#sort-result')).toHaveAttribute('data-state', 'cancelled');
    await expect(page.locator('#sort-result')).toHaveAttribute('data-code', 'CANCELLED');
    await expect(page.locator('#sort-result')).toContainText('CancelledError (CANCELLED)');
    // C saw wp_cancelled() and returned within the grace period: no restart.
    await page.waitForTimeout(800);
    await expect(page.locator('#stat-restarts')).toHaveText(restarts!);
  });

  await test.step('crash lab: each way to fail shows its error, then a call works', async () => {
    // Every pool thread can be picked; the last one is, and each fault names it.
    const threads = Number(await page.locator('#stat-threads').textContent());
    await expect(page.locator('#crash-thread option')).toHaveCount(threads);
    await expect(page.locator('#crash-thread')).toHaveValue(String(threads - 1));
    for (const [mode, code] of CRASHES) {
      await page.click(`#crash-buttons button[data-mode="${mode}"]`);
      await expect(page.locator('#crash-result')).toHaveAttribute('data-finished', mode, { timeout: 15_000 });
      await expect(page.locator('#crash-result'), mode).toHaveAttribute('data-code', code);
      await expect(page.locator('#crash-recovery'), mode).toHaveAttribute('data-ok', 'true');
      await expect(page.locator('#crash-restart'), mode).toHaveAttribute('data-restarted', String(code !== 'CANCELLED'));
      if (code === 'PANIC') {
        await expect(page.locator('#crash-name')).toHaveText('PanicError');
        await expect(page.locator('#crash-thread-out')).toHaveText(`thread ${threads - 1}`);
        await expect(page.locator('#crash-restart')).toContainText('pool restarted');
      }
    }
    await expect(page.locator('#stat-restarts')).not.toHaveText('0');
    expect(consoleLines.some((l) => l.startsWith('error: [wasmpool] panic on thread ') && l.includes('in crash_lab(): '))).toBe(true);
  });

  await test.step('status: the states the pool went through, and its counters', async () => {
    // Each fault stopped the pool; the recovery call restarted it, and it was ready again.
    const states = await poolStates(page);
    expect(states).toContain('restarting');
    expect(states.slice(states.lastIndexOf('restarting'))).toContain('ready');
    // The counters refresh five times a second.
    await expect.poll(() => stat(page, 'completed')).toBeGreaterThan(0);
    await expect.poll(() => stat(page, 'failed')).toBeGreaterThanOrEqual(CRASHES.length);
  });

  await test.step('logs: lines from the pool threads, tagged', async () => {
    await expect(page.locator('#log-panel .log-line[data-thread]').first()).toBeVisible();
    await expect(page.locator('#log-panel')).toContainText('about to fail with');
    await page.click('#log-hello');
    await expect(page.locator('#log-panel')).toContainText('probe line 1');
    await expect(page.locator('#log-panel')).toContainText('probe stderr 1');
    await expect(page.locator('#log-panel .log-line.error').first()).toBeVisible();
  });

  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky status bar back on top
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(consoleLines.filter((l) => /Content.Security.Policy/i.test(l)), 'CSP messages in the console').toEqual([]);
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

test('with ?idle=MS the pool idle-stops, and the next call brings it back', async ({ page }) => {
  await open(page, url(), '?idle=1000');
  // Nothing on the page calls the pool on its own (Mandelbrot has pools of its own).
  await expect(page.locator('#pool-state')).toHaveAttribute('data-state', 'idle-stopped', { timeout: 15_000 });
  await expect(page.locator('#heartbeat-text')).toHaveText('no host worker: the next call starts one');
  expect((await poolStates(page)).filter((s) => s !== 'stopped')).toEqual(['starting', 'ready', 'idle-stopped']);

  const seen = (await poolStates(page)).length;
  await page.click('#log-hello');
  await expect(page.locator('#log-panel')).toContainText('probe line 1');
  // A fresh start, not a restart: nothing failed. It may idle-stop again a second later.
  expect((await poolStates(page)).slice(seen, seen + 2)).toEqual(['starting', 'ready']);
  await expect.poll(() => stat(page, 'completed')).toBe(1);
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

test('without COOP/COEP the demo names the two headers, in the page and in the console', async ({ page }) => {
  const plain = await startServer({ port: 0, isolate: false, csp: true, onCspViolation: (report) => violations.push(report) });
  try {
    const consoleLines = await open(page, plain.url);
    const help = page.locator('#isolation-help');
    await expect(help).toBeVisible();
    await expect(help).toContainText('Cross-Origin-Opener-Policy: same-origin');
    await expect(help).toContainText('Cross-Origin-Embedder-Policy: require-corp');
    await expect(page.locator('#isolation-error')).toContainText('CrossOriginIsolationError (NOT_ISOLATED)');
    await expect(page.locator('#isolated')).toHaveText('false');
    const named = (l: string) => l.startsWith('error: ') && l.includes('Cross-Origin-Opener-Policy: same-origin') && l.includes('Cross-Origin-Embedder-Policy: require-corp');
    await expect.poll(() => consoleLines.filter(named).length).toBeGreaterThanOrEqual(2); // the demo's how-to and wasmpool's error
    expect(violations, 'Content-Security-Policy violations').toEqual([]);
  } finally {
    await plain.close();
  }
});
