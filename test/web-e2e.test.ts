/**
 * End to end: builds the playground, serves the built files on 127.0.0.1 and
 * drives them in headless Chromium (playwright-core with the system
 * Chromium). A learner's path: the flower dataset, a second hidden layer
 * (the dimension table follows), train until the cost has fallen and the
 * test accuracy reaches 0.85, within a bounded number of updates; Adam with
 * mini-batches and L2; keyboard
 * use, the Chinese toggle, a phone-sized viewport; no console errors.
 * Screenshots go to tmp/web-e2e/ (not committed).
 *
 * Skips, saying how to install Chromium, when /usr/bin/chromium is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { serveStatic, WEB_DIST } from '../scripts/serve-web.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = new URL('..', import.meta.url).pathname;
const SHOTS = join(ROOT, 'tmp/web-e2e');
/** Updates allowed for the flower with two hidden layers to reach the target. */
const MAX_ITERATIONS = 3000;
const TARGET_TEST_ACCURACY = 0.85;

const skip = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH) to run the playground's end-to-end test`;

describe('playground in headless Chromium', { skip, timeout: 240_000 }, () => {
  let browser: Browser;
  let page: Page;
  let close: () => void = () => {};
  const problems: string[] = [];

  before(async () => {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
    const { server, url } = await serveStatic(WEB_DIST);
    close = () => server.close();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    await page.goto(url);
    // Loaded = the first snapshot from the worker is on screen.
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    const ms = await page.evaluate(() => performance.now());
    console.log(`playground: first snapshot drawn ${ms.toFixed(0)} ms after navigation (built files, 127.0.0.1)`);
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    close();
  });

  it('the bundle contains no Node built-in and no HDF5 reader', () => {
    const files = readdirSync(join(WEB_DIST, 'assets')).filter((f) => f.endsWith('.js'));
    assert.ok(files.length >= 2, `expected a page bundle and a worker bundle in web/dist/assets, found ${files.join(', ')}`);
    for (const f of files) {
      const text = readFileSync(join(WEB_DIST, 'assets', f), 'utf8');
      assert.doesNotMatch(text, /["']node:[a-z]+["']|h5wasm/, `${f} must not reference Node built-ins or h5wasm`);
    }
  });

  it('shows the tutorial dimension table for the network, and again right after a layer is added', async () => {
    await page.selectOption('#dataset', 'spiral');
    await page.waitForFunction(() => document.getElementById('noise-value')?.textContent === '0.15');
    await page.selectOption('#dataset', 'flower');
    assert.equal(await page.textContent('#noise-value'), '0.20', "the flower's noise is the course's 0.2");
    assert.deepEqual(await dimsTable(page), [['1', '(4, 2)', '(4, 1)', '(4, 280)', '(4, 280)', '(4, 2)', '(4, 1)'], ['2', '(1, 4)', '(1, 1)', '(1, 280)', '(1, 280)', '(1, 4)', '(1, 1)']]);
    await page.click('#add-layer');
    assert.deepEqual(await dimsTable(page), [
      ['1', '(4, 2)', '(4, 1)', '(4, 280)', '(4, 280)', '(4, 2)', '(4, 1)'],
      ['2', '(4, 4)', '(4, 1)', '(4, 280)', '(4, 280)', '(4, 4)', '(4, 1)'],
      ['3', '(1, 4)', '(1, 1)', '(1, 280)', '(1, 280)', '(1, 4)', '(1, 1)'],
    ]);
    // A wider second layer changes W[2], b[2], Z[2], A[2] and W[3].
    await page.click('button[aria-label="More units in layer 2"]');
    const rows = await dimsTable(page);
    assert.deepEqual(rows[1], ['2', '(5, 4)', '(5, 1)', '(5, 280)', '(5, 280)', '(5, 4)', '(5, 1)']);
    assert.deepEqual(rows[2], ['3', '(1, 5)', '(1, 1)', '(1, 280)', '(1, 280)', '(1, 5)', '(1, 1)']);
    await page.click('button[aria-label="Fewer units in layer 2"]');
    assert.equal(await page.locator('#layers li').count(), 2);
    // A new test share changes m at once, before the worker has made the new split.
    const m = await page.evaluate(() => {
      const share = document.getElementById('test-share') as HTMLInputElement;
      share.value = '50';
      share.dispatchEvent(new Event('change'));
      return [document.querySelector('#dims tbody td:nth-child(4)')?.textContent, document.getElementById('dims-intro')?.textContent?.match(/m = \d+/)?.[0]];
    });
    assert.deepEqual(m, ['(4, 200)', 'm = 200'], 'test share 50%: m = 200 training examples');
    await page.fill('#test-share', '30');
    await page.dispatchEvent('#test-share', 'change');
    await page.waitForFunction(() => document.body.dataset.state === 'ready');
    assert.equal((await dimsTable(page))[0][3], '(4, 280)');
  });

  it('trains the flower with two hidden layers: the cost falls and the test accuracy reaches 0.85', async () => {
    // data-state is "ready" once the snapshot of the current configuration is on screen.
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('iteration')?.textContent === '0');
    const start = Number(await page.textContent('#train-cost'));
    assert.ok(start > 0.3 && Number.isFinite(start), `cost at iteration 0 should be near ln 2, shown ${start}`);
    await page.click('#play');
    const seen = await page.waitForFunction(
      // No named functions inside: tsx would wrap them in a helper the page does not have.
      ([target, max, startCost]) => {
        const [it, cost, acc] = ['iteration', 'train-cost', 'test-accuracy'].map((id) => Number(document.getElementById(id)?.textContent));
        if ((acc >= target && cost < startCost) || it >= max) return { it, cost, acc };
        return false;
      },
      [TARGET_TEST_ACCURACY, MAX_ITERATIONS, start] as const,
      { timeout: 180_000, polling: 'raf' },
    );
    const { it: iteration, cost, acc } = (await seen.jsonValue()) as { it: number; cost: number; acc: number };
    await page.click('#play'); // pause
    console.log(`flower, 2 hidden layers: cost ${start} -> ${cost}, test accuracy ${acc} at iteration ${iteration}`);
    assert.ok(cost < start, `cost shown ${cost} should fall below its start ${start}`);
    assert.ok(acc >= TARGET_TEST_ACCURACY, `test accuracy shown ${acc} should reach ${TARGET_TEST_ACCURACY} within ${MAX_ITERATIONS} updates (iteration ${iteration})`);
    assert.ok(iteration < MAX_ITERATIONS);
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
    await page.screenshot({ path: join(SHOTS, 'playground-1280x800.png') });
  });

  it('trains with Adam, mini-batches and L2 as well', async () => {
    await page.selectOption('#optimizer', 'adam');
    await page.selectOption('#learning-rate', '0.03');
    await page.selectOption('#batch-size', '32');
    await page.selectOption('#l2', '0.01');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('iteration')?.textContent === '0');
    assert.match((await page.textContent('#dims-batch')) ?? '', /mini-batch of 32 examples/);
    const start = Number(await page.textContent('#train-cost'));
    await page.click('#play');
    await page.waitForFunction(() => Number(document.getElementById('iteration')?.textContent) >= 300, undefined, { timeout: 120_000 });
    await page.click('#play');
    const cost = Number(await page.textContent('#train-cost'));
    console.log(`flower, Adam, batch 32, L2 0.01: cost ${start} -> ${cost}`);
    assert.ok(cost < start, `cost ${cost} should fall below ${start}`);
    await page.selectOption('#optimizer', 'gd');
    await page.selectOption('#learning-rate', '1.2');
    await page.selectOption('#batch-size', '0');
    await page.selectOption('#l2', '0');
  });

  it('says when the network diverges, shows no NaN or Infinity, and starts over on Reset', async () => {
    // Two linear hidden layers with α = 3: the cost overflows within a few dozen updates.
    for (const l of [1, 2]) await page.selectOption(`#layers li:nth-child(${l}) select`, 'linear');
    await page.selectOption('#learning-rate', '3');
    await page.waitForFunction(() => document.body.dataset.state === 'ready' && document.getElementById('iteration')?.textContent === '0');
    await page.click('#play');
    await page.waitForFunction(() => /diverged/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('play')?.getAttribute('aria-pressed') === 'false');
    const metrics = await page.$$eval('.metrics dd', (dd) => dd.map((d) => d.textContent ?? ''));
    assert.equal(metrics.length, 4);
    for (const text of metrics) assert.doesNotMatch(text, /NaN|Infinity|undefined/, `a metric shows "${text}" after divergence`);
    await page.screenshot({ path: join(SHOTS, 'playground-diverged.png') });
    await page.click('#reset');
    await page.waitForFunction(() => document.getElementById('iteration')?.textContent === '0');
    assert.equal(await page.textContent('#status'), '');
    assert.ok(Number.isFinite(Number(await page.textContent('#train-cost'))), 'Reset gives a finite cost again');
    for (const l of [1, 2]) await page.selectOption(`#layers li:nth-child(${l}) select`, 'tanh');
    await page.selectOption('#learning-rate', '1.2');
  });

  it('is keyboard operable: Step and Reset work from the keyboard', async () => {
    const before = Number(await page.textContent('#iteration'));
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => Number(document.getElementById('iteration')?.textContent) === n + 1, before);
    await page.keyboard.press('Shift+Tab'); // Play
    await page.keyboard.press('Shift+Tab'); // Reset
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reset');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.getElementById('iteration')?.textContent === '0');
    // The focus stays in the layer list when its control is disabled or removed.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id);
    await page.focus('button[aria-label="More units in layer 2"]');
    for (let units = 4; units < 16; units++) await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#layers li:nth-child(2) input'), '16');
    assert.equal(await focused(), 'Layer 2: Units', '+ is disabled at 16 units: the focus moves to the units field');
    await page.focus('button[aria-label="Remove layer 2"]');
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'Remove layer 1', 'the last layer removed: the focus moves to the one before');
    await page.click('#add-layer');
    assert.deepEqual((await dimsTable(page)).map((r) => r[1]), ['(4, 2)', '(4, 4)', '(1, 4)']);
  });

  it('keeps the seed and the units when their fields are emptied or given something that is not a seed', async () => {
    assert.equal(await page.inputValue('#seed'), '1');
    for (const typed of ['', '-3', '2.5', '4294967296']) {
      await page.fill('#seed', typed);
      await page.dispatchEvent('#seed', 'change');
      assert.equal(await page.inputValue('#seed'), '1', `after typing "${typed}"`);
    }
    await page.fill('#layers li:nth-child(1) input', '');
    await page.dispatchEvent('#layers li:nth-child(1) input', 'change');
    assert.equal(await page.inputValue('#layers li:nth-child(1) input'), '4', 'an emptied units field keeps the units');
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready', 'no restart');
  });

  it('shows every choice of every list whole, in English and Chinese', async () => {
    // A closed <select> cuts its text at its width: measure each option in the select's font
    // against the room left by the padding and the arrow (about 20 px).
    for (const lang of ['en', 'zh']) {
      if ((await page.getAttribute('html', 'lang'))?.startsWith(lang) !== true) await page.click('#lang');
      const cut = await page.evaluate(() => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        const out: string[] = [];
        for (const s of Array.from(document.querySelectorAll('select'))) {
          const style = getComputedStyle(s);
          ctx.font = `${style.fontSize} ${style.fontFamily}`;
          const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
          for (const o of Array.from(s.options)) if (ctx.measureText(o.text).width > room) out.push(`${s.id || s.getAttribute('aria-label')}: "${o.text}"`);
        }
        return out;
      });
      assert.deepEqual(cut, [], `choices cut off at 1280 px (${lang})`);
    }
    await page.click('#lang');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
  });

  it('switches to Chinese and back', async () => {
    await page.click('#lang');
    assert.equal(await page.textContent('h1'), 'dnn 演练场');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('#dims-heading'), '核对矩阵的维数');
    await page.screenshot({ path: join(SHOTS, 'playground-zh.png') });
    await page.click('#lang');
    assert.equal(await page.textContent('h1'), 'dnn playground');
  });

  it('fits a phone-sized viewport without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
    await page.screenshot({ path: join(SHOTS, 'playground-390x844.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('fits a tablet-sized viewport: layer rows stay in their box, the decision boundary within the screen', async () => {
    // Between the phone and the three-column layout the editor is one of two columns and the output panel spans the page.
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.waitForTimeout(200);
    const { outside, boundary } = await page.evaluate(() => {
      const outside: string[] = [];
      for (const li of Array.from(document.querySelectorAll('#layers li'))) {
        const box = li.getBoundingClientRect();
        for (const c of Array.from(li.querySelectorAll('button, select, input'))) {
          if (c.getBoundingClientRect().right > box.right + 0.5) outside.push(c.getAttribute('aria-label') ?? c.tagName);
        }
      }
      return { outside, boundary: document.getElementById('boundary')!.getBoundingClientRect().height };
    });
    assert.deepEqual(outside, [], 'controls sticking out of their layer row');
    assert.ok(boundary <= 800, `the decision boundary is ${boundary}px tall in an 800px viewport`);
    await page.screenshot({ path: join(SHOTS, 'playground-1000x800.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logged no console error, warning or failed request', () => {
    assert.deepEqual(problems, []);
  });
});

async function dimsTable(page: Page): Promise<string[][]> {
  return page.$$eval('#dims tbody tr', (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent ?? '')));
}
