// `replay compare --report`: one self-contained page (the shared shell: CSP,
// inlined vega runtime, static SVG fallback) with the runs in load order, the
// metrics table marked better/worse against the baseline, latency against
// throughput, the Pareto view, overlaid CDFs and every metric's change.
// Incomplete runs are flagged in the table and in every chart. Every value that
// comes from a file is escaped.
import { sweepPoints, type Comparison, type CompareRow } from '../summary/compare.js';
import { cdfChart, changeChart, latencyVsThroughputChart, paretoChart, runName, type Spec } from './compare/charts.js';
import { CDF_METRICS, type CdfMetric, type RunCdfs } from './compare/samples.js';
import { chartFigure, escapeHtml as esc, prepareChart, renderPage, type PageChart } from './html/page.js';

const cell = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));
const CDF_TITLES: Record<CdfMetric, string> = { ttft: 'TTFT CDF', tpot: 'TPOT CDF', latency: 'Latency CDF' };
const ORIGIN = { replay: 'replay output', performance: "the run's own summary", file: 'summary file' } as const;

export interface CompareChart {
  id: string;
  spec: Spec;
  caption: string;
  wide?: boolean;
}

/** Every chart of the page that has something to draw, with its caption; `omitted` says which were left out and why. */
export function compareCharts(cmp: Comparison, cdfs: RunCdfs[], omitted: string[] = []): CompareChart[] {
  const points = sweepPoints(cmp.runs, cmp.summaries);
  const order = cmp.order === 'load' ? 'in load order' : 'in input order';
  const out: CompareChart[] = [];
  const add = (chart: CompareChart, drawable: boolean, why: string): void => {
    if (drawable) out.push(chart);
    else omitted.push(why);
  };
  const joined = `Each line joins the runs ${order}; points are labelled with their load.`;
  add({ id: 'ttft-vs-tps', spec: latencyVsThroughputChart('TTFT', points), caption: joined }, points.some((p) => p.tps !== null && (p.ttftP50 ?? p.ttftP99) !== null), 'TTFT against throughput: no run has both TPS and TTFT (not streamed?)');
  add({ id: 'tpot-vs-tps', spec: latencyVsThroughputChart('TPOT', points), caption: joined }, points.some((p) => p.tps !== null && (p.tpotP50 ?? p.tpotP99) !== null), 'TPOT against throughput: no run has both TPS and TPOT (not streamed, or no tokenizer?)');
  add({ id: 'pareto', spec: paretoChart(points), caption: 'A run is on the frontier when no other run has both more tokens/s and more tokens/s per user.' }, points.some((p) => p.frontier !== null), 'Pareto view: no run has both TPS and TPOT');
  const withSamples = cmp.runs.map((r, i) => ({ r, i, c: cdfs[i] })).filter((x): x is { r: (typeof cmp.runs)[number]; i: number; c: Extract<RunCdfs, { ok: true }> } => x.c?.ok === true);
  if (withSamples.length > 0) {
    for (const m of CDF_METRICS) {
      const lines = withSamples.filter((x) => x.c.counts[m] > 0).map((x) => ({ run: x.i, label: x.r.label, complete: x.r.complete, points: x.c.cdfs[m], n: x.c.counts[m] }));
      add(
        { id: `cdf-${m}`, spec: cdfChart(CDF_TITLES[m], lines), caption: `From each run's samples.arrow (tracked samples; at most 500 order statistics per line). Samples: ${lines.map((l) => `#${l.run + 1} ${l.n.toLocaleString('en-US')}`).join(', ')}.` },
        lines.length > 0,
        `${CDF_TITLES[m]}: no run's samples.arrow has a ${m} value`,
      );
    }
  }
  add(
    { id: 'change', spec: changeChart(cmp.rows, cmp.runs.map((r, i) => ({ run: i, label: r.label, complete: r.complete })), cmp.baseline), caption: 'Green: better, red: worse (lower is better for times and failures, higher for throughput and completions).', wide: true },
    cmp.rows.some((r) => r.change.some((c) => c !== null)),
    'Change chart: no metric has a change against the baseline',
  );
  return out;
}

function valueCell(r: CompareRow, i: number, baseline: number): string {
  const c = r.change[i] ?? null;
  const v = r.verdict[i] ?? null;
  if (i === baseline || (c === null && v === null)) return `<td>${cell(r.values[i] ?? null)}</td>`;
  const cls = v === 'better' ? ' class="good"' : v === 'worse' ? ' class="bad"' : '';
  // A change from 0 has no percentage, but still a direction.
  const parts = [c === null ? null : `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)}%`, v === 'better' ? '▲ better' : v === 'worse' ? '▼ worse' : null].filter(Boolean);
  return `<td${cls}>${cell(r.values[i] ?? null)}${parts.length ? ` <span class="chg">(${parts.join(' ')})</span>` : ''}</td>`;
}

/** The page, and the notes to print (what was left out and why). */
export async function buildCompareReport(cmp: Comparison, cdfs: RunCdfs[]): Promise<{ html: string; notes: string[] }> {
  const { runs, rows, baseline } = cmp;
  const notes = [...cmp.warnings];
  cdfs.forEach((c, i) => {
    if (!c.ok) notes.push(`#${i + 1}: CDFs omitted (${c.note})`);
  });
  const omitted: string[] = [];
  const specs = compareCharts(cmp, cdfs, omitted);
  notes.push(...omitted.map((o) => `omitted: ${o}`));
  const charts: PageChart[] = await Promise.all(specs.map((s) => prepareChart(s.id, s.spec)));
  const badge = (complete: boolean): string => `<span class="badge ${complete ? 'complete' : 'incomplete'}">${complete ? 'complete' : 'incomplete'}</span>`;
  const runRows = runs
    .map(
      (r, i) =>
        `<tr${r.complete ? '' : ' class="incomplete-run"'}><th>#${i + 1}${i === baseline ? ' (baseline)' : ''}</th><td class="l">${esc(r.label)}</td><td class="l">${esc(r.load ? ([r.load.pattern, r.load.concurrency !== null ? `concurrency ${r.load.concurrency}` : r.load.qps !== null ? `${r.load.qps} QPS` : null].filter(Boolean).join(', ') || '—') : '—')}</td><td class="l">${badge(r.complete)}${r.complete ? '' : ` <span class="bad">${esc(r.problems.join('; '))}</span>`}</td><td class="l mono">${esc(r.file)} <span class="muted">(${ORIGIN[r.origin]})</span></td></tr>`,
    )
    .join('\n');
  const head = `<tr><th>metric</th>${runs.map((r, i) => `<th title="${esc(r.label)}">#${i + 1}${r.complete ? '' : ' <span class="badge incomplete">incomplete</span>'}${i === baseline ? ' <span class="muted">(baseline)</span>' : ''}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr><th>${esc(r.metric)}${r.unit ? ` (${esc(r.unit)})` : ''}${r.better ? ` <span class="muted">${r.better} is better</span>` : ''}</th>${r.values.map((_, i) => valueCell(r, i, baseline)).join('')}</tr>`).join('\n');
  const incomplete = runs.filter((r) => !r.complete).length;
  const html = renderPage({
    title: 'replay compare',
    css: '.chg{font-size:12px}tr.incomplete-run th{color:var(--bad)}',
    charts,
    body: `<h1>Benchmark runs compared</h1>
<p class="muted">${runs.length} runs, ${cmp.order === 'load' ? 'ordered by load (concurrency, then target QPS)' : 'in the order given'}; changes are against #${baseline + 1}, ${esc(runName({ run: baseline, label: runs[baseline]!.label, complete: runs[baseline]!.complete }))}.${incomplete ? ` <span class="bad">${incomplete} incomplete run${incomplete > 1 ? 's' : ''}: their numbers are not whole.</span>` : ''}</p>
<h2>Runs</h2>
<div class="table-wrap"><table><tr><th>#</th><th>label</th><th>load</th><th>status</th><th>summary read</th></tr>
${runRows}</table></div>
<h2>Metrics</h2>
<div class="table-wrap"><table>${head}
${body}</table></div>
${notes.length ? `<h2>Notes</h2><ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<h2>Charts</h2>
<div class="grid">
${charts.map((c, k) => chartFigure(c, { caption: specs[k]!.caption, wide: specs[k]!.wide })).join('\n')}
</div>
<footer>Written by replay compare. Interactive charts: hover for values, drag to pan, scroll to zoom.</footer>`,
  });
  return { html, notes };
}
