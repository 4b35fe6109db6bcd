// The diagnostics result as the script's `--json` file: json.dump(result, indent=2)
// — its keys in its order, integers as integers, floats as Python's repr (NaN and
// Infinity as Python writes them), non-ASCII escaped (ensure_ascii). Pure.
import type { DiagnosticsResult, SteadyState } from './diagnostics.js';
import type { Anomaly, PettittResult } from './estimate.js';
import { pyRepr } from './py.js';
import type { Summary } from './series.js';

/** A JSON value with Python's int/float distinction kept: ints are bigint, floats number. */
type Value = null | boolean | string | number | bigint | Value[] | Map<string, Value>;

const int = (n: number): bigint => BigInt(n);
const obj = (entries: [string, Value][]): Map<string, Value> => new Map(entries);
const floats = (xs: readonly number[]): Value[] => [...xs];

function summaryValue(s: Summary | null): Value {
  if (s === null) return null;
  return obj([
    ['count', int(s.count)],
    ['mean', s.mean],
    ['min', s.min],
    ['max', s.max],
    ['p50', s.p50],
    ['p90', s.p90],
    ['p95', s.p95],
    ['p99', s.p99],
    ['histogram', s.histogram.map((b) => obj([['lo', b.lo], ['hi', b.hi], ['count', int(b.count)]]))],
  ]);
}

function pettittValue(p: PettittResult | null): Value {
  if (p === null) return null;
  return obj([['change_point', int(p.changePoint)], ['k_stat', p.kStat], ['pvalue', p.pvalue], ['significant', p.significant]]);
}

function anomalyValue(a: Anomaly): Value {
  return obj([
    ['detected', a.detected],
    ['change_point_sp', a.changePointSp === null ? null : int(a.changePointSp)],
    ['delta_pct', a.deltaPct],
    ['pettitt', pettittValue(a.pettitt)],
    ['plateaus', a.plateaus.map(([lo, hi]) => [int(lo), int(hi)])],
  ]);
}

function steadyValue(ss: SteadyState): Value {
  const w = ss.window;
  const t = ss.tps;
  return obj([
    ['found', ss.found],
    ['reason', ss.reason],
    ['window', w && obj([['sp_lo', int(w.spLo)], ['sp_hi', int(w.spHi)], ['n_super_passes', int(w.nSuperPasses)], ['n_samples', int(w.nSamples)]])],
    ['ttft', summaryValue(ss.ttft)],
    ['tpot', summaryValue(ss.tpot)],
    ['tps', t && obj([['per_user', t.perUser], ['per_user_ci', floats(t.perUserCi)], ['system', t.system], ['system_ci', floats(t.systemCi)]])],
    ['anomaly', anomalyValue(ss.anomaly)],
    ['global_trend', obj(ss.globalTrend)],
    ['drifting_up', [...ss.driftingUp]],
  ]);
}

const mapValues = <T>(m: ReadonlyMap<string, T>, f: (v: T) => Value): Map<string, Value> => new Map([...m].map(([k, v]) => [k, f(v)]));

export function resultValue(r: DiagnosticsResult): Value {
  return obj([
    ['n_super_passes', int(r.nSuperPasses)],
    ['superpass_size', int(r.superpassSize)],
    ['warmup', int(r.warmup)],
    ['n_post_warmup', int(r.nPostWarmup)],
    ['metrics', [...r.metrics]],
    ['gated_metrics', [...r.gatedMetrics]],
    ['trajectories', mapValues(r.trajectories, floats)],
    ['cov', mapValues(r.cov, (t) => mapValues(t, (c) => obj([['gated', c.gated], ['n', int(c.n)], ['cov', c.cov], ['passes', new Map(c.passes)]])))],
    [
      'drift',
      mapValues(r.drift, (t) =>
        mapValues(t, (d) =>
          obj([
            ['whole_run', new Map(d.wholeRun)],
            ['rolling', d.rolling.map((c) => obj([['window', c.window.map(int)], ['verdicts', new Map(c.verdicts)]]))],
          ]),
        ),
      ),
    ],
    ['steady_state', steadyValue(r.steadyState)],
    ['alpha', r.alpha],
  ]);
}

/** json.dumps(s) with ensure_ascii: \uXXXX for every non-ASCII code unit. */
function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pyNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pyRepr(x);
}

function dump(v: Value, level: number): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  const pad = '  '.repeat(level + 1);
  const close = '  '.repeat(level);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => pad + dump(x, level + 1)).join(',\n')}\n${close}]`;
  }
  if (v.size === 0) return '{}';
  return `{\n${[...v].map(([k, x]) => `${pad}${pyString(k)}: ${dump(x, level + 1)}`).join(',\n')}\n${close}}`;
}

/** The `--json` file's text (json.dump writes no trailing newline). */
export function diagnosticsJson(r: DiagnosticsResult): string {
  return dump(resultValue(r), 0);
}
