// vega and vega-lite for rendering in Node (charts, report pages), loaded once
// per thread from one bundled script, dist/output/vega-node.cjs (built by
// scripts/bundle.mjs): the packages themselves are ~300 modules, and
// resolving and compiling them file by file costs a thread ~0.15 s more.
//
// The script is compiled with V8's code cache, dist/output/vega-node.cache,
// which the build writes after rendering a set of charts: it holds the bytecode
// of every function those renders ran, so a thread skips most of vega's
// parsing and lazy compilation (~0.1 s of CPU per thread). V8 checks the cache
// against its version and flags and, if it does not match, compiles afresh.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { builtSibling } from '../base/distPath.js';

export type VegaModules = [typeof import('vega-lite'), typeof import('vega')];

let modules: Promise<VegaModules> | null = null;

export function loadVega(): Promise<VegaModules> {
  modules ??= Promise.resolve().then(() => compileVega(true).modules);
  return modules;
}

const bundlePath = (): string => builtSibling(import.meta.url, 'vega-node.cjs');
const cachePath = (): string => bundlePath().replace(/\.cjs$/, '.cache');

function compileVega(useCache: boolean): { script: Script; modules: VegaModules } {
  const path = bundlePath();
  let cachedData: Buffer | undefined;
  if (useCache) {
    try {
      cachedData = readFileSync(cachePath());
    } catch {
      cachedData = undefined;
    }
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`;
  const script = new Script(source, { filename: path, cachedData });
  const module = { exports: {} as { vl: VegaModules[0]; vega: VegaModules[1] } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(path), module, path, dirname(path));
  return { script, modules: [module.exports.vl, module.exports.vega] };
}

/**
 * Build step (scripts/bundle.mjs): compiles the bundle without a cache, runs
 * `exercise` with it (rendering charts), and writes the code cache of all it ran.
 */
export async function writeVegaCodeCache(exercise: (vega: VegaModules) => Promise<void>): Promise<void> {
  const { script, modules: loaded } = compileVega(false);
  modules = Promise.resolve(loaded);
  await exercise(loaded);
  writeFileSync(cachePath(), script.createCachedData());
}
