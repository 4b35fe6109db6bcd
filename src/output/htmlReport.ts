// One self-contained HTML file for a replayed run: summary table, the charts
// (inline SVG, no network), conventions, and original-vs-corrected changes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldChange } from '../summary/rescue.js';
import { SERIES_METRICS } from '../summary/metrics.js';
import type { ConventionRow } from './conventions.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: unknown, scale = 1, digits = 2): string => (typeof v === 'number' ? (v * scale).toLocaleString('en-US', { maximumFractionDigits: digits }) : v === null || v === undefined ? '—' : esc(String(v)));

const CHART_ORDER = ['ttft', 'tpot', 'latency', 'itl', 'itl_chunks', 'isl_vs_osl', 'throughput', 'concurrency', 'ttft_over_time', 'finish_reasons', 'errors_over_time'];

type Json = Record<string, unknown>;

export function buildReport(outDir: string): string {
  const summary = JSON.parse(readFileSync(join(outDir, 'result_summary.json'), 'utf8')) as Json;
  const manifest = existsSync(join(outDir, 'replay_manifest.json')) ? (JSON.parse(readFileSync(join(outDir, 'replay_manifest.json'), 'utf8')) as Json) : {};
  const conventions = existsSync(join(outDir, 'conventions.json')) ? (JSON.parse(readFileSync(join(outDir, 'conventions.json'), 'utf8')) as ConventionRow[]) : [];
  const chartDir = join(outDir, 'charts');
  const svgs = existsSync(chartDir) ? readdirSync(chartDir).filter((f) => f.endsWith('.svg')) : [];
  svgs.sort((a, b) => CHART_ORDER.indexOf(a.replace('.svg', '')) - CHART_ORDER.indexOf(b.replace('.svg', '')));

  const head = [
    ['state', summary['state']],
    ['complete', summary['complete']],
    ['samples issued / completed / failed', `${summary['n_samples_issued']} / ${summary['n_samples_completed']} / ${summary['n_samples_failed']}`],
    ['duration', typeof summary['duration_ns'] === 'number' ? `${num(summary['duration_ns'], 1e-9)} s` : '—'],
    ['QPS', num(summary['qps'])],
    ['TPS (output tokens/s)', num(summary['tps'])],
  ];
  const metricRows = SERIES_METRICS
    .filter(({ key: k }) => summary[k] && Object.keys(summary[k] as Json).includes('avg'))
    .map(({ short: title, key: k, unit, scale: sc }) => {
      const m = summary[k] as Json;
      const p = m['percentiles'] as Json;
      return `<tr><th>${title} (${unit})</th>${[m['min'], m['median'], m['avg'], p['90.0'], p['99.0'], m['max']].map((v) => `<td>${num(v, sc)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const rescue = manifest['rescue'] as { originalProblems: string[]; changes: FieldChange[] } | null | undefined;
  const rescueHtml = rescue
    ? `<h2>Original vs corrected</h2>${rescue.originalProblems.length ? `<p class="warn">The original summary was incomplete: ${esc(rescue.originalProblems.join('; '))}.</p>` : ''}
<table><tr><th>field</th><th>original</th><th>corrected</th><th>change</th></tr>
${rescue.changes.map((c) => `<tr><td>${esc(c.field)}</td><td>${num(c.original)}</td><td>${num(c.corrected)}</td><td>${c.relative !== null ? `${c.relative >= 0 ? '+' : ''}${(c.relative * 100).toFixed(2)}%` : '—'}</td></tr>`).join('\n')}</table>`
    : '';
  const warnings = (manifest['warnings'] as string[] | undefined) ?? [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replay report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1120px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f5f5f5;text-align:left}
.warn{color:#a04000}.charts{display:flex;flex-wrap:wrap;gap:16px}.charts figure{margin:0}
</style></head><body>
<h1>Benchmark run — replayed</h1>
<table>${head.map(([k, v]) => `<tr><th>${esc(String(k))}</th><td>${esc(String(v))}</td></tr>`).join('')}</table>
${warnings.length ? `<ul class="warn">${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
<h2>Metrics</h2>
<table><tr><th></th><th>min</th><th>median</th><th>avg</th><th>p90</th><th>p99</th><th>max</th></tr>
${metricRows}</table>
${rescueHtml}
<h2>Charts</h2>
<div class="charts">${svgs.map((f) => `<figure>${readFileSync(join(chartDir, f), 'utf8')}</figure>`).join('\n')}</div>
<h2>Other tools' conventions (ms)</h2>
<table><tr><th>tool</th><th>metric</th><th>formula</th><th>n</th><th>mean</th><th>p50</th><th>p99</th></tr>
${conventions.map((r) => `<tr><td>${esc(r.tool)}</td><td>${esc(r.metric)}</td><td>${esc(r.formula)}</td><td>${r.count}</td><td>${num(r.mean, 1e-6, 3)}</td><td>${num(r.p50, 1e-6, 3)}</td><td>${num(r.p99, 1e-6, 3)}</td></tr>`).join('\n')}</table>
<p>Made by replay ${esc(String(manifest['replay_version'] ?? ''))} from ${esc(String((manifest['input'] as Json | undefined)?.['events'] ?? ''))}.</p>
</body></html>
`;
}
