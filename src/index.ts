/**
 * dnn: deep neural networks, step by step as the course teaches them.
 * Public API (re-exports only): the browser-safe API plus the file loaders.
 */
export * from './browser.ts';

// Data files (Node only)
export { loadCatData, type CatData } from './io/cat.ts';
export { loadImage } from './io/image.ts';
export { loadH5Dataset, type H5Dataset, type H5Options } from './io/h5.ts';
export { loadDataset, splitExamples, DATA_FORMATS, type Dataset, type DatasetOptions, type Split, type Layout } from './io/dataset.ts';
export { loadMnist, MNIST_CLASSES } from './io/mnist.ts';
export { loadCsv, type CsvOptions, type CsvTable } from './io/csv.ts';
export { readNpyFile, readNpzFile, parseNpy, type NdArray } from './io/npy.ts';

// Model files and plots
export { readModelFile, writeModelFile } from './io/modelfile.ts';
export { writeFileAtomic } from './io/atomic.ts';
export { renderPlotSvg, svgToPng, writePlot, type Series, type PlotOptions } from './plot/index.ts';
