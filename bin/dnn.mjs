#!/usr/bin/env node
// The `dnn` command. In a checkout of the repository (src/ and the tsx
// dev dependency present) it runs the TypeScript source, so `npx dnn` always
// matches the code; an installed package runs the compiled dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

// `dnn ... | head` closing the pipe early is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/**
 * Whether an argument is an HDF5 file or a folder holding one. tsx runs every
 * module loaded after it through its transform, h5wasm's 4 MB Emscripten
 * module too: 4.4 s and 700 MB of memory on the project's machine, where Node
 * loads it in 0.35 s. Loaded before tsx, it is Node's cached module when the
 * source asks for it.
 */
function namesHdf5(args) {
  return args.some((arg) => {
    try {
      if (arg.endsWith('.h5')) return true;
      return statSync(arg).isDirectory() && readdirSync(arg).some((name) => name.endsWith('.h5'));
    } catch {
      return false;
    }
  });
}

async function load() {
  if (existsSync(source) && process.env.DNN_USE_DIST !== '1') {
    try {
      if (namesHdf5(process.argv.slice(2))) await import('h5wasm/node').catch(() => {});
      const { register } = await import('tsx/esm/api');
      register();
      return await import(source.href);
    } catch (e) {
      if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('tsx')) throw e;
    }
  }
  if (!existsSync(compiled)) {
    process.stderr.write('dnn: dist/ is missing; run npm run build (or npm ci) first\n');
    process.exit(1);
  }
  return import(compiled.href);
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
