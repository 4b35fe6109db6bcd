// apache-arrow, as every module of replay imports it. The build (scripts/bundle.mjs)
// replaces the compiled file with the package bundled into one module: a thread
// then loads it in ~15 ms of CPU instead of ~70 ms resolving ~200 files. One
// entry for all, so every Arrow class a table meets is the same class.
export * from 'apache-arrow';
