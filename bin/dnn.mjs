#!/usr/bin/env node
// The `dnn` command. In a checkout of the repository (src/ and the tsx
// dev dependency present) it runs the TypeScript source, so `npx dnn` always
// matches the code; an installed package runs the compiled dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);

// `dnn ... | head` closing the pipe early is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

async function load() {
  if (existsSync(source) && process.env.DNN_USE_DIST !== '1') {
    try {
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
