// Build step, two bundles:
// - src/output/html/runtime.browser.js with vega and vega-interpreter, one minified
//   browser script, dist/output/html/vega-runtime.js, which report pages inline
//   (page.ts) so they work offline from file://;
// - vega and vega-lite as one ES module for Node, dist/output/vega-node.js, which
//   src/output/vega.ts loads (one module to compile instead of ~300 to resolve).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  outfile: join(root, 'dist/output/vega-node.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // vega's optional node-canvas renderer: replay renders SVG only.
  external: ['canvas'],
  legalComments: 'eof',
  logLevel: 'warning',
});
