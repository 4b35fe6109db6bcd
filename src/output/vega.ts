// vega and vega-lite for rendering in Node (charts, report pages), loaded once
// per thread from one bundled ES module, dist/output/vega-node.js (built by
// scripts/bundle-vega.mjs): the packages themselves are ~300 modules, and
// resolving and compiling them file by file costs a thread ~0.15 s more.
import { pathToFileURL } from 'node:url';
import { builtSibling } from '../base/distPath.js';

export type VegaModules = [typeof import('vega-lite'), typeof import('vega')];

let modules: Promise<VegaModules> | null = null;

export function loadVega(): Promise<VegaModules> {
  modules ??= (import(pathToFileURL(builtSibling(import.meta.url, 'vega-node.js')).href) as Promise<{ vl: VegaModules[0]; vega: VegaModules[1] }>).then((m) => [m.vl, m.vega]);
  return modules;
}
