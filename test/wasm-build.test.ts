/**
 * The committed WebAssembly (src/kernels/wasm/binary.ts) and its WAT are
 * exactly what `npm run build:wasm` makes from scripts/wasm-source.mjs: the
 * build is rebuilt here and compared byte for byte. Also: every variant
 * validates where the engine supports it, and the runtime picks one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { buildWasm } from '../scripts/build-wasm.mjs';
import { WASM_BINARIES } from '../src/kernels/wasm/binary.ts';
import { wasmRelaxedSupported, wasmSimdSupported } from '../src/kernels/wasm/runtime.ts';

describe('WebAssembly build', () => {
  it('rebuilding gives the committed files, byte for byte', async () => {
    const files: Record<string, string> = await buildWasm();
    assert.ok(Object.keys(files).length >= 3, 'the build writes the two WAT files and binary.ts');
    for (const [path, text] of Object.entries(files)) {
      assert.equal(readFileSync(path, 'utf8'), text, `${path} differs from a fresh build; run npm run build:wasm and commit`);
    }
  });

  it('the plain SIMD variants validate; relaxed ones where the engine has relaxed SIMD', (t) => {
    if (!wasmSimdSupported()) return t.skip('this engine has no WebAssembly SIMD');
    const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    assert.ok(WebAssembly.validate(bytes(WASM_BINARIES.simd)));
    assert.ok(WebAssembly.validate(bytes(WASM_BINARIES.simdUnshared)));
    assert.equal(WebAssembly.validate(bytes(WASM_BINARIES.relaxed)), wasmRelaxedSupported());
  });
});
