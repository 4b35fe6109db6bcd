// `replay compare --report`: one self-contained HTML page with the comparison
// table and its charts (inline SVG, no scripts, no network).
import type { CompareRow } from '../summary/compare.js';
import { compareBarsChart, compareChangeChart, renderSvg, type Spec } from './charts.js';

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const cell = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** The charts of a comparison: timings, throughput, and every metric's change against the first run. */
export function compareCharts(names: string[], rows: CompareRow[]): Array<[string, Spec]> {
  const label = (i: number): string => `#${i + 1}`;
  const runs = names.map((_, i) => label(i));
  const bars = (pick: (r: CompareRow) => boolean) =>
    rows.filter(pick).flatMap((r) => r.values.flatMap((value, i) => (value === null ? [] : [{ metric: r.metric, run: label(i), value }])));
  const changes = rows.flatMap((r) => r.change.flatMap((change, i) => (i === 0 || change === null ? [] : [{ metric: r.metric, run: label(i), change }])));
  return [
    ['timings', compareBarsChart('TTFT, TPOT and latency', 'ms', runs, bars((r) => r.unit === 'ms'))],
    ['throughput', compareBarsChart('Throughput', 'per second', runs, bars((r) => r.metric === 'QPS' || r.metric === 'TPS'))],
    ['change', compareChangeChart(runs, changes)],
  ];
}

export async function buildCompareReport(names: string[], rows: CompareRow[]): Promise<string> {
  const svgs = await Promise.all(compareCharts(names, rows).map(([, spec]) => renderSvg(spec)));
  const head = `<tr><th>metric</th>${names.map((n, i) => `<th>#${i + 1} ${esc(n)}${i ? ' (Δ)' : ''}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr><th>${esc(r.metric)}${r.unit ? ` (${esc(r.unit)})` : ''}</th>${r.values.map((v, i) => `<td>${cell(v)}${i && r.change[i] !== null ? ` (${r.change[i]! >= 0 ? '+' : ''}${(r.change[i]! * 100).toFixed(1)}%)` : ''}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>replay compare</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1120px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f5f5f5;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts figure{margin:0}
</style></head><body>
<h1>Benchmark runs compared</h1>
<p>Runs are labelled #1, #2, … in the charts; changes are relative to #1, ${esc(names[0]!)}.</p>
<table>${head}
${body}</table>
<div class="charts">${svgs.map((s) => `<figure>${s}</figure>`).join('\n')}</div>
</body></html>
`;
}
