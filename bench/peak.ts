/**
 * The most one core can do with WebAssembly SIMD here: a loop of independent
 * multiply-adds on registers only (no memory traffic), in the forms the
 * kernels use: f64x2 / f32x4, fused (relaxed SIMD) or multiply then add.
 * GEMM GFLOP/s in the benchmark read against these figures; no product can
 * pass them, whatever its blocking.
 *
 * Each turn of the loop makes CHAINS independent updates acc[i] = acc[i] + x·y
 * (enough chains to cover the multiply-add latency: with 8 the measured rate
 * is lower, with 12 V8 spills registers).
 */
// @ts-ignore: plain ESM without types
import { assemble } from '../scripts/wasm-source.mjs';

export const CHAINS = 10;
const TURNS = 20_000_000;

export interface PeakForm {
  name: string;
  type: 'f64x2' | 'f32x4';
  fused: boolean;
}

export const PEAK_FORMS: PeakForm[] = [
  { name: 'float64 (f64x2), fused multiply-add', type: 'f64x2', fused: true },
  { name: 'float64 (f64x2), multiply then add', type: 'f64x2', fused: false },
  { name: 'float32 (f32x4), fused multiply-add', type: 'f32x4', fused: true },
  { name: 'float32 (f32x4), multiply then add', type: 'f32x4', fused: false },
];

/** The probe's module: one exported run(turns), CHAINS multiply-adds per turn. */
export function peakWat({ type, fused }: PeakForm): string {
  const scalar = type.slice(0, 3);
  const acc = (i: number) => `$a${i}`;
  const update = (i: number) => fused
    ? `(local.set ${acc(i)} (${type}.relaxed_madd (local.get $x) (local.get $y) (local.get ${acc(i)})))`
    : `(local.set ${acc(i)} (${type}.add (local.get ${acc(i)}) (${type}.mul (local.get $x) (local.get $y))))`;
  let sum = `(local.get ${acc(0)})`;
  for (let i = 1; i < CHAINS; i++) sum = `(${type}.add ${sum} (local.get ${acc(i)}))`;
  return `(module
  (func (export "run") (param $n i32) (result ${scalar})
    ${Array.from({ length: CHAINS }, (_, i) => `(local ${acc(i)} v128)`).join(' ')} (local $x v128) (local $y v128)
    (local.set $x (${type}.splat (${scalar}.const 1.0000001)))
    (local.set $y (${type}.splat (${scalar}.const 0.9999999)))
    (loop $l
      ${Array.from({ length: CHAINS }, (_, i) => update(i)).join('\n      ')}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (${type}.extract_lane 0 ${sum})))
`;
}

/** A timed run of one form: GFLOP/s (2 per multiply-add per lane). */
export async function peakRunner(form: PeakForm): Promise<() => number> {
  const bytes = await assemble(peakWat(form), { shared: false });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes)) as unknown as { exports: { run(n: number): number } };
  exports.run(TURNS / 20); // compiled and warm
  const lanes = form.type === 'f64x2' ? 2 : 4;
  return () => {
    const t0 = performance.now();
    exports.run(TURNS);
    return (TURNS * CHAINS * lanes * 2) / ((performance.now() - t0) * 1e6);
  };
}
