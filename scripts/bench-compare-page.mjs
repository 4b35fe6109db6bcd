#!/usr/bin/env node
// How big and how fast the `replay compare --report` page is when one of the
// compared runs is large: generates a run of --samples requests (scripts/gen-log.mjs)
// and two small ones at other concurrencies, recomputes each with the CLI, then
// times `replay compare --report` (wall, CPU-seconds and peak RSS from
// /usr/bin/time) and the page's load in headless Chromium (navigation to every
// chart live), and prints the page's size and where its bytes go.
//
//   node scripts/bench-compare-page.mjs [--samples 1000000] [--dir /tmp/bench-compare]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const samples = Number(arg('--samples', '1000000'));
const dir = arg('--dir', '/tmp/bench-compare');
const TOKENIZER = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const REPLAY = join(ROOT, 'bin', 'replay.js');

const runs = [
  { name: 'c4', concurrency: 4, samples: 2000 },
  { name: 'c16', concurrency: 16, samples: 2000 },
  { name: `c256-${samples}`, concurrency: 256, samples },
];
for (const r of runs) {
  const runDir = join(dir, r.name);
  if (!existsSync(join(runDir, 'replay', 'samples.arrow'))) {
    mkdirSync(runDir, { recursive: true });
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-log.mjs'), '--samples', String(r.samples), '--concurrency', String(r.concurrency), '--output-chars', '40', '--chars-per-chunk', '20', '--warmup', '0', '--out', join(runDir, 'events.jsonl')], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(runDir, 'config.yaml'), `model_params:\n  name: bench/model\n  streaming: 'on'\nsettings:\n  load_pattern:\n    type: concurrency\n    target_concurrency: ${r.concurrency}\n`);
    execFileSync(process.execPath, [REPLAY, 'recompute', runDir, `--tokenizer=${TOKENIZER}`, '--format=arrow', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
const page = join(dir, 'compare.html');
const timed = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, REPLAY, 'compare', ...runs.map((r) => join(dir, r.name)), `--report=${page}`], { encoding: 'utf8' });
if (timed.status !== 0) throw new Error(timed.stderr);
const [wall, user, sys, rssKb] = timed.stderr.trim().split('\n').at(-1).split(' ').map(Number);
const html = readFileSync(page, 'utf8');
const runtimeBytes = statSync(join(ROOT, 'dist', 'output', 'html', 'vega-runtime.js')).size;
const specBytes = /<script type="application\/json" id="replay-charts">([\s\S]*?)<\/script>/.exec(html)?.[1]?.length ?? 0;
const svgBytes = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].reduce((n, m) => n + m[0].length, 0);

let loadMs = null;
{
  const sparticuz = (await import('@sparticuz/chromium')).default;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: ['--no-sandbox', '--no-zygote', '--use-gl=angle', '--use-angle=swiftshader'], headless: true });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const t0 = performance.now();
    await tab.goto(`file://${page}`);
    await tab.waitForFunction(() => document.documentElement.dataset.chartsRendered !== undefined);
    loadMs = performance.now() - t0;
  } finally {
    await browser.close();
  }
}
const samplesBytes = statSync(join(dir, runs[2].name, 'replay', 'samples.arrow')).size;
console.log(JSON.stringify({
  samples_in_largest_run: samples,
  largest_samples_arrow_mb: +(samplesBytes / 1e6).toFixed(1),
  compare_report: { wall_s: wall, cpu_s: +(user + sys).toFixed(2), peak_rss_mb: Math.round(rssKb / 1024) },
  page: { bytes: html.length, runtime_bytes: runtimeBytes, chart_specs_bytes: specBytes, static_svg_bytes: svgBytes },
  chromium_load_to_charts_live_ms: loadMs === null ? null : Math.round(loadMs),
}, null, 2));
