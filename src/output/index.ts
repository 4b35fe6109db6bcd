// output's public entry point for scripts: writing and reading the tables.
export { arrowFileBatches, writeTable } from './tables.js';
export { DEFAULT_TABLE_FORMATS, type TableFormat } from './tableFormats.js';
