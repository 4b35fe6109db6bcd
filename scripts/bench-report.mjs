#!/usr/bin/env node
// How big and how fast report.html is on a large run: generates a log
// (scripts/gen-log.mjs), recomputes it, builds the report, then opens it in
// headless Chromium (offline: every request refused) and times it from
// navigation to every chart live (the runtime sets data-charts-rendered).
//
//   node scripts/bench-report.mjs [--samples 1000000] [--dir /tmp/bench-report] [--loads 3] [--reuse]
//
// --reuse: keep an events.jsonl / replay/ already in --dir (only the report is rebuilt and timed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const samples = Number(arg('samples', 1_000_000));
const dir = arg('dir', '/tmp/bench-report');
const loads = Number(arg('loads', 3));
const reuse = process.argv.includes('--reuse');
const log = join(dir, 'events.jsonl');
const out = join(dir, 'replay');
const tokenizer = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const replay = (args) => execFileSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 }).toString();
const timed = (what, f) => {
  const t0 = process.hrtime.bigint();
  const r = f();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${what}: ${s.toFixed(1)} s`);
  return [r, s];
};

mkdirSync(dir, { recursive: true });
if (!reuse || !existsSync(log)) {
  // Short outputs in a few chunks each: a million requests stay about a GB of log.
  timed(`gen-log ${samples} samples`, () => execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-log.mjs'), '--samples', String(samples), '--out', log, '--output-chars', '300', '--chars-per-chunk', '100', '--concurrency', '512'], { stdio: 'inherit' }));
}
if (!reuse || !existsSync(join(out, 'result_summary.json'))) {
  timed('recompute', () => {
    try {
      replay(['recompute', log, '--tokenizer', tokenizer, '--out', out, '--quiet', '--format', 'arrow']);
    } catch (err) {
      if (err.status !== 3) throw err; // 3: written, incomplete (a generated log may be)
    }
  });
}
const [, buildS] = timed('replay report', () => replay(['report', out]));
const file = join(out, 'report.html');
const bytes = statSync(file).size;
console.log(`report.html: ${(bytes / 1e6).toFixed(2)} MB (${bytes} bytes)`);

const browser = await chromium.launch({
  executablePath: await sparticuz.executablePath(),
  headless: true,
  args: ['--no-sandbox', '--no-zygote', '--use-gl=angle', '--use-angle=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const results = [];
try {
  for (let k = 0; k < loads; k++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const refused = [];
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.route('**/*', (route) => (route.request().url() === `file://${file}` ? route.continue() : (refused.push(route.request().url()), route.abort())));
    await page.goto(`file://${file}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.documentElement.dataset.chartsRendered !== undefined, null, { timeout: 300_000 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return { domContentLoadedMs: nav.domContentLoadedEventEnd, chartsRenderedMs: performance.now(), charts: document.documentElement.dataset.chartsRendered, heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null };
    });
    results.push({ ...t, refused: refused.length, consoleErrors: errors.length });
    console.log(`load ${k + 1}: DOMContentLoaded ${t.domContentLoadedMs.toFixed(0)} ms, ${t.charts} charts live ${t.chartsRenderedMs.toFixed(0)} ms, JS heap ${t.heapMB?.toFixed(0)} MB, refused requests ${refused.length}, console errors ${errors.length}`);
    await page.close();
  }
} finally {
  await browser.close();
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ samples, reportBytes: bytes, reportBuildS: Number(buildS.toFixed(2)), medianDomContentLoadedMs: Math.round(median(results.map((r) => r.domContentLoadedMs))), medianChartsRenderedMs: Math.round(median(results.map((r) => r.chartsRenderedMs))), loads: results.length }));
