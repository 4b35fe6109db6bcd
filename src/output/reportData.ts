// Typed views of the files `replay report` reads from an output directory.
// Every file may be hostile: each value is checked for its type before use
// (a wrong type in a required place is a one-line error naming the file; an
// optional value of the wrong type is treated as absent), and strings are
// kept as strings, to be escaped where shown. Pure: text in, values out.
import { ReplayError } from '../base/errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
export const obj = (v: unknown): Obj | null => (isObj(v) ? v : null);
export const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
/** A path inside nested objects, or undefined. */
export function at(v: unknown, ...path: string[]): Json | undefined {
  let cur: unknown = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur as Json | undefined;
}

/** JSON text of `file` as an object; a one-line error naming the file otherwise. */
export function parseJsonObject(text: string, file: string, what: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ReplayError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, `is this ${what}?`);
  }
  if (!isObj(v)) throw new ReplayError(`${file}: not ${what} (a JSON ${Array.isArray(v) ? 'array' : typeof v}, not an object)`, `is this ${what}?`);
  return v;
}

const fail = (file: string, what: string, why: string): never => {
  throw new ReplayError(`${file}: not ${what}: ${why}`, 'rerun replay recompute to rewrite it');
};

export const SERIES_KEYS = ['ttft', 'tpot', 'latency', 'input_sequence_lengths', 'output_sequence_lengths'] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

export interface SeriesStats {
  count: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
  median: number | null;
  stdDev: number | null;
  /** Percentile label ("99.9") -> value, in the file's order. */
  percentiles: Array<[string, number | null]>;
}

export interface ReportSummary {
  raw: Obj;
  state: string | null;
  complete: boolean | null;
  version: string | null;
  gitSha: string | null;
  testStartedAt: number | string | null;
  issued: number | null;
  completed: number | null;
  failed: number | null;
  durationNs: number | null;
  qps: number | null;
  tps: number | null;
  series: Partial<Record<SeriesKey, SeriesStats>>;
  finishReasons: Array<[string, number]>;
  runConfig: Obj | null;
}

/** result_summary.json: required state/complete/counts of the right JSON types, series optional. */
export function parseSummary(text: string, file: string): ReportSummary {
  const what = 'a result_summary.json';
  const s = parseJsonObject(text, file, what);
  if (typeof s['complete'] !== 'boolean') fail(file, what, '"complete" is missing or not true/false');
  if (typeof s['state'] !== 'string') fail(file, what, '"state" is missing or not a string');
  for (const k of ['n_samples_issued', 'n_samples_completed', 'n_samples_failed']) if (typeof s[k] !== 'number') fail(file, what, `"${k}" is missing or not a number`);
  const series: ReportSummary['series'] = {};
  for (const k of SERIES_KEYS) {
    const m = s[k];
    if (m === undefined || m === null) continue;
    if (!isObj(m)) fail(file, what, `"${k}" is not an object`);
    const m2 = m as Obj;
    const p = obj(m2['percentiles']);
    series[k] = {
      count: num(at(m2, 'count')) ?? null,
      min: num(m2['min']),
      max: num(m2['max']),
      avg: num(m2['avg']),
      median: num(m2['median']),
      stdDev: num(m2['std_dev']),
      percentiles: p ? Object.entries(p).map(([label, v]) => [label, num(v)]) : [],
    };
  }
  const fr = obj(s['finish_reason_counts']);
  const started = s['test_started_at'];
  return {
    raw: s,
    state: s['state'] as string,
    complete: s['complete'] as boolean,
    version: str(s['version']),
    gitSha: str(s['git_sha']),
    testStartedAt: typeof started === 'number' || typeof started === 'string' ? started : null,
    issued: num(s['n_samples_issued']),
    completed: num(s['n_samples_completed']),
    failed: num(s['n_samples_failed']),
    durationNs: num(s['duration_ns']),
    qps: num(s['qps']),
    tps: num(s['tps']),
    series,
    finishReasons: fr ? Object.entries(fr).flatMap(([k, v]) => (num(v) === null ? [] : [[k, num(v)!] as [string, number]])) : [],
    runConfig: obj(s['run_config']),
  };
}

export interface RescueChange {
  field: string;
  original: number | string | boolean | null;
  corrected: number | string | boolean | null;
  relative: number | null;
}

export interface ReportManifest {
  replayVersion: string | null;
  events: string | null;
  runDir: string | null;
  logDigest: string | null;
  tokenizerFile: string | null;
  tokenizerSha256: string | null;
  backend: string | null;
  chatTemplateSource: string | null;
  settings: Array<[string, string, string]>;
  runConfig: Obj | null;
  reachedEnded: boolean | null;
  notCounted: number | null;
  corruptLines: number | null;
  warnings: string[];
  rescue: { originalProblems: string[]; changes: RescueChange[] } | null;
}

const scalar = (v: unknown): number | string | boolean | null => (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null);

