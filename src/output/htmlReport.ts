// report.html for one replayed run: the run's identity and completeness, key
// numbers, interactive charts (over time, swim lanes, distributions), every
// percentile, the analyses' results when their files exist, the rescue diff
// and other tools' conventions. Input is already read and type-checked
// (commands/report.ts); every string from a file is escaped here, and every
// chart is drawn from numbers, never pasted.
import { basename } from 'node:path';
import { SERIES_METRICS } from '../summary/metrics.js';
import { distributionChart, finishReasonsChart, islOslChart, thin, type Spec } from './charts.js';
import { chartFigure, escapeHtml as esc, prepareChart, renderPage, type PageChart } from './html/page.js';
import { num, obj, str, type ConventionView, type MlperfView, type Obj, type P99View, type ReportManifest, type ReportSummary, type SeriesKey, type SloView, type SteadyView } from './reportData.js';
import { errorsChart, formatSeconds, lanesChart, overTimeChart, sloCurvesChart } from './reportCharts.js';
import { buckets, laneRows, loadRows, meanChunkGapNs, percentileRows, regions, throughputRows, trackedMs, type SampleColumns } from './reportSeries.js';

export interface ReportInput {
  dir: string;
  summary: ReportSummary;
  manifest: ReportManifest;
  conventions: ConventionView[];
  slo: SloView | null;
  mlperf: MlperfView | null;
  p99: P99View[] | null;
  steady: SteadyView | null;
  samples: { columns: SampleColumns; file: string } | null;
  model: string | null;
  configFile: string | null;
}

/** Points of the ISL vs OSL scatter in the page (evenly spaced by sample row). */
const ISL_OSL_POINTS = 1000;
/** Points of each CDF line in the page (a 560 px line). */
const CDF_POINTS = 400;

const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));
const ms = (ns: number | null | undefined, digits = 2): string => (ns === null || ns === undefined ? '—' : fmt(ns / 1e6, digits));
const pct = (f: number | null | undefined, digits = 1): string => (f === null || f === undefined ? '—' : `${(f * 100).toFixed(digits)}%`);
const yesNo = (b: boolean | null): string => (b === null ? '—' : b ? '<span class="good">pass</span>' : '<span class="bad">fail</span>');

/** complete / rescued / incomplete, and why. */
export function completeness(s: ReportSummary, m: ReportManifest): { badge: 'complete' | 'rescued' | 'incomplete'; reasons: string[] } {
  const reasons: string[] = [];
  if (s.complete !== true) reasons.push(`the summary says complete: false (state ${s.state ?? '?'})`);
  if (m.reachedEnded === false) reasons.push('the log ends before session.ended');
  if (m.notCounted !== null && m.notCounted > 0) reasons.push(`${m.notCounted} tokenizations could not be counted`);
  if (reasons.length) return { badge: 'incomplete', reasons };
  const problems = m.rescue?.originalProblems ?? [];
  if (problems.length) return { badge: 'rescued', reasons: problems.map((p) => `the original summary: ${p}`) };
  return { badge: 'complete', reasons: [] };
}

/** test_started_at as written, with a UTC date when it reads as an epoch time. */
function startedAt(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return esc(v);
  const scale = v > 1e17 ? 1e-6 : v > 1e14 ? 1e-3 : v > 1e11 ? 1 : v > 1e9 ? 1e3 : null;
  const date = scale !== null ? new Date(v * scale) : null;
  return `${esc(String(v))}${date && !Number.isNaN(date.getTime()) ? ` <span class="muted">(${esc(date.toISOString())})</span>` : ''}`;
}

function loadPattern(rc: Obj | null): string {
  const lp = obj(rc?.['load_pattern']);
  if (!lp) return '—';
  const type = str(lp['type']) ?? '?';
  const qps = num(lp['target_qps']);
  const conc = num(lp['target_concurrency']);
  return esc([type, conc !== null ? `concurrency ${conc}` : null, qps !== null ? `target ${qps} QPS` : null].filter(Boolean).join(' · '));
}

function warmup(rc: Obj | null): string {
  const w = obj(rc?.['warmup']);
  if (!w) return '—';
  if (w['enabled'] !== true) return 'off';
  const n = num(w['n_requests']);
  return esc(`on${n !== null ? `, ${n} requests` : ''}${w['drain'] === true ? ', drained' : ''}`);
}

