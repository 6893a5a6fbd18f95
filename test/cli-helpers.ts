/**
 * Helpers for tests that run the real `dnn` command (bin/dnn.mjs) in a child
 * process, and small datasets they write into a temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RandomState } from '../src/index.ts';

const here = new URL('.', import.meta.url).pathname;
export const ROOT = resolve(here, '..');
export const BIN = join(ROOT, 'bin/dnn.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `dnn ...args` in `cwd` with stdout and stderr piped (so output is JSON Lines unless --text), `env` added to the environment. */
export function dnn(args: string[], cwd: string = ROOT, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** JSON Lines of stdout, each parsed (a line that does not parse fails the test where it is used). */
export function events(stdout: string): Record<string, any>[] {
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

export function tempDir(): { dir: string; files(): string[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dnn-cli-'));
  return { dir, files: () => readdirSync(dir).sort(), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A small two-class problem: m points with 2 features from a seeded Gaussian,
 * label 1 when x1 + 2·x2 > 0. Returned as CSV text with header x1,x2,label.
 */
export function blobsCsv(m = 60, seed = 0): string {
  const rng = new RandomState(seed);
  const lines = ['x1,x2,label'];
  for (let j = 0; j < m; j++) {
    const a = rng.standardNormal(), b = rng.standardNormal();
    lines.push(`${a},${b},${a + 2 * b > 0 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

/** Three classes by the angle of a seeded Gaussian point: header x1,x2,label, labels 0/1/2. */
export function threeClassCsv(m = 60, seed = 0): string {
  const rng = new RandomState(seed);
  const lines = ['x1,x2,label'];
  for (let j = 0; j < m; j++) {
    const a = rng.standardNormal(), b = rng.standardNormal();
    const c = Math.floor(((Math.atan2(b, a) + Math.PI) / (2 * Math.PI)) * 3) % 3;
    lines.push(`${a},${b},${c}`);
  }
  return lines.join('\n') + '\n';
}

export function write(dir: string, name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