/** replay_manifest.json: an object whose known parts, where present, have the types replay writes. */
export function parseManifest(text: string, file: string): ReportManifest {
  const what = 'a replay_manifest.json';
  const m = parseJsonObject(text, file, what);
  for (const k of ['input', 'tokenizer', 'settings', 'lines', 'tokenization']) if (m[k] !== undefined && m[k] !== null && !isObj(m[k])) fail(file, what, `"${k}" is not an object`);
  if (m['warnings'] !== undefined && !Array.isArray(m['warnings'])) fail(file, what, '"warnings" is not a list');
  const settings = obj(m['settings']);
  const rescueRaw = m['rescue'];
  if (rescueRaw !== undefined && rescueRaw !== null && !isObj(rescueRaw)) fail(file, what, '"rescue" is not an object');
  const rescue = isObj(rescueRaw)
    ? {
        originalProblems: arr(rescueRaw['originalProblems']).flatMap((p) => (typeof p === 'string' ? [p] : [])),
        changes: arr(rescueRaw['changes']).flatMap((c) =>
          isObj(c) && typeof c['field'] === 'string' ? [{ field: c['field'], original: scalar(c['original']), corrected: scalar(c['corrected']), relative: num(c['relative']) }] : [],
        ),
      }
    : null;
  const runConfig = obj(at(settings, 'run_config', 'value'));
  return {
    replayVersion: str(m['replay_version']),
    events: str(at(m, 'input', 'events')),
    runDir: str(at(m, 'input', 'run_dir')),
    // Older manifests gave the whole log's SHA-256 instead.
    logDigest: str(at(m, 'input', 'digest', 'hex')) ?? str(at(m, 'input', 'sha256')),
    tokenizerFile: str(at(m, 'tokenizer', 'file')),
    tokenizerSha256: str(at(m, 'tokenizer', 'sha256')),
    backend: str(at(m, 'tokenizer', 'backend')),
    chatTemplateSource: str(at(m, 'tokenizer', 'chat_template', 'source')),
    settings: settings ? Object.entries(settings).flatMap(([k, v]) => (isObj(v) && k !== 'run_config' ? [[k, display(v['value']), str(v['source']) ?? ''] as [string, string, string]] : [])) : [],
    runConfig,
    reachedEnded: bool(m['reached_session_ended']),
    notCounted: num(at(m, 'tokenization', 'not_counted')),
    corruptLines: num(at(m, 'lines', 'corrupt')),
    warnings: arr(m['warnings']).flatMap((w) => (typeof w === 'string' ? [w] : [])),
    rescue,
  };
}

/** A JSON value in one line (for settings). */
export const display = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

export interface ConventionView {
  tool: string;
  metric: string;
  formula: string;
  count: number | null;
  mean: number | null;
  p50: number | null;
  p99: number | null;
}

/** conventions.json: a list of rows; a row of the wrong shape is an error. */
export function parseConventions(text: string, file: string): ConventionView[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ReplayError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, 'rerun replay recompute to rewrite it');
  }
  if (!Array.isArray(v)) fail(file, 'a conventions.json', 'not a list of rows');
  return (v as unknown[]).map((r, i) => {
    if (!isObj(r) || typeof r['tool'] !== 'string' || typeof r['metric'] !== 'string') fail(file, 'a conventions.json', `row ${i + 1} has no tool/metric strings`);
    const row = r as Obj;
    for (const k of ['count', 'mean', 'p50', 'p99']) if (row[k] !== null && row[k] !== undefined && typeof row[k] !== 'number') fail(file, 'a conventions.json', `row ${i + 1}: "${k}" is not a number`);
    return { tool: row['tool'] as string, metric: row['metric'] as string, formula: str(row['formula']) ?? '', count: num(row['count']), mean: num(row['mean']), p50: num(row['p50']), p99: num(row['p99']) };
  });
}

// ---- the analyses' files (optional; written by recompute's analysis flags) ----

export interface SloView {
  sloNs: Array<[string, number]>;
  requests: { completed: number | null; succeeded: number | null; failed: number | null };
  perMetric: Array<{ metric: string; sloNs: number | null; met: number | null; attainment: number | null }>;
  conventions: Array<{ name: string; good: number | null; attainment: number | null; goodputRps: number | null; goodputTps: number | null }>;
  curves: Array<{ metric: string; thresholdsNs: number[]; fraction: number[] }>;
}

/** slo.json as src/analyze/slo.ts writes it. */
export function parseSlo(text: string, file: string): SloView {
  const d = parseJsonObject(text, file, 'an slo.json');
  const slo = obj(d['slo_ns']);
  if (!slo) fail(file, 'an slo.json', '"slo_ns" is not an object');
  const curves = obj(d['curves']) ?? {};
  return {
    sloNs: Object.entries(slo!).flatMap(([k, v]) => (num(v) === null ? [] : [[k, num(v)!] as [string, number]])),
    requests: { completed: num(at(d, 'requests', 'completed')), succeeded: num(at(d, 'requests', 'succeeded')), failed: num(at(d, 'requests', 'failed')) },
    perMetric: Object.entries(obj(d['per_metric']) ?? {}).map(([metric, v]) => ({ metric, sloNs: num(at(v, 'slo_ns')), met: num(at(v, 'met')), attainment: num(at(v, 'attainment')) })),
    conventions: Object.entries(obj(d['conventions']) ?? {}).map(([name, v]) => ({ name, good: num(at(v, 'good')), attainment: num(at(v, 'attainment')), goodputRps: num(at(v, 'goodput_rps')), goodputTps: num(at(v, 'goodput_tps')) })),
    curves: Object.entries(curves).flatMap(([metric, c]) => {
      const t = arr(at(c, 'thresholds_ns')).map(num);
      const f = arr(at(c, 'fraction')).map(num);
      if (t.length === 0 || t.length !== f.length || t.some((x) => x === null) || f.some((x) => x === null)) return [];
      return [{ metric, thresholdsNs: t as number[], fraction: f as number[] }];
    }),
  };
}