function identity(inp: ReportInput): string {
  const { summary: s, manifest: m } = inp;
  const rc = s.runConfig ?? m.runConfig;
  const row = (k: string, v: string): string => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`;
  const code = (v: string | null): string => (v === null ? '—' : `<span class="mono">${esc(v)}</span>`);
  return `<dl class="identity">
${row('model', esc(inp.model ?? '—'))}
${row('tokenizer', m.tokenizerFile ? `${esc(basename(m.tokenizerFile))} <span class="muted">${esc(m.tokenizerFile)}</span>` : 'none')}
${row('tokenizer SHA-256', code(m.tokenizerSha256))}
${row('token counter', esc(m.backend ?? '—'))}
${row('chat template', esc(m.chatTemplateSource ?? 'none'))}
${row('endpoints version', `${esc(s.version ?? '—')}${s.gitSha ? ` · git ${code(s.gitSha)}` : ''}`)}
${row('test started at', startedAt(s.testStartedAt))}
${row('load pattern', loadPattern(rc))}
${row('warm-up', warmup(rc))}
${row('log', code(m.events))}
${row('log digest', code(m.logDigest))}
${row('replay', esc(m.replayVersion ?? '—'))}
</dl>`;
}

function cards(s: ReportSummary): string {
  const p = (k: SeriesKey, label: string): number | null => s.series[k]?.percentiles.find(([l]) => l === label)?.[1] ?? null;
  const card = (k: string, v: string, unit = ''): string => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${v}${unit ? ` <span class="u">${esc(unit)}</span>` : ''}</div></div>`;
  return `<div class="cards">
${card('duration', fmt(s.durationNs === null ? null : s.durationNs / 1e9, 2), 's')}
${card('requests completed', `${fmt(s.completed, 0)} <span class="u">of ${fmt(s.issued, 0)}</span>`)}
${card('failed', fmt(s.failed, 0))}
${card('QPS', fmt(s.qps, 3))}
${card('output tokens/s', fmt(s.tps, 1))}
${card('TTFT p50', ms(p('ttft', '50.0')), 'ms')}
${card('TTFT p99', ms(p('ttft', '99.0')), 'ms')}
${card('TPOT p50', ms(p('tpot', '50.0'), 3), 'ms')}
${card('TPOT p99', ms(p('tpot', '99.0'), 3), 'ms')}
${card('latency p50', ms(p('latency', '50.0')), 'ms')}
${card('latency p99', ms(p('latency', '99.0')), 'ms')}
</div>`;
}

/** Every series with every percentile the summary has. */
function metricsTable(s: ReportSummary): string {
  const present = SERIES_METRICS.filter(({ key }) => s.series[key]).map(({ key, short, unit, scale }) => [key, short, unit, scale] as const);
  if (!present.length) return '<p class="muted">The summary has no series.</p>';
  const labels = [...new Set(present.flatMap(([k]) => s.series[k]!.percentiles.map(([l]) => l)))];
  const head = `<tr><th></th><th>n</th><th>min</th><th>avg</th><th>std dev</th>${labels.map((l) => `<th>p${esc(l.replace(/\.0$/, ''))}</th>`).join('')}<th>max</th></tr>`;
  const rows = present.map(([k, title, unit, sc]) => {
    const m = s.series[k]!;
    const v = (x: number | null): string => `<td>${fmt(x === null ? null : x * sc, 3)}</td>`;
    const byLabel = new Map(m.percentiles);
    return `<tr><th>${esc(title)} (${esc(unit)})</th><td>${fmt(m.count, 0)}</td>${v(m.min)}${v(m.avg)}${v(m.stdDev)}${labels.map((l) => v(byLabel.get(l) ?? null)).join('')}${v(m.max)}</tr>`;
  });
  return `<div class="table-wrap"><table>${head}\n${rows.join('\n')}</table></div>`;
}

function rescueSection(m: ReportManifest): string {
  if (!m.rescue) return '';
  const r = m.rescue;
  const val = (v: number | string | boolean | null): string => (typeof v === 'number' ? fmt(v, 6) : v === null ? '—' : esc(String(v)));
  return `<h2>Original vs corrected</h2>
${r.originalProblems.length ? `<p class="warn">The original summary was incomplete: ${esc(r.originalProblems.join('; '))}.</p>` : '<p>The original summary was complete; the fields below differ from it.</p>'}
${r.changes.length ? `<div class="table-wrap"><table><tr><th>field</th><th>original</th><th>corrected</th><th>change</th></tr>
${r.changes.map((c) => `<tr><td class="l">${esc(c.field)}</td><td>${val(c.original)}</td><td>${val(c.corrected)}</td><td>${c.relative !== null ? `${c.relative >= 0 ? '+' : ''}${(c.relative * 100).toFixed(2)}%` : '—'}</td></tr>`).join('\n')}</table></div>` : '<p>No field changed.</p>'}`;
}

