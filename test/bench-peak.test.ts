/**
 * The benchmark's peak probe (bench/peak.ts): its modules assemble and
 * validate, each turn of the loop is CHAINS multiply-adds (what the GFLOP/s
 * figure counts), a run reports a finite positive rate, and the GEMM rows'
 * control (peakTeam) runs the loop on every thread it names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAINS, PEAK_FORMS, peakRunner, peakTeam, peakWat } from '../bench/peak.ts';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { assemble } from '../scripts/wasm-source.mjs';
import { wasmRelaxedSupported, wasmSimdSupported } from '../src/kernels/wasm/runtime.ts';

describe('benchmark peak probe', () => {
  it('every form assembles; the fused ones validate only where relaxed SIMD does', async (t) => {
    if (!wasmSimdSupported()) return t.skip('this engine has no WebAssembly SIMD');
    for (const form of PEAK_FORMS) {
      const bytes: Uint8Array<ArrayBuffer> = await assemble(peakWat(form), { shared: false });
      assert.equal(WebAssembly.validate(bytes), form.fused ? wasmRelaxedSupported() : true, form.name);
    }
  });

  it('each turn of the loop is CHAINS multiply-adds of the form’s type', () => {
    for (const form of PEAK_FORMS) {
      const wat = peakWat(form);
      const loop = wat.slice(wat.indexOf('(loop'), wat.indexOf('(br_if'));
      const ops = form.fused ? [`${form.type}.relaxed_madd`] : [`${form.type}.mul`, `${form.type}.add`];
      for (const op of ops) assert.equal(loop.split(op).length - 1, CHAINS, `${form.name}: ${op} per turn`);
    }
  });

  it('a run reports a finite, positive GFLOP/s', async (t) => {
    if (!wasmSimdSupported()) return t.skip('this engine has no WebAssembly SIMD');
    const run = await peakRunner(PEAK_FORMS.find((f) => !f.fused)!);
    const rate = run();
    assert.ok(Number.isFinite(rate) && rate > 0, `rate ${rate}`);
  });

  it('a team runs the loop on every thread, each sample, and its workers end on stop', async (t) => {
    if (!wasmSimdSupported()) return t.skip('this engine has no WebAssembly SIMD');
    const form = PEAK_FORMS.find((f) => !f.fused)!;
    const turns = 1000;
    const team = await peakTeam(form, 3, turns);
    try {
      assert.equal(team.threads, 3);
      assert.equal(team.flops, 3 * turns * CHAINS * 2 * 2, 'f64x2: 2 lanes, 2 operations per multiply-add');
      assert.deepEqual(team.results(), [0, 0, 0], 'nothing has run before the first sample');
      const ms = team.run();
      assert.ok(Number.isFinite(ms) && ms > 0, `sample ${ms} ms`);
      // Every thread's sum of the same loop: equal, and what the loop computes,
      // CHAINS accumulators of turns products 1.0000001 · 0.9999999, lane 0.
      const [own, ...workers] = team.results();
      assert.ok(Math.abs(own - CHAINS * turns) < 1e-6 * CHAINS * turns, `the calling thread's sum ${own}`);
      for (const [w, sum] of workers.entries()) assert.equal(sum, own, `worker ${w + 1} ran the loop`);
      team.run();
      assert.deepEqual(team.results(), [own, own, own], 'a second sample runs on every thread too');
    } finally {
      await team.stop();
    }
  });

  it('a team of one thread starts no worker; a thread count that is not a positive integer is refused', async (t) => {
    if (!wasmSimdSupported()) return t.skip('this engine has no WebAssembly SIMD');
    const form = PEAK_FORMS.find((f) => !f.fused)!;
    const team = await peakTeam(form, 1, 100);
    team.run();
    assert.equal(team.results().length, 1);
    await team.stop();
    for (const threads of [0, 1.5, -1]) await assert.rejects(peakTeam(form, threads, 100), /threads must be a positive integer, got/);
  });
});