export interface MlperfView {
  benchmark: string;
  scenario: string;
  pass: boolean | null;
  limits: Array<{ metric: string; limitNs: number | null; n: number | null; p99Ns: number | null; marginFraction: number | null; passLoadgen: boolean | null; passChecker: boolean | null; esMet: boolean | null; esMoreNeeded: number | null }>;
}

/** mlperf.json as src/analyze/mlperf.ts writes it. */
export function parseMlperf(text: string, file: string): MlperfView {
  const d = parseJsonObject(text, file, 'an mlperf.json');
  if (typeof d['benchmark'] !== 'string' || !Array.isArray(d['limits'])) fail(file, 'an mlperf.json', 'no "benchmark" string or "limits" list');
  return {
    benchmark: d['benchmark'] as string,
    scenario: str(d['scenario']) ?? '',
    pass: bool(d['pass']),
    limits: arr(d['limits']).flatMap((l) =>
      isObj(l) && typeof l['metric'] === 'string'
        ? [{ metric: l['metric'], limitNs: num(l['limit_ns']), n: num(l['n']), p99Ns: num(l['p99_ns']), marginFraction: num(l['margin_fraction']), passLoadgen: bool(l['pass_loadgen']), passChecker: bool(l['pass_submission_checker']), esMet: bool(at(l, 'early_stopping', 'met')), esMoreNeeded: num(at(l, 'early_stopping', 'more_requests_needed')) }]
        : [],
    ),
  };
}

export interface P99View {
  name: string;
  count: number | null;
  exact: number | null;
  bucket: number | null;
}

/** metrics_p99.json (src/analyze/openmetrics.ts): exact p99 beside histogram_quantile's. */
export function parseP99(text: string, file: string): P99View[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ReplayError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`, 'rerun replay recompute --metrics to rewrite it');
  }
  if (!Array.isArray(v)) fail(file, 'a metrics_p99.json', 'not a list');
  return (v as unknown[]).flatMap((r) => (isObj(r) && typeof r['name'] === 'string' ? [{ name: r['name'], count: num(r['count']), exact: num(r['exact_p99']), bucket: num(r['histogram_quantile_p99']) }] : []));
}

export interface SteadyView {
  found: boolean;
  reason: string | null;
  superpassSize: number;
  warmup: number;
  /** Post-warm-up super-pass indices [lo, hi), when found. */
  window: { spLo: number; spHi: number; nSamples: number | null } | null;
  tpsSystem: number | null;
  tpsPerUser: number | null;
  ttftP50: number | null;
  ttftP99: number | null;
  tpotP50: number | null;
  tpotP99: number | null;
  anomaly: boolean | null;
  driftingUp: string[];
}

const nonNegInt = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);

/** steady_state.json (the steady-state diagnostics' JSON, src/analyze/steadyState/json.ts). Python's NaN/Infinity are read as null. */
export function parseSteadyState(text: string, file: string): SteadyView {
  const cleaned = text.replace(/\b(-?Infinity|NaN)\b/g, 'null');
  const d = parseJsonObject(cleaned, file, 'a steady_state.json');
  const ss = obj(d['steady_state']);
  const size = nonNegInt(d['superpass_size']);
  const warmup = nonNegInt(d['warmup']);
  if (!ss || typeof ss['found'] !== 'boolean' || size === null || warmup === null) fail(file, 'a steady_state.json', 'no steady_state.found, superpass_size or warmup of the right type');
  const w = obj(ss!['window']);
  const lo = nonNegInt(w?.['sp_lo']);
  const hi = nonNegInt(w?.['sp_hi']);
  return {
    found: ss!['found'] as boolean,
    reason: str(ss!['reason']),
    superpassSize: size!,
    warmup: warmup!,
    window: lo !== null && hi !== null && hi > lo ? { spLo: lo, spHi: hi, nSamples: nonNegInt(w?.['n_samples']) } : null,
    tpsSystem: num(at(ss, 'tps', 'system')),
    tpsPerUser: num(at(ss, 'tps', 'per_user')),
    ttftP50: num(at(ss, 'ttft', 'p50')),
    ttftP99: num(at(ss, 'ttft', 'p99')),
    tpotP50: num(at(ss, 'tpot', 'p50')),
    tpotP99: num(at(ss, 'tpot', 'p99')),
    anomaly: bool(at(ss, 'anomaly', 'detected')),
    driftingUp: arr(ss!['drifting_up']).flatMap((x) => (typeof x === 'string' ? [x] : [])),
  };
}