function steadySection(st: SteadyView | null, shaded: boolean): string {
  if (!st) return '';
  if (!st.found || !st.window) return `<h2>Steady state</h2><p class="warn">No steady-state window found${st.reason ? `: ${esc(st.reason)}` : ''}.</p>`;
  const w = st.window;
  return `<h2>Steady state</h2>
<p>Window: super-passes ${w.spLo}–${w.spHi - 1} after ${st.warmup} warm-up super-pass(es) of ${st.superpassSize} samples${w.nSamples !== null ? ` (${w.nSamples} samples)` : ''}${shaded ? '; shaded green on the over-time charts (its span by issue order)' : ''}.${st.anomaly ? ' <span class="warn">A level shift was detected after it.</span>' : ''}${st.driftingUp.length ? ` <span class="warn">Drifting up: ${esc(st.driftingUp.join(', '))}.</span>` : ''}</p>
<table><tr><th>system tokens/s</th><th>per-user tokens/s</th><th>TTFT p50</th><th>TTFT p99</th><th>TPOT p50</th><th>TPOT p99</th></tr>
<tr><td>${fmt(st.tpsSystem, 1)}</td><td>${fmt(st.tpsPerUser, 2)}</td><td>${fmt(st.ttftP50, 3)}</td><td>${fmt(st.ttftP99, 3)}</td><td>${fmt(st.tpotP50, 3)}</td><td>${fmt(st.tpotP99, 3)}</td></tr></table>
<p class="muted">TTFT/TPOT in the units steady_state.json holds them.</p>`;
}

function sloSection(slo: SloView | null): string {
  if (!slo) return '';
  return `<h2>SLO attainment</h2>
<p>SLOs: ${slo.sloNs.map(([k, v]) => `${esc(k)} ≤ ${ms(v)} ms`).join(', ') || '—'}; ${fmt(slo.requests.succeeded, 0)} of ${fmt(slo.requests.completed, 0)} completed requests succeeded.</p>
<table><tr><th>metric</th><th>SLO (ms)</th><th>met</th><th>attainment</th></tr>
${slo.perMetric.map((p) => `<tr><td class="l">${esc(p.metric)}</td><td>${ms(p.sloNs)}</td><td>${fmt(p.met, 0)}</td><td>${pct(p.attainment)}</td></tr>`).join('\n')}</table>
<table><tr><th>convention</th><th>good requests</th><th>attainment</th><th>goodput (req/s)</th><th>goodput (tokens/s)</th></tr>
${slo.conventions.map((c) => `<tr><td class="l">${esc(c.name)}</td><td>${fmt(c.good, 0)}</td><td>${pct(c.attainment)}</td><td>${fmt(c.goodputRps, 3)}</td><td>${fmt(c.goodputTps, 1)}</td></tr>`).join('\n')}</table>`;
}

function mlperfSection(m: MlperfView | null): string {
  if (!m) return '';
  return `<h2>MLPerf limits: ${esc(m.benchmark)} ${esc(m.scenario)} ${m.pass === null ? '' : m.pass ? '<span class="badge complete">pass</span>' : '<span class="badge incomplete">fail</span>'}</h2>
<table><tr><th>metric</th><th>limit (ms)</th><th>n</th><th>p99 (ms)</th><th>margin</th><th>LoadGen (p99 ≤ limit)</th><th>submission checker (p99 &lt; limit)</th><th>early stopping</th></tr>
${m.limits.map((l) => `<tr><td class="l">${esc(l.metric)}</td><td>${ms(l.limitNs, 3)}</td><td>${fmt(l.n, 0)}</td><td>${ms(l.p99Ns, 3)}</td><td>${pct(l.marginFraction)}</td><td>${yesNo(l.passLoadgen)}</td><td>${yesNo(l.passChecker)}</td><td>${l.esMet === null ? '—' : l.esMet ? 'met' : `not met${l.esMoreNeeded ? ` (${fmt(l.esMoreNeeded, 0)} more requests needed)` : ''}`}</td></tr>`).join('\n')}</table>`;
}

