/**
 * The relaxed-SIMD (fused multiply-add) kernels through the same conformance
 * suite. Node 20 keeps relaxed SIMD behind a flag, so this runs
 * test/kernels-conformance.test.ts in a child Node with
 * --experimental-wasm-relaxed-simd (where that engine accepts the flag) for
 * the relaxed implementations only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { wasmRelaxedSupported } from '../src/kernels/wasm/runtime.ts';

const root = new URL('..', import.meta.url).pathname;

describe('relaxed-SIMD kernels', () => {
  it('pass the conformance suite (fused multiply-add within the float bounds, bit-identical across threads)', (t) => {
    if (wasmRelaxedSupported()) return t.skip('relaxed SIMD is on in this engine: test/kernels-conformance.test.ts covers it directly');
    const probe = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '0'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip(`this Node does not accept --experimental-wasm-relaxed-simd: ${probe.stderr.trim()}`);
    // Without the parent runner's NODE_TEST_CONTEXT, the child runs the file as a test run of its own.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '--test', '--test-reporter=spec', 'test/kernels-conformance.test.ts'], {
      cwd: root, encoding: 'utf8', env: { ...env, DNN_CONFORMANCE_RELAXED_ONLY: '1' }, maxBuffer: 1 << 26,
    });
    const out = r.stdout + r.stderr;
    for (const line of out.split('\n')) if (line.startsWith('#   ')) console.log(line);
    assert.equal(r.status, 0, `conformance with relaxed SIMD failed:\n${out.slice(-4000)}`);
    assert.match(out, /wasm-relaxed-simd/, 'the child ran no relaxed implementation');
    assert.doesNotMatch(out, /relaxed SIMD is not enabled/, 'the child did not have relaxed SIMD');
  });
});
