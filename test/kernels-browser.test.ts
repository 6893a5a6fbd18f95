/**
 * The WebAssembly kernels in a browser page (headless Chromium): with
 * cross-origin isolation they share memory with Web Workers (threads 2) and
 * use relaxed SIMD; without it they run on one thread with plain memory. In
 * both, a product agrees with the reference and the first layer's fused step
 * with the separate calls. Under a Content-Security-Policy
 * that forbids WebAssembly, the error says what the page can change. The page loads the kernels
 * bundled by esbuild from src/. Skipped when Chromium is not installed
 * (apt-get install chromium).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromiumSkip as skip, runPage, servePage, type PageServer } from './browser-helpers.ts';

const root = new URL('..', import.meta.url).pathname;

const ENTRY = `
import { createWasmKernels } from './src/kernels/wasm/index.ts';
import { wasmRelaxedSupported, sharedMemorySupported } from './src/kernels/wasm/runtime.ts';
import { refKernels } from './src/kernels/ref/index.ts';
import { Matrix } from './src/matrix.ts';
(async () => {
  const out = { isolated: self.crossOriginIsolated, relaxed: wasmRelaxedSupported(), shared: sharedMemorySupported(), warnings: [] };
  const warn = console.warn;
  console.warn = (...a) => { out.warnings.push(a.join(' ')); warn(...a); };
  try {
    const k = createWasmKernels('float64', { threads: 2 });
    await k.runtime.ready();
    out.name = k.name; out.threads = k.threads; out.workers = k.runtime.pool ? k.runtime.pool.workers : 0;
    const M = 64, N = 300, K = 500;
    const A = k.matrix(M, K), B = k.matrix(K, N), C = k.matrix(M, N), R = refKernels.matrix(M, N);
    A.data.forEach((_, i) => (A.data[i] = Math.sin(i)));
    B.data.forEach((_, i) => (B.data[i] = Math.cos(i)));
    k.gemm(false, false, 1, A, B, C);
    refKernels.gemm(false, false, 1, new Matrix(M, K, A.data.slice()), new Matrix(K, N, B.data.slice()), R);
    let d = 0;
    for (let i = 0; i < M * N; i++) d = Math.max(d, Math.abs(C.data[i] - R.data[i]));
    out.maxDiff = d;
    // The first layer's fused step against the separate calls (gradient descent with L2), bit for bit.
    const n = 7, n0 = 1600, m = 37, fill = (Q, f) => { Q.data.forEach((_, i) => (Q.data[i] = f(i))); return Q; };
    const X = fill(k.matrix(n0, m), (i) => Math.cos(i * 0.37) * 0.5 + 0.5), dZ = fill(k.matrix(n, m), (i) => Math.sin(i * 1.3));
    const b = fill(k.matrix(n, 1), (i) => 0.01 * i - 0.03);
    const side = () => ({ W: fill(k.matrix(n, n0), (i) => Math.sin(i * 0.01) * 0.01), dW: k.matrix(n, n0), Z: k.matrix(n, m), A: k.matrix(n, m) });
    const sep = side(), fus = side(), f = k.firstLayerStep(fus.W, X);
    for (let t = 0; t < 2; t++) {
      k.gemm(false, true, 1 / m, dZ, X, sep.dW);
      k.axpy(0.03, sep.W.data, sep.dW.data);
      k.axpy(-0.01, sep.dW.data, sep.W.data);
      k.gemm(false, false, 1, sep.W, X, sep.Z, { bias: b, activation: 'relu', out: sep.A });
      f.hyper[0] = -0.01;
      f.step(1 / m, dZ, fus.dW, 0.03, 0);
      f.forward(fus.Z, { bias: b, activation: 'relu', out: fus.A });
    }
    out.fusedDiffer = 0;
    for (const key of ['W', 'dW', 'Z', 'A']) sep[key].data.forEach((v, i) => { if (!Object.is(v, fus[key].data[i])) out.fusedDiffer++; });
    k.runtime.shutdown();
  } catch (e) { out.error = String(e && e.stack || e); }
  self.result = out;
})();
`;

describe('WebAssembly kernels in Chromium', { skip }, () => {
  let server: PageServer;

  before(async () => {
    const { build } = await import('esbuild');
    const out = await build({ stdin: { contents: ENTRY, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error' });
    server = await servePage(out.outputFiles[0].text);
  });
  after(() => server?.close());

  it('cross-origin isolated: Web Workers over shared memory, relaxed SIMD, same product as the reference', async () => {
    server.isolate = true;
    const r = await runPage(server);
    console.log(`# isolated page: ${JSON.stringify(r)}`);
    assert.equal(r.error, undefined);
    assert.equal(r.isolated, true);
    assert.equal(r.shared, true);
    assert.equal(r.workers, 1, 'threads 2 = the page + one Web Worker');
    assert.equal(r.threads, 2);
    assert.match(r.name, /-2t$/);
    assert.deepEqual(r.warnings, []);
    assert.ok(r.maxDiff <= 1e-12, `largest difference from the reference ${r.maxDiff}`);
    assert.equal(r.fusedDiffer, 0, 'the fused first-layer step gives what the separate calls give');
  });

  it('not isolated: one thread on plain memory, same product', async () => {
    server.isolate = false;
    const r = await runPage(server);
    console.log(`# plain page: ${JSON.stringify(r)}`);
    assert.equal(r.error, undefined);
    assert.equal(r.isolated, false);
    assert.equal(r.shared, false);
    assert.equal(r.workers, 0);
    assert.equal(r.threads, 1);
    assert.ok(r.maxDiff <= 1e-12, `largest difference from the reference ${r.maxDiff}`);
    assert.equal(r.fusedDiffer, 0, 'the fused first-layer step gives what the separate calls give');
  });

  it('isolated, but a Content-Security-Policy that refuses blob: workers: one thread, named so, a warning that says what to change, same product', async () => {
    server.isolate = true;
    server.csp = "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";
    try {
      const r = await runPage(server);
      console.log(`# isolated page refusing blob: workers: ${JSON.stringify(r)}`);
      assert.equal(r.error, undefined);
      assert.equal(r.isolated, true);
      assert.equal(r.shared, true);
      assert.equal(r.workers, 0);
      assert.equal(r.threads, 1);
      assert.doesNotMatch(r.name, /-\d+t$/, `name ${r.name}`);
      assert.equal(r.warnings.length, 1, JSON.stringify(r.warnings));
      assert.match(r.warnings[0], /computed on 1 thread of the 2 asked for/);
      assert.match(r.warnings[0], /blob: in worker-src/);
      assert.ok(r.maxDiff <= 1e-12, `largest difference from the reference ${r.maxDiff}`);
    } finally {
      server.csp = undefined;
    }
  });

  it("a Content-Security-Policy without 'wasm-unsafe-eval': an error that says what to change, not the engine's CompileError alone", async () => {
    server.isolate = false;
    server.csp = "script-src 'self'";
    try {
      const r = await runPage(server);
      console.log(`# page under CSP: ${JSON.stringify(r.error?.split('\n')[0])}`);
      assert.match(r.error ?? '', /Content-Security-Policy does not allow WebAssembly/);
      assert.match(r.error, /'wasm-unsafe-eval'/);
      assert.match(r.error, /configureKernels\(\{ kernels: 'ref' \}\)/);
    } finally {
      server.csp = undefined;
    }
  });
});
