/**
 * What the page says when it is not cross-origin isolated: without COOP and COEP the browser
 * withholds SharedArrayBuffer, so no wasm threads. The page explains which two headers to
 * send, and so does the console (wasmpool's own CrossOriginIsolationError, plus a how-to).
 */
import { ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId } from '../dom';
import { MODULE_URL, type Kernels } from '../kernels';

const HOW_TO = [
  'wasmpool demo: this page is not cross-origin isolated, so SharedArrayBuffer is missing and wasm threads cannot run.',
  'Serve the page with these two HTTP response headers:',
  '  Cross-Origin-Opener-Policy: same-origin',
  '  Cross-Origin-Embedder-Policy: require-corp',
  '`npm start` (node demo/server.mjs) sends them. Vite: server.headers in vite.config; nginx: add_header; Express: res.set(...).',
].join('\n');

/** Shows the explanation, in the page and the console. */
export async function explainIsolation(): Promise<void> {
  const s = ThreadPoolManager.supported();
  document.body.classList.add('not-isolated');
  byId('isolation-help').hidden = false;
  byId('pool-state').textContent = 'cannot start';
  byId('isolation-facts').textContent =
    `crossOriginIsolated: ${s.crossOriginIsolated} · SharedArrayBuffer: ${s.sharedArrayBuffer ? 'present' : 'missing'}`;
  console.error(HOW_TO);
  // What an application gets: the pool refuses to start with a CrossOriginIsolationError (the
  // manager prints it in the console too).
  const pool = new ThreadPoolManager<Kernels>({ module: MODULE_URL });
  try {
    await pool.ready();
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    byId('isolation-error').textContent = `${e.name} (${e.code}): ${e.message}`;
  }
}
