/**
 * The WebAssembly kernels in a browser page (headless Chromium): with
 * cross-origin isolation they share memory with Web Workers (threads 2) and
 * use relaxed SIMD; without it they run on one thread with plain memory. In
 * both, a product agrees with the reference. Under a Content-Security-Policy
 * that forbids WebAssembly, the error says what the page can change. The page loads the kernels
 * bundled by esbuild from src/. Skipped when Chromium is not installed
 * (apt-get install chromium).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
const root = new URL('..', import.meta.url).pathname;

const ENTRY = `
import { createWasmKernels } from './src/kernels/wasm/index.ts';
import { wasmRelaxedSupported, sharedMemorySupported } from './src/kernels/wasm/runtime.ts';
import { refKernels } from './src/kernels/ref/index.ts';
import { Matrix } from './src/matrix.ts';
(async () => {
  const out = { isolated: self.crossOriginIsolated, relaxed: wasmRelaxedSupported(), shared: sharedMemorySupported() };
  try {
    const k = createWasmKernels('float64', { threads: 2 });
    await k.runtime.ready();
    out.name = k.name; out.workers = k.runtime.pool ? k.runtime.pool.workers : 0;
    const M = 64, N = 300, K = 500;
    const A = k.matrix(M, K), B = k.matrix(K, N), C = k.matrix(M, N), R = refKernels.matrix(M, N);
    A.data.forEach((_, i) => (A.data[i] = Math.sin(i)));
    B.data.forEach((_, i) => (B.data[i] = Math.cos(i)));
    k.gemm(false, false, 1, A, B, C);
    refKernels.gemm(false, false, 1, new Matrix(M, K, A.data.slice()), new Matrix(K, N, B.data.slice()), R);
    let d = 0;
    for (let i = 0; i < M * N; i++) d = Math.max(d, Math.abs(C.data[i] - R.data[i]));
    out.maxDiff = d;
    k.runtime.shutdown();
  } catch (e) { out.error = String(e && e.stack || e); }
  self.result = out;
})();
`;

describe('WebAssembly kernels in Chromium', { skip }, () => {
  let server: http.Server;
  let port = 0;
  let bundle = '';
  let isolate = true;
  let csp: string | undefined;

  before(async () => {
    const { build } = await import('esbuild');
    const out = await build({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error' });
    bundle = out.outputFiles[0].text;
    server = http.createServer((req, res) => {
      const headers: Record<string, string> = isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
      if (csp) headers['Content-Security-Policy'] = csp;
      if (req.url === '/kernels.js') res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(bundle);
      else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end('<!doctype html><script type="module" src="/kernels.js"></script>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server?.close());

  async function runPage(): Promise<any> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => (self as any).result !== undefined, null, { timeout: 60000 });
      return await page.evaluate(() => (self as any).result);
    } finally {
      await browser.close();
    }
  }

  it('cross-origin isolated: Web Workers over shared memory, relaxed SIMD, same product as the reference', async () => {
    isolate = true;
    const r = await runPage();
    console.log(`# isolated page: ${JSON.stringify(r)}`);
    assert.equal(r.error, undefined);
    assert.equal(r.isolated, true);
    assert.equal(r.shared, true);
    assert.equal(r.workers, 1, 'threads 2 = the page + one Web Worker');
    assert.ok(r.maxDiff <= 1e-12, `largest difference from the reference ${r.maxDiff}`);
  });

  it('not isolated: one thread on plain memory, same product', async () => {
    isolate = false;
    const r = await runPage();
    console.log(`# plain page: ${JSON.stringify(r)}`);
    assert.equal(r.error, undefined);
    assert.equal(r.isolated, false);
    assert.equal(r.shared, false);
    assert.equal(r.workers, 0);
    assert.ok(r.maxDiff <= 1e-12, `largest difference from the reference ${r.maxDiff}`);
  });

  it("a Content-Security-Policy without 'wasm-unsafe-eval': an error that says what to change, not the engine's CompileError alone", async () => {
    isolate = false;
    csp = "script-src 'self'";
    try {
      const r = await runPage();
      console.log(`# page under CSP: ${JSON.stringify(r.error?.split('\n')[0])}`);
      assert.match(r.error ?? '', /Content-Security-Policy does not allow WebAssembly/);
      assert.match(r.error, /'wasm-unsafe-eval'/);
      assert.match(r.error, /configureKernels\(\{ kernels: 'ref' \}\)/);
    } finally {
      csp = undefined;
    }
  });
});
