/**
 * Node 20 keeps relaxed SIMD (fused multiply-add) behind a flag that browsers
 * and newer Node versions do not need: benchmarks restart themselves with it,
 * so dnn is measured as it runs there. `--plain` keeps plain SIMD.
 */
import { spawnSync } from 'node:child_process';
import { wasmRelaxedSupported } from '../src/index.ts';

export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/** Reruns this script under the flag where it is needed and accepted, and exits with its status. */
export function restartWithRelaxedSimd(): void {
  if (wasmRelaxedSupported() || process.argv.includes('--plain') || process.execArgv.includes(RELAXED_FLAG)) return;
  if (spawnSync(process.execPath, [RELAXED_FLAG, '-e', '0']).status !== 0) return;
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
