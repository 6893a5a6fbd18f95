/**
 * The README's "In your own web page" example, run as written in headless
 * Chromium: bundled by esbuild with `dnn/browser` resolved to src/browser.ts,
 * served with and without cross-origin isolation. It trains, predicts, saves
 * (JSON + bytes, and a .dnn file) and loads back to the bit, with the cost
 * the README gives; and a network large enough to start the kernels' Web
 * Workers trains to the same bits on two threads (isolated) as on one (not
 * isolated). Skipped when Chromium is
 * not installed (apt-get install chromium).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromiumSkip as skip, runPage, servePage, type PageServer } from './browser-helpers.ts';

const root = new URL('..', import.meta.url).pathname;

/** The first ts block under the README's "### In your own web page". */
function readmeExample(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### In your own web page'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'README: no ts block under "### In your own web page"');
  return block[1];
}

// After the example: what it computed, then a network whose products are large enough for the workers.
const CHECKS = `
import { kernelsFor as kernelsFor_, Model as Model_, RandomState as RandomState_, Matrix as Matrix_ } from 'dnn/browser';
const bits = (a) => Array.from(new Uint32Array(Float64Array.from(a).buffer)).join(',');
const rng = new RandomState_(3), Xb = rng.randn(64, 600);
const Yb = Matrix_.from([1, 600], Array.from({ length: 600 }, (_, j) => Number(Xb.get(0, j) * Xb.get(1, j) > 0)));
const big = new Model_({ inputSize: 64, seed: 1, layers: [{ units: 256, activation: 'relu' }, { units: 64, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }] });
const history = big.fit(Xb, Yb, { epochs: 3, batchSize: 200, optimizer: 'adam', learningRate: 0.01, seed: 2 });
self.result = {
  isolated: self.crossOriginIsolated,
  lastCost: costs[costs.length - 1],
  reloaded: bits(same.predict(X).data) === bits(P.data),
  bytes: bytes.length,
  dnnFile: bits(again.predict(X).data) === bits(P.data) && header.parameterCount === 17,
  notAFile: (() => { try { parseModelFile(new TextEncoder().encode(json), 'upload.json'); return 'parsed'; } catch (e) { return e.message; } })(),
  workers: kernelsFor_('float64').runtime?.pool?.workers ?? 0,
  big: bits(big.parameters.data) + '|' + bits(history.costs),
};
`;

describe("README's web page example in Chromium", { skip }, () => {
  let server: PageServer;

  before(async () => {
    const { build } = await import('esbuild');
    const out = await build({
      stdin: { contents: `${readmeExample()}\n${CHECKS}`, resolveDir: root, loader: 'ts' },
      alias: { 'dnn/browser': `${root}src/browser.ts` },
      bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error',
    });
    server = await servePage(out.outputFiles[0].text);
  });
  after(() => server?.close());

  it('runs as written with and without isolation; the workers change no bit', async () => {
    server.isolate = true;
    const a = await runPage(server);
    server.isolate = false;
    const b = await runPage(server);
    console.log(`# isolated: cost ${a.lastCost}, ${a.workers} worker(s); not isolated: cost ${b.lastCost}, ${b.workers} worker(s)`);
    assert.equal(a.isolated, true);
    assert.equal(b.isolated, false);
    // The README's two figures: Node 20 and Chromium 150 give the second, other Chromium versions
    // the first (an engine's Math.exp and Math.log round in their own ways).
    assert.ok([0.44649214347913324, 0.4464921434791333].includes(a.lastCost), `the planar cost ${a.lastCost} is not one the README gives`);
    assert.equal(a.reloaded, true, 'fromSpec(JSON, bytes) predicts as the model');
    assert.equal(a.bytes, 17 * 8, '2-4-1: 17 float64 parameters');
    assert.equal(a.dnnFile, true, 'modelFileBytes -> parseModelFile -> fromSpec predicts as the model');
    assert.match(a.notAFile, /^upload\.json: not a dnn model file/);
    assert.equal(a.workers, 1, 'isolated: the large network started a Web Worker');
    assert.equal(b.workers, 0);
    assert.equal(b.lastCost, a.lastCost);
    assert.equal(b.big, a.big, 'parameters and costs of the large network: the same bits on two threads and on one');
  });
});
