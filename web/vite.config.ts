/**
 * Builds the playground (web/) into web/dist as static files.
 * `npm run web` serves the built files (scripts/serve-web.ts);
 * `npm run dev:web` runs Vite's dev server with live reload.
 */
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation, so the page may use shared WebAssembly memory
 * (threaded kernels); the static server sends the same headers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
});
