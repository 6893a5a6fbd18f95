/**
 * Atomic file writes: the bytes go to a temporary file in the destination's
 * directory, are flushed to disk (fsync), and the temporary file is then
 * renamed over the destination. A reader sees the old file or the complete
 * new one, never a partial one; on any failure the temporary file is removed
 * and the destination is untouched.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError } from '../errors.ts';

/**
 * Writes `chunks` to `path` atomically. `chunks` may be a generator: if it
 * throws partway, nothing is left behind.
 */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array | string>): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | undefined;
  try {
    try {
      fd = openSync(temp, 'wx', 0o644);
    } catch (e) {
      throw new DataError(`${path}: cannot be written (${describe(e)})`, { cause: e });
    }
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    if (e instanceof DataError) throw e;
    throw new DataError(`${path}: cannot be written (${describe(e)})`, { cause: e });
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable where the platform allows opening a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported everywhere (e.g. Windows); the data itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(err?.message ?? e);
}
