/**
 * The benchmark's peak probe (bench/peak.ts): its modules assemble and
 * validate, each turn of the loop is CHAINS multiply-adds (what the GFLOP/s
 * figure counts), and a run reports a finite positive rate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAINS, PEAK_FORMS, peakRunner, peakWat } from '../bench/peak.ts';
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
});
