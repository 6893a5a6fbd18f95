/**
 * What `npm install dnn` gives a user: the declarations a TypeScript program
 * compiles against (made here from src/, as `npm run build` makes them) and
 * the files `npm pack` puts in the tarball.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The .d.ts files tsconfig.build.json emits, in memory: path under dist/ -> text. */
function declarations(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  assert.ok(config, 'tsconfig.build.json parses');
  const out = new Map<string, string>();
  const program = ts.createProgram(config.fileNames, { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, sourceMap: false });
  const result = program.emit(undefined, (file, text) => out.set(file, text));
  assert.equal(result.emitSkipped, false);
  return out;
}

describe('declarations', () => {
  const dts = declarations();

  it('the WebAssembly binaries are typed as strings, not repeated as literal types in binary.d.ts', () => {
    const binary = [...dts].find(([file]) => file.endsWith('/kernels/wasm/binary.d.ts'));
    assert.ok(binary, 'binary.d.ts is emitted');
    assert.ok(binary[1].length < 2000, `binary.d.ts is ${binary[1].length} characters`);
  });

  it('a strict program with neither the DOM library nor Node\'s types compiles against them (skipLibCheck off)', () => {
    const consumer = join(ROOT, 'dist/__consumer__.ts');
    const source = [
      "import { Matrix, Model, RandomState, WasmRuntime, createWasmKernels, type FloatArray } from './index.ts';",
      "import * as browser from './browser.ts';",
      'const X: Matrix<FloatArray> = new RandomState(0).randn(2, 4);',
      "const model = new Model({ inputSize: 2, layers: [{ units: 1, activation: 'sigmoid' }] });",
      'export const out = [model.predict(X), WasmRuntime, createWasmKernels, browser.Model];',
    ].join('\n');
    const files = new Map(dts);
    files.set(consumer, source);
    const options: ts.CompilerOptions = {
      strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
      allowImportingTsExtensions: true, lib: ['lib.es2022.d.ts'], types: [],
    };
    const host = ts.createCompilerHost(options);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (f) => files.has(f) || (!f.startsWith(join(ROOT, 'dist/')) && fileExists.call(host, f));
    host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
    host.getSourceFile = (f, v, ...rest) => {
      const text = files.get(f);
      return text !== undefined ? ts.createSourceFile(f, text, v) : getSourceFile.call(host, f, v, ...rest);
    };
    const program = ts.createProgram([consumer], options, host);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${d.file.fileName.slice(ROOT.length + 1)})` : ''));
    assert.deepEqual(errors, []);
  });
});

describe('npm pack', () => {
  it('ships the compiled library, its declarations, the bin, the README and the licence; no source maps', (t) => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) return t.skip('dist/ is not built (npm run build)');
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [{ files }] = JSON.parse(r.stdout) as [{ files: { path: string; size: number }[] }];
    const paths = files.map((f) => f.path);
    const wanted = [
      'package.json', 'README.md', 'LICENSE', pkg.bin.dnn,
      ...Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
      'dist/cli/main.js',
    ].map((p) => p.replace(/^\.\//, ''));
    for (const p of wanted) assert.ok(paths.includes(p), `the tarball lacks ${p}`);
    assert.deepEqual(paths.filter((p) => p.endsWith('.map')), [], 'source maps point at src/, which is not shipped');
    assert.deepEqual(paths.filter((p) => !/^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$)/.test(p)), []);
    const large = files.filter((f) => f.size > 100_000 && f.path !== 'dist/kernels/wasm/binary.js').map((f) => `${f.path} ${f.size}`);
    assert.deepEqual(large, [], 'only the WebAssembly binaries are large');
  });

  it('the built package loads by its name from ESM and from CommonJS require, and its bin runs dist/', (t) => {
    if (!existsSync(join(ROOT, 'dist/index.js'))) return t.skip('dist/ is not built (npm run build)');
    const node = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
    const esm = node(['--input-type=module', '-e', "const d = await import('dnn'); const b = await import('dnn/browser'); console.log(typeof d.Model, typeof b.Model)"]);
    assert.equal(esm.stdout.trim(), 'function function', esm.stderr);
    const version = node([pkg.bin.dnn, '--version'], { DNN_USE_DIST: '1' });
    assert.equal(version.stdout.trim(), pkg.version, version.stderr);
    if (!(process.features as { require_module?: boolean }).require_module) return t.skip(`Node ${process.version} cannot require ES modules (20.19 and 22.12 can)`);
    const cjs = node(['-e', "const d = require('dnn'); console.log(typeof d.Model, typeof require('dnn/browser').Model)"]);
    assert.equal(cjs.stdout.trim(), 'function function', cjs.stderr);
  });
});
