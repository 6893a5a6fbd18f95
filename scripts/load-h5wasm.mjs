// Loaded before tsx by scripts/run-tests.mjs (node --import ./scripts/load-h5wasm.mjs --import tsx):
// tsx passes every module loaded after it through its transform, h5wasm's 4 MB
// Emscripten module too, which took 4.4 s and 700 MB in each test process that
// reads HDF5 on the project's machine, where Node loads it in 0.35 s. Loaded
// first, it is Node's cached module when src/io/h5.ts imports it.
await import('h5wasm/node');
