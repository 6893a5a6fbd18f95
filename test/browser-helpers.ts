/**
 * Headless Chromium for the browser tests: a bundled module served as a page
 * (with or without cross-origin isolation, under an optional
 * Content-Security-Policy) and run until it sets `self.result`.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The reason to skip a browser test, or undefined when Chromium is installed. */
export const chromiumSkip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;

/** A page at http://127.0.0.1:port/ loading one module; `isolate` and `csp` apply to the next request. */
export interface PageServer {
  port: number;
  isolate: boolean;
  csp: string | undefined;
  close(): void;
}

export async function servePage(bundle: string): Promise<PageServer> {
  const page: PageServer = { port: 0, isolate: true, csp: undefined, close: () => server.close() };
  const server = http.createServer((req, res) => {
    const headers: Record<string, string> = page.isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (page.csp) headers['Content-Security-Policy'] = page.csp;
    if (req.url === '/page.js') res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end('<!doctype html><script type="module" src="/page.js"></script>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  page.port = (server.address() as AddressInfo).port;
  return page;
}

/** Opens the page in a new headless Chromium and returns its `self.result`; an uncaught error in the page fails. */
export async function runPage(server: PageServer): Promise<any> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const failed = new Promise<void>((resolve) => page.on('pageerror', (e) => { errors.push(e.message); resolve(); }));
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await Promise.race([page.waitForFunction(() => (self as any).result !== undefined, null, { timeout: 60000 }), failed]);
    assert.deepEqual(errors, []);
    return await page.evaluate(() => (self as any).result);
  } finally {
    await browser.close();
  }
}
