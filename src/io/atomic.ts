/**
 * Atomic file writes: the bytes go to a temporary file in the destination's
 * directory, are flushed to disk (fsync), and the temporary file is then
 * renamed over the destination. A reader sees the old file or the complete
 * new one, never a partial one; on any failure the temporary file is removed
 * and the destination is untouched.
 */
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError } from '../errors.ts';

/**
 * Writes `chunks` to `path` atomically. `chunks` may be a generator: if it
 * throws partway, nothing is left behind.
 */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array | string>): void {
  const target = destination(path);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
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
    renameSync(temp, target);
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

/**
 * The file a write to `path` replaces: the target of a symlink (renaming over
 * the link would replace the link itself), else `path`. A directory, or a
 * parent that is missing or not a directory, is a DataError saying so.
 */
function destination(path: string): string {
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    // a new file (or a dangling link): written where it is named
  }
  if (existsSync(target) && statSync(target).isDirectory()) throw new DataError(`${path}: is a directory; give a file name`);
  const dir = dirname(resolve(target));
  if (!existsSync(dir)) throw new DataError(`${path}: directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new DataError(`${path}: ${dir} is not a directory`);
  return target;
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
