// demo/server.mjs — a tiny static server for the demo and the e2e tests. No dependencies.
//
//   node demo/server.mjs            serves on http://127.0.0.1:8080 (PORT overrides), with the CSP
//   startServer({ port: 0 })        the same from a test, on a free port: { url, close }
//
// It serves only the directories listed in `dirs` under `root` (by default demo/, dist/ and
// e2e/fixtures/ of this repository), on 127.0.0.1 only. Every response carries COOP and COEP,
// so pages are crossOriginIsolated and get SharedArrayBuffer; `isolate: false` leaves them out,
// for tests of the non-isolated case. `csp: true` adds the demo's Content-Security-Policy to
// every response (pages and worker scripts alike), and collects violation reports.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/**
 * The demo's Content-Security-Policy: scripts, workers and styles only from this origin; no
 * inline script or style, no eval or new Function (wasmpool's invariant 7).
 * 'wasm-unsafe-eval' (CSP Level 3) lets WebAssembly compile and nothing else: without it a
 * policy with script-src blocks WebAssembly.instantiate, and no wasm can run at all.
 * https://github.com/WebAssembly/content-security-policy/blob/main/proposals/CSP.md
 */
export const DEMO_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'";

/** Where browsers POST CSP violation reports (report-uri, which workers honour too). */
const CSP_REPORT_PATH = '/__csp-report';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Starts the server. Resolves to { url, close }: url has no trailing slash
 * (e.g. "http://127.0.0.1:8080"), close() resolves once the server has stopped.
 *
 * @param {object} [options]
 * @param {number} [options.port=8080]  0 picks a free port
 * @param {string} [options.root]       directory the URL paths are relative to; default: the repo
 * @param {string[]} [options.dirs]     the only subdirectories of root that are served
 * @param {boolean} [options.isolate=true]  send COOP/COEP (crossOriginIsolated pages)
 * @param {Record<string,string>} [options.headers]  extra headers on every response
 * @param {boolean|string} [options.csp=false]  true: DEMO_CSP on every response; a string: that policy.
 *   Either way a report-uri is appended, and violations reach onCspViolation.
 * @param {(report: Record<string, unknown>) => void} [options.onCspViolation]  receives each
 *   violation report (the "csp-report" object: violated-directive, blocked-uri, source-file ...)
 */
export async function startServer({
  port = 8080,
  root = REPO_ROOT,
  dirs = ['demo', 'dist', 'e2e/fixtures'],
  isolate = true,
  headers = {},
  csp = false,
  onCspViolation = (report) => console.error('CSP violation:', JSON.stringify(report)),
} = {}) {
  const realRoot = await realpath(root);
  const policy = csp === true ? DEMO_CSP : typeof csp === 'string' && csp !== '' ? csp : null;
  const common = {
    ...(isolate ? ISOLATION_HEADERS : {}),
    ...(policy ? { 'Content-Security-Policy': `${policy}; report-uri ${CSP_REPORT_PATH}` } : {}),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, `internal error: ${err.message}\n`));
  });

  function send(res, status, body, extra = {}) {
    if (res.headersSent) return res.destroy();
    res.writeHead(status, { ...common, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(body);
  }

  /** A CSP violation report: a small JSON body, passed on to onCspViolation. */
  async function cspReport(req, res) {
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > 64 * 1024) return send(res, 413, 'too large\n');
    }
    let report;
    try {
      const parsed = JSON.parse(body);
      report = parsed['csp-report'] ?? parsed;
    } catch {
      return send(res, 400, 'bad report\n');
    }
    onCspViolation(report);
    res.writeHead(204, common).end();
  }

  async function handle(req, res) {
    if (policy && req.method === 'POST' && req.url === CSP_REPORT_PATH) return cspReport(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad request\n');
    }
    if (pathname === '/') return send(res, 302, '', { Location: '/demo/' });
    // Normalise, then require the result to lie inside one of the served directories.
    const rel = path.posix.normalize(pathname).replace(/^\/+/, '');
    if (pathname.includes('\0') || rel.startsWith('..') || !dirs.some((d) => rel === d || rel.startsWith(d + '/'))) {
      return send(res, 404, 'not found\n');
    }
    let file = path.join(realRoot, rel);
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      if (!pathname.endsWith('/')) return send(res, 301, '', { Location: pathname + '/' });
      file = path.join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return send(res, 404, 'not found\n');
    // Symbolic links must not lead out of root either.
    const real = await realpath(file);
    if (!real.startsWith(realRoot + path.sep)) return send(res, 404, 'not found\n');

    res.writeHead(200, {
      ...common,
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(real).on('error', () => res.destroy()).pipe(res);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, close };
}

// Run as a program: serve until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 8080);
  const { url, close } = await startServer({ port, csp: true });
  console.log(`wasmpool demo: ${url}/demo/  (COOP/COEP and CSP on, Ctrl-C stops)`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => close().then(() => process.exit(0)));
  }
}
