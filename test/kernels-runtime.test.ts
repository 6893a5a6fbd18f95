/**
 * The WebAssembly runtime and the choice of kernels: matrices in WebAssembly
 * memory survive its growth, released blocks are reused, the worker pool
 * starts and stops, and configureKernels / DNN_KERNELS / DNN_THREADS choose
 * the implementation with clear errors for bad values.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { configureKernels, createRefKernels, getKernels, kernelsFor, Matrix, Model, OptionError, RandomState, refKernels, useKernels, type WasmKernels } from '../src/index.ts';
import { createWasmKernels, splitAligned, spreadOrder } from '../src/kernels/wasm/index.ts';
import { wasmRelaxedSupported, wasmSimdSupported } from '../src/kernels/wasm/runtime.ts';
import * as pool from '../src/kernels/threads/pool.ts';
import { chunkAddress, FN_JOB_F64, JobTable } from '../src/kernels/threads/pool.ts';
// @ts-ignore: plain ESM without types
import { CHUNK_FUNCTIONS } from '../scripts/wasm-source.mjs';

const skip = wasmSimdSupported() ? undefined : 'this engine has no WebAssembly SIMD';
const root = new URL('..', import.meta.url).pathname;

describe('WebAssembly runtime', { skip }, () => {
  it('matrices stay valid when the memory grows, and products still read them', () => {
    const k = createWasmKernels('float64', { threads: 1 });
    const A = k.matrix(3, 4);
    A.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const before = k.runtime.memory.buffer.byteLength;
    const big = k.matrix(4096, 1024); // 32 MiB: the memory must grow
    assert.ok(k.runtime.memory.buffer.byteLength > before, 'memory grew');
    assert.deepEqual(Array.from(A.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'old view still reads its values');
    const B = k.matrix(4, 2);
    B.data.set([1, 0, 0, 1, 1, 0, 0, 1]);
    const C = k.matrix(3, 2);
    k.gemm(false, false, 1, A, B, C);
    assert.deepEqual(Array.from(C.data), [4, 6, 12, 14, 20, 22]);
    k.release(big);
    k.runtime.shutdown();
  });

  it('plain (unshared) memory: a model keeps its parameters when the memory grows under it, even in the middle of a product', () => {
    // A page without cross-origin isolation has no SharedArrayBuffer: the memory is
    // plain and each growth detaches the old buffer. Views cut from a matrix (the
    // W[l], b[l] of a parameter arena) went dead with it: predictions of 0.5, and
    // fit updating nothing, without an error.
    const script = `globalThis.SharedArrayBuffer = undefined;
    import('./src/index.ts').then((dnn) => {
      const k = dnn.kernelsFor('float64');
      const calm = dnn.createWasmKernels('float64', { threads: 1 }); // a runtime of its own that never grows here
      const rng = new dnn.RandomState(0);
      const X = rng.randn(3, 50), Y = dnn.Matrix.zeros(1, 50);
      for (let j = 0; j < 50; j++) Y.data[j] = X.data[j] > 0 ? 1 : 0;
      const layers = [{ units: 4, activation: 'relu' }, { units: 1, activation: 'sigmoid' }];
      const model = new dnn.Model({ inputSize: 3, layers, seed: 1 });
      const twin = new dnn.Model({ inputSize: 3, layers, seed: 1, kernels: calm });
      const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
      model.fit(X, Y, { epochs: 5, optimizer: 'adam', learningRate: 0.1 });
      twin.fit(X, Y, { epochs: 5, optimizer: 'adam', learningRate: 0.1 });
      const out = { shared: k.runtime.shared, before: same(model.predict(X).data, twin.predict(X).data) };
      let size = k.runtime.memory.buffer.byteLength;
      const big = k.matrix(3000, 3000); // 72 MB, more than the reserve: the memory grows
      out.grew = k.runtime.memory.buffer.byteLength > size;
      out.predicted = same(model.predict(X).data, twin.predict(X).data);
      out.views = model.W(1).data.length === 12 && model.parameters.data.length === 21;
      model.fit(X, Y, { epochs: 3, optimizer: 'adam', learningRate: 0.1 });
      twin.fit(X, Y, { epochs: 3, optimizer: 'adam', learningRate: 0.1 });
      out.trained = same(model.parameters.data, twin.parameters.data);
      // Growth in the middle of a forward pass: W1 (200, 300) packs X's 4.8 MB into scratch
      // when the memory has no room left, after W1 is read and before W2 is.
      const wide = new dnn.Model({ inputSize: 300, layers: [{ units: 200, activation: 'tanh' }, { units: 2, activation: 'softmax' }], seed: 2 });
      const wideTwin = new dnn.Model({ inputSize: 300, layers: [{ units: 200, activation: 'tanh' }, { units: 2, activation: 'softmax' }], seed: 2, kernels: calm });
      const W = k.matrix(300, 2000);
      W.data.set(rng.randn(300, 2000).data);
      wide.predict(W); // the inference workspace, made once; the packed X (scratch) was the last block on top
      const pack = 300 * 2000 * 8;
      const room = k.runtime.memory.buffer.byteLength - 65536 - (k.runtime.highWaterBytes() - pack);
      const filler = k.matrix(1, Math.floor((room - pack / 4) / 8)); // leaves a quarter of the pack's room
      size = k.runtime.memory.buffer.byteLength;
      const A = wide.predict(W);
      out.grewInProduct = k.runtime.memory.buffer.byteLength > size;
      out.wide = same(A.data, wideTwin.predict(W).data);
      console.log(JSON.stringify(out));
      process.exit(0);
    })`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { shared: false, before: true, grew: true, predicted: true, views: true, trained: true, grewInProduct: true, wide: true });
  });

  it('matrices made after another runtime grew are still its own (V8 renews every shared buffer object on any growth)', (t) => {
    const k1 = createWasmKernels('float64', { threads: 1 });
    const k2 = createWasmKernels('float64', { threads: 1 });
    try {
      if (!k1.runtime.shared) return t.skip('no shared memory here');
      const before = k1.matrix(2, 2), buffer = k1.runtime.memory.buffer;
      const big = k2.matrix(4096, 1024); // k2's memory grows, k1's does not
      // V8 hands out the renewed buffer objects at its next interrupt check: a function call will do.
      for (let i = 0; i < 1000 && k1.runtime.memory.buffer === buffer; i++) k1.gemm(false, false, 1, before, before, k1.matrix(2, 2));
      const after = k1.matrix(2, 2);
      assert.ok(k1.runtime.owns(before.data) && k1.runtime.owns(after.data), 'k1 owns its matrices, whichever buffer object they were made on');
      assert.ok(!k1.runtime.owns(big.data) && !k2.runtime.owns(after.data), 'a runtime does not own the other one\'s matrices');
      assert.ok(!k1.runtime.owns(Matrix.zeros(2, 2).data), 'nor ordinary arrays');
      const shared = new Float64Array(new SharedArrayBuffer(1 << 16));
      assert.ok(!k1.runtime.owns(shared), 'nor other shared memory');
      // A product on owned matrices reads them in place (no copy into scratch): C is written directly.
      after.data.set([1, 2, 3, 4]);
      const C = k1.matrix(2, 2);
      k1.gemm(false, false, 1, after, after, C);
      assert.deepEqual(Array.from(C.data), [7, 10, 15, 22]);
      k2.release(big);
    } finally {
      k1.runtime.shutdown();
      k2.runtime.shutdown();
    }
  });

  it('released blocks are reused: a loop that releases what it allocates does not grow', () => {
    const k = createWasmKernels('float32', { threads: 1 });
    const first = k.matrix(100, 100);
    k.release(first);
    const inUse = k.runtime.bytesInUse(), size = k.runtime.memory.buffer.byteLength;
    for (let i = 0; i < 1000; i++) {
      const M = k.matrix(100 + (i % 7), 100), N = k.matrix(50, 3);
      k.release(N);
      k.release(M);
    }
    assert.equal(k.runtime.bytesInUse(), inUse);
    assert.equal(k.runtime.memory.buffer.byteLength, size);
    // The high-water mark is the most ever spanned: the largest pair above, not the sum of all.
    const pair = Math.ceil((106 * 100 * 4) / 64) * 64 + Math.ceil((50 * 3 * 4) / 64) * 64;
    assert.equal(k.runtime.highWaterBytes(), pair);
    const again = k.matrix(100, 100);
    assert.ok(again.data.every((v) => v === 0), 'a reused block comes back zeroed');
    k.runtime.shutdown();
  });

  it('scratch given back in any order leaves no gap: a block at the top merges with the free range below it', () => {
    const rt = createWasmKernels('float64', { threads: 1 }).runtime;
    const base = rt.bytesInUse();
    const a = rt.scratch(100), b = rt.scratch(200), c = rt.scratch(64);
    assert.deepEqual([b - a, c - b], [128, 256], 'blocks are 64-byte aligned and follow each other');
    rt.freeScratch(b, 200); // a gap below the top
    assert.equal(rt.bytesInUse(), base + 128 + 64);
    rt.freeScratch(c, 64); // the top: back to the bump pointer, and the gap with it
    assert.equal(rt.bytesInUse(), base + 128);
    assert.equal(rt.scratch(300), b, 'the next block starts where the gap began');
    rt.freeScratch(b, 300);
    rt.freeScratch(a, 100);
    assert.equal(rt.bytesInUse(), base);
    assert.equal(rt.scratch(8), a);
    rt.shutdown();
  });

  it('foreign matrices (ordinary typed arrays) work as inputs and outputs', () => {
    const k = createWasmKernels('float64', { threads: 1 });
    const A = Matrix.from([2, 2], [1, 2, 3, 4]), B = Matrix.from([2, 2], [5, 6, 7, 8]);
    const C = Matrix.zeros(2, 2), out = Matrix.zeros(2, 2);
    k.gemm(false, false, 1, A, B, C, { bias: Matrix.from([2, 1], [-100, 0]), activation: 'relu', out });
    assert.deepEqual(Array.from(C.data), [19 - 100, 22 - 100, 43, 50]);
    assert.deepEqual(Array.from(out.data), [0, 0, 43, 50]);
    k.runtime.shutdown();
  });

  it('workers never keep a finished process alive (no shutdown called)', () => {
    const code = "import('./src/kernels/wasm/index.ts').then(async (m) => { const k = m.createWasmKernels('float64', { threads: 2 }); await k.runtime.ready();" +
      " const A = k.matrix(64, 512), B = k.matrix(512, 512), C = k.matrix(64, 512); k.gemm(false, false, 1, A, B, C); console.log('done', k.runtime.pool.workers); })";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, encoding: 'utf8', timeout: 60000 });
    assert.equal(r.signal, null, 'the process had to be killed: a worker kept it alive');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'done 1');
  });

  it('a runtime uses at most MAX_THREADS threads: a worker each and two chunks each fit the pool and the chunk table', () => {
    assert.ok(pool.MAX_THREADS <= pool.MAX_WORKERS + 1 && 2 * pool.MAX_THREADS <= pool.MAX_CHUNKS);
    const k = createWasmKernels('float64', { threads: 10 * pool.MAX_THREADS });
    assert.equal(k.threads, pool.MAX_THREADS);
    k.runtime.shutdown();
  });

  it("chunk(fn, at) numbers its functions as the pool's FN_ constants do", () => {
    const byName = Object.fromEntries(Object.entries(pool).filter(([name]) => name.startsWith('FN_')));
    const expected = (CHUNK_FUNCTIONS as [string, string[]][]).map(([name]) => name);
    assert.equal(Object.keys(byName).length, expected.length);
    for (const [constant, fn] of Object.entries(byName)) {
      const [, kind, t] = /^FN_(\w+)_(F\d\d)$/.exec(constant)!;
      const prefix = { JOB: 'job', RANK: 'jobr', DOT: 'jobd', PACK: 'pack', MOM: 'mom', RMS: 'rms', ADAM: 'adam', FUSED: 'jobf' }[kind];
      assert.equal(expected[fn as number], `${prefix}_${t.toLowerCase()}`, constant);
    }
  });

  it('a job table writes into the memory it was made for, also after plain memory grows (detaching the old buffer)', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const jobs = new JobTable(memory);
    jobs.add(1, 2, 3, 4, 5, 6);
    memory.grow(1);
    jobs.clear();
    jobs.add(7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0.5, 22, 23, 24, 25, 26);
    jobs.add(1, 2, 3, 4, 5, 6);
    assert.equal(jobs.count, 2);
    const f64 = new Float64Array(memory.buffer);
    assert.deepEqual(Array.from(f64.subarray(chunkAddress(0) / 8, chunkAddress(0) / 8 + 20)), [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 0.5, 22, 23, 24, 25, 26]);
    assert.deepEqual(Array.from(f64.subarray(chunkAddress(1) / 8, chunkAddress(1) / 8 + 8)), [1, 2, 3, 4, 5, 6, 0, 0]);
    jobs.clear();
    for (let c = 0; c < pool.MAX_CHUNKS; c++) jobs.add(0, 0, 0, 0, 0, 0);
    assert.throws(() => jobs.add(0, 0, 0, 0, 0, 0), /at most \d+ chunks/);
  });

  it('a training iteration allocates next to nothing on the JS heap (Model.fit, two threads)', () => {
    // A child with a young generation large enough that no collection need run while
    // fit does (checked with a gc observer), so the heap's growth is what the
    // iterations allocated. Each product's dispatch used to allocate its argument
    // lists: about 18 KB per iteration on this model, now about 2 KB (the event
    // each update returns, numbers V8 boxes).
    const script = `import('./src/index.ts').then(async (dnn) => {
      const { PerformanceObserver } = await import('node:perf_hooks');
      dnn.configureKernels({ kernels: 'wasm', threads: 2 });
      const k = dnn.kernelsFor('float64'), m = 209;
      const X = k.matrix(2048, m);
      X.data.forEach((_, i) => { X.data[i] = Math.sin(i); });
      const Y = new dnn.Matrix(1, m, Float64Array.from({ length: m }, (_, j) => j % 2));
      const layers = [{ units: 20, activation: 'relu' }, { units: 7, activation: 'relu' }, { units: 5, activation: 'relu' }, { units: 1, activation: 'sigmoid' }];
      const model = new dnn.Model({ inputSize: 2048, layers, seed: 1 });
      model.fit(X, Y, { learningRate: 0.0075, iterations: 300 });
      // Start times of the collections, to leave out the windows they fall in.
      const collections = [];
      const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) collections.push(e.startTime); });
      gc();
      await new Promise((r) => setTimeout(r, 20));
      observer.observe({ entryTypes: ['gc'] });
      // Four windows of 300 iterations inside one fit, so its set-up is not counted.
      const marks = [];
      const onIteration = (e) => { if (e.iteration % 300 === 0) marks.push([performance.now(), process.memoryUsage().heapUsed]); };
      model.fit(X, Y, { learningRate: 0.0075, iterations: 1201, onIteration });
      await new Promise((r) => setTimeout(r, 20));
      const windows = marks.slice(1).map(([t, h], w) => {
        const [t0, h0] = marks[w];
        return collections.some((c) => c > t0 && c < t) ? 'gc' : String(Math.round((h - h0) / 300));
      });
      console.log(k.name, collections.length, windows.join(','));
      process.exit(0);
    })`;
    const flags = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--import', 'tsx'];
    const r = spawnSync(process.execPath, [...flags, '-e', script], { cwd: root, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 0, r.stderr);
    const [name, collections, windows] = r.stdout.trim().split(' ');
    assert.match(name, /^wasm-.*-2t$/);
    // A window in which a collection ran (under load V8 may start one for its own
    // reasons) is left out: there the heap's growth is not what was allocated.
    // Iterations that allocate show as growth in the other windows or, allocating
    // a lot, make a collection run in every window.
    const clean = windows.split(',').filter((w) => w !== 'gc').map(Number);
    assert.ok(clean.length > 0, `a garbage collection ran in each of the four windows (${collections} in all): the iterations allocate`);
    // The least of the clean windows: the optimizing compiler, running when it likes,
    // adds its own objects to the heap (once, not per iteration) in some windows.
    const perIteration = Math.min(...clean);
    console.log(`JS heap per iteration, four windows of 300: ${windows} bytes`);
    assert.ok(perIteration < 6000, `${windows} bytes of JS heap per iteration in the four windows`);
  });

  it('a chunk that fails (here: reads outside memory) is an error on the caller, and the pool goes on working', async () => {
    const k = createWasmKernels('float64', { threads: 2 });
    await k.runtime.ready();
    const pool = k.runtime.pool!;
    // job_f64 arguments for a 1x1x1 product whose A is past the end of memory.
    const jobs = new JobTable(k.runtime.memory);
    for (let c = 0; c < 8; c++) jobs.add(1, 1, 1, 0x7ffffff0, 8, 8, 65536, 8, 64, 65536 + 64, 8, 0, 65536 + 64, 8, 1, 0, 0, 0, 0, 8);
    assert.throws(() => pool.run(FN_JOB_F64, jobs.count, k.runtime.exports.chunk), /out of bounds|worker failed/);
    const A = k.matrix(64, 512), B = k.matrix(512, 512), C = k.matrix(64, 512);
    A.data.fill(1);
    B.data.fill(2);
    k.gemm(false, false, 1, A, B, C);
    assert.ok(C.data.every((v) => v === 1024));
    k.runtime.shutdown();
  });

  it('a worker that cannot start is reported and leaves the work to the others; ready() does not wait for it', async () => {
    // A module the workers cannot instantiate: it imports env.f, which they do not give.
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0]);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true } as WebAssembly.MemoryDescriptor);
    const failures: [string, number][] = [];
    const p = pool.Pool.create(new WebAssembly.Module(bytes), memory, 2, (e, running) => failures.push([String(e), running]));
    assert.ok(p, 'both workers were started');
    await p.ready(5000);
    assert.equal(p.workers, 0);
    assert.deepEqual(failures.map(([, running]) => running).sort(), [0, 1], 'each failure says how many workers still run');
    for (const [message] of failures) assert.match(message, /LinkError|import/);
    assert.ok(!p.isReady(1) && !p.isReady(2));
    // With no worker left, a product's chunks all run on the caller.
    let ran = 0;
    p.run(FN_JOB_F64, 5, () => void ran++);
    assert.equal(ran, 5);
    p.shutdown();
  });

  it('a pool with workers starts, runs products and shuts down', async () => {
    const k = createWasmKernels('float64', { threads: 3 });
    await k.runtime.ready();
    assert.equal(k.runtime.pool?.workers, 2);
    const A = k.matrix(64, 300), B = k.matrix(300, 200), C = k.matrix(64, 200), C1 = k.matrix(64, 200);
    A.data.forEach((_, i) => (A.data[i] = Math.sin(i)));
    B.data.forEach((_, i) => (B.data[i] = Math.cos(i)));
    k.gemm(false, false, 1, A, B, C);
    refKernels.gemm(false, false, 1, new Matrix(64, 300, A.data.slice()), new Matrix(300, 200, B.data.slice()), C1);
    assert.deepEqual(Array.from(C.data), Array.from(C1.data));
    k.runtime.shutdown();
  });
});

describe('splitting a dimension between threads', () => {
  const blocks = (n: number, parts: number) => {
    const out = new Float64Array(2 * parts);
    const count = splitAligned(n, parts, out);
    return Array.from({ length: count }, (_, b) => [out[2 * b], out[2 * b + 1]]);
  };

  it("the cat model's 209 columns go to two threads as 104 + 105", () => {
    assert.deepEqual(blocks(209, 2), [[0, 104], [104, 209]]);
  });

  it('blocks cover [0, n) in order, start on multiples of 8 and are within 8 of an even share', () => {
    for (const parts of [1, 2, 3, 4, 8]) {
      for (const n of [1, 7, 8, 9, 16, 17, 63, 100, 209, 1000, 1024, 12288, 245760]) {
        const b = blocks(n, parts);
        assert.ok(b.length >= 1 && b.length <= parts, `${n} in ${parts}: ${b.length} blocks`);
        assert.equal(b[0][0], 0);
        assert.equal(b[b.length - 1][1], n);
        for (let i = 0; i < b.length; i++) {
          assert.ok(b[i][1] > b[i][0], `${n} in ${parts}: block ${i} is empty`);
          assert.equal(b[i][0] % 8, 0, `${n} in ${parts}: block ${i} starts at ${b[i][0]}`);
          if (i > 0) assert.equal(b[i][0], b[i - 1][1], `${n} in ${parts}: gap or overlap before block ${i}`);
          if (n >= 8 * parts) assert.ok(Math.abs(b[i][1] - b[i][0] - n / parts) <= 8, `${n} in ${parts}: block ${i} has ${b[i][1] - b[i][0]}`);
        }
      }
    }
  });
});

describe('the order threads take the parts of W·X in', () => {
  const orderOf = (n: number, threads: number) => {
    const out = new Int32Array(n);
    spreadOrder(n, threads, out);
    return Array.from(out);
  };

  it("the cat model's 16 parts on two threads: a part of each half in turn", () => {
    assert.deepEqual(orderOf(16, 2), [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]);
    assert.deepEqual(orderOf(16, 1), [...Array(16).keys()]);
  });

  it('every part once, and parts taken one after another at least n / threads − 1 apart', () => {
    for (const threads of [1, 2, 3, 4, 7, 16]) {
      for (const n of [1, 2, 3, 5, 15, 16, 17, 64]) {
        const order = orderOf(n, threads);
        assert.deepEqual(order.slice().sort((a, b) => a - b), [...Array(n).keys()], `${n} parts, ${threads} threads: ${order}`);
        const t = Math.min(threads, n);
        for (let q = 1; q < n; q++) {
          if (q % t === 0) continue; // the next turn starts again at the first run
          assert.ok(Math.abs(order[q] - order[q - 1]) >= Math.floor(n / threads) - 1, `${n} parts, ${threads} threads: ${order}`);
        }
      }
    }
  });
});

describe('choosing the kernels', () => {
  it('configureKernels switches between ref and wasm; bad options name the option', () => {
    const previous = getKernels().name.startsWith('wasm') ? 'wasm' : 'ref';
    try {
      assert.equal(configureKernels({ kernels: 'ref' }).name, 'ref');
      assert.equal(kernelsFor('float32').name, 'ref');
      if (!skip) {
        const k = configureKernels({ kernels: 'wasm', threads: 1 });
        assert.match(k.name, /^wasm/);
        assert.equal(getKernels(), k);
        const mine = useKernels(refKernels);
        assert.equal(mine, k);
        assert.equal(getKernels(), refKernels);
        // Float64 models made from now on run on them too; float32 ones keep the configured kernels.
        const layers = [{ units: 1, activation: 'sigmoid' as const }];
        assert.equal(new Model({ inputSize: 2, layers }).kernels, refKernels);
        assert.match(new Model({ inputSize: 2, layers, dtype: 'float32' }).kernels.name, /^wasm/);
      }
      assert.throws(() => configureKernels({ threads: 0 }), (e: Error) => e instanceof OptionError && /threads is 0/.test(e.message));
      assert.throws(() => configureKernels({ kernels: 'gpu' as 'ref' }), (e: Error) => e instanceof OptionError && /kernels is "gpu"/.test(e.message));
    } finally {
      configureKernels({ kernels: previous });
    }
  });

  it('a model made before configureKernels keeps its kernels: the same predictions, on one thread', { skip }, () => {
    const before = getKernels();
    try {
      configureKernels({ kernels: 'wasm', threads: 2 });
      const model = new Model({ inputSize: 64, layers: [{ units: 64, activation: 'relu' }, { units: 1, activation: 'sigmoid' }], seed: 1 });
      const X = new RandomState(2).randn(64, 256);
      const expected = Array.from(model.predict(X).data);
      const old = model.kernels as WasmKernels<Float64Array>;
      configureKernels({ kernels: 'wasm', threads: 2 });
      assert.notEqual(kernelsFor('float64'), old, 'new models get the new kernels');
      assert.equal(model.kernels, old);
      assert.deepEqual(Array.from(model.predict(X).data), expected);
      assert.equal(old.runtime.pool, undefined, "the previous kernels' workers are stopped");
    } finally {
      configureKernels({ kernels: before.name.startsWith('wasm') ? 'wasm' : 'ref' });
    }
  });

  it('options no kernels have are errors where they enter, and a rejected choice keeps the kernels in use', () => {
    const option = (pattern: RegExp) => (e: unknown) => e instanceof OptionError && pattern.test((e as Error).message);
    const before = getKernels();
    assert.throws(() => configureKernels({ thread: 2 } as never), option(/^configureKernels: unknown option "thread"; the options are kernels, threads, relaxed$/));
    assert.throws(() => configureKernels(null as never), option(/^configureKernels: the choice is null;/));
    assert.throws(() => configureKernels({ threads: '2' as never }), option(/^configureKernels: threads is "2"; it must be a whole number from 1 to 64$/));
    assert.throws(() => configureKernels({ relaxed: 'yes' as never }), option(/^configureKernels: relaxed is "yes"; use true or false/));
    assert.throws(() => kernelsFor('float16' as never), option(/^kernelsFor: dtype is "float16"; use "float64" or "float32"$/));
    assert.throws(() => createRefKernels('float16' as never), option(/^createRefKernels: dtype is "float16"; use "float64" or "float32"$/));
    assert.equal(getKernels(), before, 'nothing was replaced or stopped');
    if (skip) return;
    assert.throws(() => createWasmKernels('float16' as never), option(/^createWasmKernels: dtype is "float16"/));
    for (const threads of [0, 1.5, NaN]) {
      assert.throws(() => createWasmKernels('float64', { threads }), option(new RegExp(`^createWasmKernels: threads is ${threads}; it must be a whole number of threads, 1 or more`)));
    }
    if (!wasmRelaxedSupported()) {
      assert.throws(() => configureKernels({ relaxed: true }), option(/^configureKernels: relaxed SIMD was asked for but WebAssembly.validate rejects it here/));
      assert.throws(() => createWasmKernels('float32', { relaxed: true }), option(/^createWasmKernels: relaxed SIMD was asked for/));
      assert.equal(getKernels(), before);
    }
    assert.throws(() => new Model({ inputSize: 2, layers: [{ units: 1, activation: 'sigmoid' }], kernels: {} as never }), option(/^Model: kernels is an object without gemm and matrix; pass kernelsFor\("float64"\)/));
  });

  it('DNN_KERNELS and DNN_THREADS choose the default; a bad value is a clear error', () => {
    const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', '-e',
      "import('./src/index.ts').then((m) => { const k = m.getKernels(); console.log(k.name, k.threads ?? 1); k.runtime?.shutdown(); })"], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
    const ref = run({ DNN_KERNELS: 'ref' });
    assert.equal(ref.stdout.trim(), 'ref 1', ref.stderr);
    if (!skip) {
      const wasm = run({ DNN_KERNELS: 'wasm', DNN_THREADS: '2' });
      assert.equal(wasm.stdout.trim(), 'wasm-simd-2t 2', wasm.stderr);
    }
    const bad = run({ DNN_THREADS: 'many' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /DNN_THREADS is "many"; it must be a whole number of threads from 1 to \d+/);
    // More threads than the pool can start workers for.
    const tooMany = run({ DNN_THREADS: '1000' });
    assert.notEqual(tooMany.status, 0);
    assert.match(tooMany.stderr, /DNN_THREADS is "1000"; it must be a whole number of threads from 1 to 64/);
  });
});
