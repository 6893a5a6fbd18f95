/**
 * dnn: deep neural networks, step by step as the course teaches them.
 * Public API (re-exports only): the browser-safe API plus the file loaders.
 */
export * from './browser.ts';

// Data files (Node only)
export { loadCatData, type CatData } from './io/cat.ts';
export { loadH5Dataset, type H5Dataset, type H5Options } from './io/h5.ts';
