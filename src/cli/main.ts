/**
 * The `dnn` command: train, evaluate, predict, gradcheck, info.
 *
 * Exit codes: 0 success; 1 an unexpected failure (or a failed gradient
 * check); 2 bad input: a flag, a data file or a model file that cannot be
 * used (one line on stderr naming the problem); 3 training diverged (the cost
 * became NaN or infinite). Stack traces only with --debug.
 */
import { DataError, OptionError, ShapeError } from '../errors.ts';
import { Output } from './output.ts';
import { EVALUATE_FLAGS, GRADCHECK_FLAGS, helpText, INFO_FLAGS, PREDICT_FLAGS, TRAIN_FLAGS, type Flag } from './options.ts';
import { gradcheck } from './gradcheck.ts';
import { train, TrainingError } from './train.ts';
import { evaluate, info, predict } from './use.ts';
import { VERSION } from './version.ts';

interface Command {
  usage: string;
  summary: string;
  description: string;
  flags: Record<string, Flag>;
  run(args: string[], output: Output): Promise<number | void> | number | void;
  /** True when stdout carries the command's own plain output (not JSON Lines) unless --json is given. */
  plainStdout?(args: string[]): boolean;
}

const COMMANDS: Record<string, Command> = {
  train: {
    usage: 'dnn train [--data PATH] [--layers N0,...,NL] [options]',
    summary: 'train a network, print progress, save the model and a plot',
    description: 'Trains a fully-connected network. Without flags: the built-in MNIST digits (8,000 train / 2,000 test),\nlayers 784-128-64-10 (relu, softmax), He init, Adam, batches of 64, 5 epochs, seed 1.\nThe course application: dnn train --data DIR --layers 12288,20,7,5,1 --init lecun --lr 0.0075 --iterations 2500',
    flags: TRAIN_FLAGS,
    run: train,
  },
  evaluate: {
    usage: 'dnn evaluate MODEL [--data PATH]',
    summary: 'cost and accuracy of a saved model (on the test examples when the data has them)',
    description: 'Loads MODEL and reports its cost and accuracy on the data\'s test examples (or all examples when it has no test part).',
    flags: EVALUATE_FLAGS,
    run: evaluate,
  },
  predict: {
    usage: 'dnn predict MODEL [--data PATH] [--out FILE] [--probabilities]',
    summary: 'one prediction per line (or CSV with probabilities)',
    description: 'Writes the predicted label of every example, one per line (softmax: the class index, sigmoid: 0 or 1,\nlinear: the value); --probabilities writes CSV with the outputs too. A CSV file without a label column is accepted.',
    flags: PREDICT_FLAGS,
    run: predict,
    // Predictions to stdout are plain lines; JSON there (an error event) would end up among them.
    plainStdout: (args) => !args.some((a) => a === '--out' || a.startsWith('--out=')),
  },
  gradcheck: {
    usage: 'dnn gradcheck [--layers N0,...,NL] [--hidden ACT] [--output ACT] [--examples M] [--seed N] [--epsilon E]',
    summary: 'check backpropagation against finite differences (the course\'s gradient check)',
    description: 'Compares backpropagation\'s gradient with two-sided finite differences on a small random network.\nExit code 0 when the relative difference is below 2e-7, 1 otherwise.',
    flags: GRADCHECK_FLAGS,
    run: gradcheck,
  },
  info: {
    usage: 'dnn info MODEL',
    summary: 'what a model file holds: layers, dtype, training options, metrics',
    description: 'Prints the header of a model file after checking it in full (signature, version, length, checksum).',
    flags: INFO_FLAGS,
    run: info,
  },
};

export function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `dnn ${VERSION}: deep fully-connected neural networks, step by step as the course teaches them

Usage: dnn <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(w)}  ${c.summary}`).join('\n')}

Global options:
  -h, --help     help (dnn <command> --help for a command's options)
  -v, --version  print the version

Examples:
  dnn train                                   # MNIST 784-128-64-10, Adam, 5 epochs
  dnn train --out model.dnn --plot model.png  # ... and save the model and the cost curve
  dnn evaluate model.dnn
  dnn predict model.dnn --data digits.csv --probabilities
  dnn train --data ../shared/data/catvnoncat --layers 12288,20,7,5,1 --init lecun --lr 0.0075 --iterations 2500

Output is JSON Lines when stdout is not a terminal or with --json (predictions that dnn predict writes to stdout stay plain lines without --json).
Exit codes: 0 ok, 1 unexpected failure or failed gradient check, 2 bad input, 3 training diverged.
`;
}

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let output: Output | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      // A usage error: the text goes to stderr, stdout stays clean for JSON readers.
      process.stderr.write(usage());
      return 2;
    }
    if (first === 'help' && rest[0] !== undefined && COMMANDS[rest[0]]) {
      const c = COMMANDS[rest[0]];
      process.stdout.write(helpText(c.usage, c.description, c.flags));
      return 0;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(usage());
      return 0;
    }
    if (first === '--version' || first === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    // Before the command is known, so that even an unknown command ends JSON output with an error event.
    const command = COMMANDS[first];
    output = new Output({ json: rest.includes('--json'), text: rest.includes('--text') || Boolean(command?.plainStdout?.(rest)) });
    if (!command) {
      const known = Object.keys(COMMANDS).join(', ');
      throw new OptionError(first.startsWith('-') ? `${first} before a command; the command comes first: dnn <command> [options], the commands are ${known}` : `unknown command "${first}"; the commands are ${known} (see dnn --help)`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpText(command.usage, command.description, command.flags));
      return 0;
    }
    const code = await command.run(rest, output);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    output?.clearBar();
    const err = e as Error;
    const code = e instanceof DataError || e instanceof OptionError || e instanceof ShapeError ? 2 : e instanceof TrainingError ? 3 : 1;
    const message = oneLine(err?.message ?? String(e));
    output?.event('error', { message, code });
    process.stderr.write(`dnn: ${code === 1 && !(e instanceof TrainingError) ? `unexpected error: ${err?.name ?? 'Error'}: ` : ''}${message}\n`);
    if (debug && err?.stack) process.stderr.write(err.stack + '\n');
    else if (code === 1) process.stderr.write('dnn: run again with --debug for the stack trace\n');
    return code;
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

