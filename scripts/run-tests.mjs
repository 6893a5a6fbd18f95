#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner (TypeScript through tsx).
// `node --test` neither expands globs nor finds .ts files by itself, so the files
// are listed here; finding none is an error, not a pass.
// Usage: node scripts/run-tests.mjs [file or directory ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      collect(join(path, name), out);
    }
  } else if (/\.test\.ts$/.test(path)) {
    out.push(path);
  }
  return out;
}

const targets = process.argv.slice(2);
const files = (targets.length ? targets : [join(root, 'test')]).flatMap((t) => collect(t, []));
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files found in ${targets.join(', ') || 'test/'}; refusing to report success`);
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files: ${files.map((f) => relative(root, f)).join(' ')}`);
// h5wasm before tsx: see load-h5wasm.mjs.
const preload = new URL('load-h5wasm.mjs', import.meta.url).pathname;
const result = spawnSync(process.execPath, ['--import', preload, '--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
