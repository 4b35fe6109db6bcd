// The same run under other tools' metric conventions, so numbers from
// different benchmarks can be reconciled. Pure: sample table in, rows out; ns.
// The rows labelled as this summary take the summary's own population (every
// tracked sample its series recorded, failed requests included, as the
// reference records them), so they match result_summary.json; the other tools'
// rows take tracked samples that completed without an error, as those tools count.
import type { SampleTable } from '../aggregate/sampleTable.js';
import type { ItlStats } from './chunkTable.js';

export interface ConventionRow {
  tool: string;
  metric: string;
  formula: string;
  count: number;
  mean: number | null;
  p50: number | null;
  p99: number | null;
}

type Sorted = ArrayLike<number>;
const lower = (s: Sorted, p: number): number | null => (s.length ? s[Math.floor((s.length - 1) * (p / 100))]! : null);
/** LoadGen-style nearest rank: sorted[min(n-1, floor(p*n))]. */
const nearestRank = (s: Sorted, p: number): number | null => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : null);

/** values: sorted in place (callers pass arrays made for the row). */
function row(tool: string, metric: string, formula: string, values: Float64Array, pct = lower): ConventionRow {
  const s = values.sort();
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return { tool, metric, formula, count: s.length, mean: s.length ? sum / s.length : null, p50: pct(s, 50), p99: pct(s, 99) };
}

export function conventionTable(t: SampleTable, itl: ItlStats | null = null): ConventionRow[] {
  const rows = new Int32Array(t.length);
  let n = 0;
  for (let i = 0; i < t.length; i++) if (t.tracked(i) && t.completeNs.get(i) !== null && t.errorType.isNull(i)) rows[n++] = i;
  const ok = rows.subarray(0, n);
  /** f where finite, over `only` rows (default: the tracked samples completed without an error); unboxed, so a 1M-sample run stays a few MB. */
  const pick = (f: (i: number) => number | null, only: Int32Array | null = ok): Float64Array => {
    const n0 = only ? only.length : t.length;
    const out = new Float64Array(n0);
    let n = 0;
    for (let k = 0; k < n0; k++) {
      const v = f(only ? only[k]! : k);
      if (v !== null && Number.isFinite(v)) out[n++] = v;
    }
    return out.subarray(0, n);
  };
  const latency = (i: number): number | null => t.latencyNs.get(i);
  const osl = (i: number): number => t.osl.get(i) ?? 0;
  const decode = (i: number): number | null => {
    const [l, ttft] = [t.latencyNs.get(i), t.ttftNs.get(i)];
    return l !== null && ttft !== null ? l - ttft : null;
  };
  const perDecodeToken = (i: number): number | null => (osl(i) > 1 && decode(i) !== null ? decode(i)! / (osl(i) - 1) : null);
  // Shared by two rows each (sorting twice changes nothing).
  const latencies = pick(latency);
  const perToken = pick(perDecodeToken);
  return [
    // The summary's own series: every sample it recorded a value for (only = null).
    row('MLCommons endpoints (this summary)', 'TPOT', '(complete − first chunk) / tokens after the first chunk', pick((i) => t.tpotNs.get(i), null)),
    row('MLCommons endpoints (this summary)', 'latency p99 (numpy "lower")', 'sorted[floor(0.99·(n−1))]', pick(latency, null)),
    row('vLLM / SGLang bench_serving', 'TPOT', '(latency − TTFT) / (OSL − 1), requests with OSL > 1', perToken),
    row('GenAI-Perf / AIPerf', 'inter-token latency', '(request latency − TTFT) / (output tokens − 1)', perToken),
    row('GuideLLM', 'time per output token', 'latency / OSL (TTFT included)', pick((i) => (osl(i) > 0 && latency(i) !== null ? latency(i)! / osl(i) : null))),
    row('any streaming client', 'mean chunk interval', '(latency − TTFT) / (chunks − 1), per request', pick((i) => (t.chunks.get(i)! > 1 && decode(i) !== null ? decode(i)! / (t.chunks.get(i)! - 1) : null))),
    row('MLPerf LoadGen', 'latency p99 (nearest rank)', 'sorted[min(n−1, floor(0.99·n))]', latencies, nearestRank),
    ...(itl ? [chunkItlRow(itl)] : []),
  ];
}

/** vLLM / SGLang ITL: every gap between consecutive chunks, pooled over requests (needs --chunks). */
function chunkItlRow(itl: ItlStats): ConventionRow {
  const r = row('vLLM / SGLang bench_serving', 'ITL (per chunk gap)', 'every gap between consecutive chunks, all tracked requests pooled', Float64Array.from(itl.sampleMs, (ms) => ms * 1e6));
  const sampled = itl.count > itl.sampleMs.length;
  return {
    ...r,
    formula: sampled ? `${r.formula} (percentiles from a uniform sample of ${itl.sampleMs.length} of ${itl.count} gaps)` : r.formula,
    count: itl.count,
    mean: itl.count ? itl.sumNs / itl.count : null,
  };
}
