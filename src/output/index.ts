// output's public entry point for scripts: writing and reading the tables; the charts
// and vega's code cache (the build's scripts/bundle.mjs).
export { arrowFileBatches, writeTable } from './tables.js';
export { DEFAULT_TABLE_FORMATS, type TableFormat } from './tableFormats.js';
export * as charts from './charts.js';
export { writeVegaCodeCache } from './vega.js';
