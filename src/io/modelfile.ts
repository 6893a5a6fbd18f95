/**
 * Model files on disk (Node): `writeModelFile` writes the bytes of
 * ./modelformat.ts atomically, `readModelFile` reads and checks them, both
 * with node:crypto's SHA-256. The format and its checks live in
 * ./modelformat.ts, which a browser page uses too.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.ts';
import type { FloatArray } from '../matrix.ts';
import { writeFileAtomic } from './atomic.ts';
import { checkModelFile, modelFileChunks, parseModelFile, type ModelFile, type ModelHeader } from './modelformat.ts';

export * from './modelformat.ts';

/**
 * Writes a model file atomically: the destination holds the old file or the
 * whole new one. Only a file `readModelFile` accepts is written: the header
 * is checked, the parameters must be finite and in the header's dtype.
 */
export function writeModelFile(path: string, header: ModelHeader, weights: FloatArray): void {
  checkModelFile(path, header, weights);
  writeFileAtomic(path, modelFileChunks(header, weights, createHash('sha256')));
}

/** Reads and validates a model file; every problem is a DataError naming the file. */
export function readModelFile(path: string): ModelFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: model file not found` : `${path}: cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
  return parseModelFile(bytes, path, createHash('sha256'));
}
