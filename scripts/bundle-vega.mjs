// Build step: bundles src/output/html/runtime.browser.js with vega and
// vega-interpreter into one minified browser script, dist/output/html/vega-runtime.js,
// which report pages inline (page.ts) so they work offline from file://.
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
