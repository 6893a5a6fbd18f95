/**
 * src/browser.ts is what the playground bundles: walking its static and
 * dynamic imports must reach no Node built-in and no HDF5 reader, and it must
 * export everything src/index.ts does except the file loaders.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { it } from 'node:test';
import * as browser from '../src/browser.ts';
import * as index from '../src/index.ts';

const SRC = new URL('../src/', import.meta.url).pathname;
const NODE_ONLY = [
  'loadCatData', 'loadImage', 'loadH5Dataset',
  // datasets, model files and PNG plots read and write files
  'loadDataset', 'splitExamples', 'DATA_FORMATS', 'loadMnist', 'MNIST_CLASSES', 'loadCsv', 'readNpyFile', 'readNpzFile', 'parseNpy',
  'readModelFile', 'writeModelFile', 'writeFileAtomic', 'svgToPng', 'writePlot',
];

/** Every module specifier reachable from `entry`, with the file that imports it. */
function reachable(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!found.has(spec)) found.set(spec, file);
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
    }
  };
  visit(entry);
  return found;
}

it('src/browser.ts reaches no Node built-in and no h5wasm', () => {
  const specs = reachable(resolve(SRC, 'browser.ts'));
  assert.ok(specs.size > 10, `expected the walk to find the library's modules, found ${specs.size}`);
  const bad = [...specs].filter(([s]) => !s.startsWith('.'));
  assert.deepEqual(bad.map(([s, file]) => `${s} (imported by ${file.slice(SRC.length)})`), [], 'browser entry must import only relative modules');
  // The walk does see Node-only modules from the full entry point.
  const all = [...reachable(resolve(SRC, 'index.ts')).keys()];
  assert.ok(all.some((s) => s.startsWith('node:')), 'the walk should find node: imports from src/index.ts');
});

it('src/browser.ts exports all of src/index.ts but the file loaders', () => {
  const missing = Object.keys(index).filter((k) => !(k in browser) && !NODE_ONLY.includes(k));
  assert.deepEqual(missing, []);
  for (const k of NODE_ONLY) assert.ok(!(k in browser), `${k} reads files and must stay out of the browser entry`);
});
