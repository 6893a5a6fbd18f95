/**
 * Typed errors. Each message names what is wrong (function, operand, file,
 * field, option) with its value and the rule it breaks, in the course's terms.
 */

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