function p99Section(p: P99View[] | null): string {
  if (!p || p.length === 0) return '';
  return `<h2>Bucket-quantized vs exact p99 (metrics.prom)</h2>
<p class="muted">What <code>histogram_quantile(0.99)</code> over Dynamo's bucket edges reports, beside the exact p99 of the same observations.</p>
<table><tr><th>histogram</th><th>observations</th><th>exact p99</th><th>histogram_quantile p99</th><th>difference</th></tr>
${p.map((r) => `<tr><td class="l mono">${esc(r.name)}</td><td>${fmt(r.count, 0)}</td><td>${fmt(r.exact, 6)}</td><td>${fmt(r.bucket, 6)}</td><td>${r.exact && r.bucket !== null ? pct((r.bucket - r.exact) / r.exact, 2) : '—'}</td></tr>`).join('\n')}</table>`;
}

function conventionsSection(rows: ConventionView[]): string {
  if (!rows.length) return '';
  return `<h2>Other tools' conventions (ms)</h2>
<div class="table-wrap"><table><tr><th>tool</th><th>metric</th><th>formula</th><th>n</th><th>mean</th><th>p50</th><th>p99</th></tr>
${rows.map((r) => `<tr><td class="l">${esc(r.tool)}</td><td class="l">${esc(r.metric)}</td><td class="l">${esc(r.formula)}</td><td>${fmt(r.count, 0)}</td><td>${ms(r.mean, 3)}</td><td>${ms(r.p50, 3)}</td><td>${ms(r.p99, 3)}</td></tr>`).join('\n')}</table></div>`;
}

function settingsSection(m: ReportManifest): string {
  if (!m.settings.length) return '';
  return `<h2>Settings</h2><div class="table-wrap"><table><tr><th>setting</th><th>value</th><th>from</th></tr>
${m.settings.map(([k, v, src]) => `<tr><td class="l">${esc(k)}</td><td class="l mono">${esc(v)}</td><td class="l">${esc(src)}</td></tr>`).join('\n')}</table></div>`;
}

/** The charts drawn from the samples table, in page order. */
function sampleCharts(c: SampleColumns, steady: SteadyView | null): { over: Array<[string, Spec, string]>; lanes: Spec; dists: Array<[string, Spec]>; shadedSteady: boolean } {
  const b = buckets(c);
  const widthS = b.widthNs / 1e9;
  const steadyWindow = steady?.found && steady.window ? { superpassSize: steady.superpassSize, warmup: steady.warmup, spLo: steady.window.spLo, spHi: steady.window.spHi } : null;
  const shade = regions(c, steadyWindow);
  const every = `per ${formatSeconds(widthS)}`;
  const tp = throughputRows(c, b);
  const load = loadRows(c, b);
  const over: Array<[string, Spec, string]> = [
    ['throughput', overTimeChart({ title: `Output tokens/s (${every})`, yTitle: 'tokens/s', rows: tp.tokens, regions: shade, faint: 'per bucket' }), 'Tokens of requests completed in each bucket; the bold line is a centred moving average.'],
    ['requests', overTimeChart({ title: `Completed requests/s (${every})`, yTitle: 'requests/s', rows: tp.requests, regions: shade, faint: 'per bucket' }), ''],
    ['concurrency', overTimeChart({ title: `Concurrency (${every})`, yTitle: 'requests', rows: load.concurrency, regions: shade, interpolate: 'step-after' }), 'In flight at the end of each bucket, and issued in it.'],
    ['errors', errorsChart(load.errors, widthS, shade), ''],
  ];
  const ttftRows = percentileRows(c, b, (i) => c.firstChunkNs[i]!, (i) => c.ttftNs[i]!);
  if (ttftRows.length) over.push(['ttft_over_time', overTimeChart({ title: `TTFT percentiles over time (${every}, by first chunk)`, yTitle: 'ms', rows: ttftRows, regions: shade }), '']);
  const tpotRows = percentileRows(c, b, (i) => c.completeNs[i]!, (i) => c.tpotNs[i]!);
  if (tpotRows.length) over.push(['tpot_over_time', overTimeChart({ title: `TPOT percentiles over time (${every}, by completion)`, yTitle: 'ms', rows: tpotRows, regions: shade }), '']);
  const itlRows = percentileRows(c, b, (i) => c.completeNs[i]!, (i) => meanChunkGapNs(c, i));
  if (itlRows.length) over.push(['itl_over_time', overTimeChart({ title: `ITL percentiles over time (${every}, mean chunk gap per request)`, yTitle: 'ms', rows: itlRows, regions: shade }), '']);
  const { lanes, total } = laneRows(c);
  const dists: Array<[string, Spec]> = [];
  const dist = (id: string, title: string, values: Float64Array): void => {
    if (values.length) dists.push([id, distributionChart(title, 'ms', values, 'samples', CDF_POINTS)]);
  };
  dist('ttft', 'TTFT distribution', trackedMs(c, (i) => c.ttftNs[i]!));
  dist('tpot', 'TPOT distribution', trackedMs(c, (i) => c.tpotNs[i]!));
  dist('latency', 'Latency distribution', trackedMs(c, (i) => c.latencyNs[i]!));
  dist('itl', 'Mean inter-chunk interval per request', trackedMs(c, (i) => meanChunkGapNs(c, i)));
  const paired: Array<{ isl: number; osl: number }> = [];
  for (let i = 0; i < c.n; i++) if (c.tracked[i] && Number.isFinite(c.isl[i]!) && Number.isFinite(c.osl[i]!)) paired.push({ isl: c.isl[i]!, osl: c.osl[i]! });
  if (paired.length) dists.push(['isl_vs_osl', islOslChart(thin(paired, ISL_OSL_POINTS), 'square')]);
  return { over, lanes: lanesChart(lanes, total, shade), dists, shadedSteady: shade.some((r) => r.kind === 'steady state') };
}

