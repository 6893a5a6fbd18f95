/**
 * Typed errors. Each message names what is wrong (function, operand, file,
 * field, option) with its value and the rule it breaks, in the course's terms.
 */

/** A value as a message shows it: a string in quotes (so "2" is not read as 2), anything else as String gives it. */
export function showValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A type's name with its article: "a Float64Array", "an Int32Array". */
export function withArticle(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** A matrix does not have the shape a function needs. The message names the function, the operands, their shapes and the rule. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Input data is unusable: a missing or malformed file, NaN or Infinity, labels that do not fit. */
export class DataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** An option has a value outside what it allows; the message names the option and the allowed values. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/**
 * Training stopped because the cost stopped being a finite number: the
 * parameters diverged, almost always because the learning rate is too large.
 * An OptionError, since the option that fixes it is the learning rate.
 */
export class DivergenceError extends OptionError {
  /**
   * The cost that was not finite (NaN or ±Infinity); when fit's last update
   * left a parameter so (no later cost would show it), that parameter's value.
   */
  readonly cost: number;
  /** The update (0-based) whose forward pass gave it, or whose update made the parameter so. */
  readonly iteration: number;
  readonly learningRate: number;

  constructor(message: string, details: { cost: number; iteration: number; learningRate: number }) {
    super(message);
    this.name = 'DivergenceError';
    this.cost = details.cost;
    this.iteration = details.iteration;
    this.learningRate = details.learningRate;
  }
}
