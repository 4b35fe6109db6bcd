// Build step (after tsc), the bundles:
// - src/output/html/runtime.browser.js with vega and vega-interpreter, one minified
//   browser script, dist/output/html/vega-runtime.js, which report pages inline
//   (page.ts) so they work offline from file://;
// - vega and vega-lite as one script for Node, dist/output/vega-node.cjs, which
//   src/output/vega.ts loads (one script to compile instead of ~300 modules to resolve),
//   and its V8 code cache, dist/output/vega-node.cache, written after rendering one of
//   each of replay's charts;
// - apache-arrow, yargs and yaml, each as one module (src/vendor/): the compiled
//   dist/vendor/<name>.js, which re-exports the package, is replaced by the package
//   bundled, so a thread loads one file instead of resolving hundreds.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(root, 'src/output/html/runtime.browser.js')],
  outfile: join(root, 'dist/output/html/vega-runtime.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  legalComments: 'eof',
  logLevel: 'warning',
});
await build({
  stdin: { contents: "export * as vl from 'vega-lite';\nexport * as vega from 'vega';\n", resolveDir: root, loader: 'js' },
  outfile: join(root, 'dist/output/vega-node.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Without node-canvas, always: replay renders SVG, its text measured by vega's estimate on
  // every machine alike (the node build of vega-canvas would use a canvas package if one were installed).
  alias: { 'vega-canvas': './node_modules/vega-canvas/build/vega-canvas.browser.js' },
  legalComments: 'eof',
  logLevel: 'warning',
});

// yaml's node build is CommonJS (and requires `process` dynamically, which an ES bundle cannot); its ES
// build is the same code.
const vendorAlias = { yaml: './node_modules/yaml/browser/index.js' };

// yargs lays out its help (cliui, wrap-ansi, its own shim) with string-width, on every run of a
// command (it caches the command's help), and string-width's module builds Unicode-property regexes
// and an Intl.Segmenter as it loads: ~24 ms of CPU at every start of the CLI. Each import of it is
// bundled as a stand-in: printable ASCII is as wide as it is long (what string-width answers for
// it), and any other text loads the copy the importer would have resolved (a require, which
// esbuild bundles as a module evaluated when first required). test/cli/helpLayout.test.ts
// compares the bundle's help with the package's.
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real' });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: [
        'let width;',
        'export default function stringWidth(text, options) {',
        '  if (typeof text === "string" && /^[\\x20-\\x7e]*$/.test(text)) return text.length;',
        `  width ??= require(${JSON.stringify(args.path)}).default;`,
        '  return width(text, options);',
        '}',
      ].join('\n'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};
for (const name of ['arrow', 'yargs', 'yaml']) {
  await build({
    entryPoints: [join(root, 'src/vendor', `${name}.ts`)],
    alias: vendorAlias,
    outfile: join(root, 'dist/vendor', `${name}.js`),
    allowOverwrite: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: name === 'yargs' ? [lazyStringWidth] : [],
  });
  // tsc's source map was of the re-export, not of this file.
  rmSync(join(root, 'dist/vendor', `${name}.js.map`), { force: true });
}

const { charts, writeVegaCodeCache } = await import(pathToFileURL(join(root, 'dist/output/index.js')).href);
await writeVegaCodeCache(async () => {
  // One of each chart, on made-up data: the cache then holds what rendering any of them runs.
  const values = Float64Array.from({ length: 2000 }, (_, i) => 50 + ((i * 7919) % 1000) / 3);
  const n = 60;
  const series = (f) => Array.from({ length: n }, (_, i) => f(i));
  const ts = {
    intervalNs: 1e9, startNs: series((i) => i * 1e9), issued: series(() => 10), completed: series(() => 10), failed: series((i) => i % 7 === 0 ? 1 : 0),
    inFlight: series((i) => 20 + (i % 5)), outputTokensPerS: series((i) => 1000 + i), ttftP50Ns: series((i) => 1e8 + i), ttftP99Ns: series((i) => (i === 0 ? null : 2e8 + i)),
  };
  const specs = [
    charts.distributionChart('latency', 'ms', values.slice()),
    charts.islOslChart(Array.from({ length: 500 }, (_, i) => ({ isl: 100 + i, osl: 50 + ((i * 31) % 400) }))),
    charts.throughputChart(ts),
    charts.concurrencyChart(ts),
    charts.ttftOverTimeChart(ts),
    charts.errorsOverTimeChart(ts),
    charts.finishReasonsChart({ stop: 10, length: 2, tool_calls: 0, content_filter: 0, function_call: 0, other: 1 }),
  ];
  for (const spec of specs) await charts.renderSvg(spec);
});
