/**
 * Checks of the training options a Model shares between fit, cost and
 * gradients; each error names the option and the values it allows.
 */
import { OptionError } from '../errors.ts';

/**
 * Checks that `options` is an object (or undefined) with no key outside
 * `known`: a misspelt option (lambd, keep_prob, dtpye) would otherwise be
 * ignored and the call run with the default. `what` names the argument.
 * @returns the options, `{}` for undefined
 */
export function checkOptionKeys<O extends object>(fn: string, options: O | undefined, known: readonly string[], what = 'options'): O {
  if (options === undefined) return {} as O;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${fn}: ${what} is ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}; give an object with ${known.join(', ')}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new OptionError(`${fn}: unknown option "${key}" in ${what}; the options are ${known.join(', ')}`);
  }
  return options;
}

/** λ of the L2 term: a finite number ≥ 0 (0 = none). */
export function checkL2(fn: string, l2: unknown): number {
  if (l2 === undefined) return 0;
  if (typeof l2 !== 'number' || !(l2 >= 0) || !Number.isFinite(l2)) throw new OptionError(`${fn}: l2 is ${String(l2)}; it must be a finite number ≥ 0 (the course's lambd, e.g. 0.7)`);
  return l2;
}

/** keepProb as one number for every hidden layer or one per hidden layer, each in (0, 1]. */
export function checkKeepProb(fn: string, keepProb: unknown, L: number): number[] {
  const hidden = L - 1;
  if (keepProb === undefined) return new Array<number>(hidden).fill(1);
  const inRange = (p: unknown) => typeof p === 'number' && p > 0 && p <= 1;
  if (typeof keepProb === 'number') {
    if (!inRange(keepProb)) throw new OptionError(`${fn}: keepProb is ${keepProb}; a keep probability must be in (0, 1] (1 keeps every unit)`);
    if (hidden === 0 && keepProb < 1) throw new OptionError(`${fn}: keepProb is ${keepProb} but the model has no hidden layer; dropout applies to hidden layers only`);
    return new Array<number>(hidden).fill(keepProb);
  }
  if (!Array.isArray(keepProb) || keepProb.length !== hidden) {
    throw new OptionError(`${fn}: keepProb is ${JSON.stringify(keepProb)}; give one number in (0, 1] or ${hidden} (one per hidden layer)`);
  }
  keepProb.forEach((p, i) => {
    if (!inRange(p)) throw new OptionError(`${fn}: keepProb[${i}] is ${String(p)}; a keep probability must be in (0, 1] (1 keeps every unit)`);
  });
  return [...keepProb];
}