export async function buildReport(inp: ReportInput): Promise<string> {
  const { summary: s, manifest: m } = inp;
  const status = completeness(s, m);
  const charts: PageChart[] = [];
  const figure = async (id: string, spec: Spec, opts: { caption?: string; wide?: boolean } = {}): Promise<string> => {
    const c = await prepareChart(id, spec);
    charts.push(c);
    return chartFigure(c, opts);
  };
  let overHtml = '';
  let distHtml = '';
  let shadedSteady = false;
  if (inp.samples) {
    const sc = sampleCharts(inp.samples.columns, inp.steady);
    shadedSteady = sc.shadedSteady;
    const over: string[] = [];
    for (const [id, spec, caption] of sc.over) over.push(await figure(id, spec, { caption }));
    over.push(await figure('lanes', sc.lanes, { wide: true, caption: 'Each line is a request: orange from issue to its first chunk, blue while it streams, to completion. Drag to pan, wheel to zoom, double-click to reset.' }));
    overHtml = `<h2>Over time</h2><div class="grid">${over.join('\n')}</div>`;
    const dists: string[] = [];
    for (const [id, spec] of sc.dists) dists.push(await figure(id, spec));
    if (s.finishReasons.length) dists.push(await figure('finish_reasons', finishReasonsChart(Object.fromEntries(s.finishReasons))));
    distHtml = `<h2>Distributions</h2><div class="grid">${dists.join('\n')}</div>`;
  } else {
    overHtml = '<p class="warn">No samples table (samples.arrow or samples.parquet) in this directory: the charts need one (replay recompute --format arrow or parquet).</p>';
  }
  const sloChart = inp.slo && inp.slo.curves.length ? await figure('slo_curves', sloCurvesChart(inp.slo.curves, inp.slo.sloNs), { wide: true }) : '';
  const title = `${inp.model ?? 'Benchmark run'} — replay report`;
  const why = status.reasons.length ? `<ul class="notes ${status.badge === 'incomplete' ? 'bad' : ''}">${status.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const warnings = m.warnings.length ? `<h3>Warnings</h3><ul class="notes warn">${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '';
  const body = `<header>
<h1>${esc(inp.model ?? 'Benchmark run')} <span class="badge ${status.badge}" id="completeness">${status.badge}</span></h1>
<div class="muted">state ${esc(s.state ?? '—')} · replayed by replay from the run's event log</div>
${why}
${identity(inp)}
</header>
${cards(s)}
${warnings}
${rescueSection(m)}
${overHtml}
${distHtml}
<h2>Metrics</h2>
${metricsTable(s)}
${steadySection(inp.steady, shadedSteady)}
${sloSection(inp.slo)}${sloChart}
${mlperfSection(inp.mlperf)}
${p99Section(inp.p99)}
${conventionsSection(inp.conventions)}
${settingsSection(m)}
<footer>Made by replay ${esc(m.replayVersion ?? '')} from ${esc(m.events ?? '?')}${inp.samples ? `; charts drawn from ${esc(basename(inp.samples.file))}` : ''}. Works offline: no request leaves this page.</footer>`;
  return renderPage({ title, body, charts });
}

