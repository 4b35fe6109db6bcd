// The same run under other tools' metric conventions, so numbers from
// different benchmarks can be reconciled. Pure: sample table in, rows out.
// Over tracked, successfully completed samples; ns.
import type { SampleTable } from '../replay/sampleTable.js';
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

const lower = (s: number[], p: number): number | null => (s.length ? s[Math.floor((s.length - 1) * (p / 100))]! : null);
/** LoadGen-style nearest rank: sorted[min(n-1, floor(p*n))]. */
const nearestRank = (s: number[], p: number): number | null => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : null);

function row(tool: string, metric: string, formula: string, values: number[], pct = lower): ConventionRow {
  const s = [...values].sort((a, b) => a - b);
  return { tool, metric, formula, count: s.length, mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : null, p50: pct(s, 50), p99: pct(s, 99) };
}

export function conventionTable(t: SampleTable, itl: ItlStats | null = null): ConventionRow[] {
  const ok: number[] = [];
  for (let i = 0; i < t.length; i++) if (t.block[i]! >= 0 && t.completeNs[i] !== null && t.errorType[i] === null) ok.push(i);
  const pick = (f: (i: number) => number | null): number[] => ok.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
  const decode = (i: number): number | null => (t.latencyNs[i] !== null && t.ttftNs[i] !== null ? t.latencyNs[i]! - t.ttftNs[i]! : null);
  return [
    row('MLCommons endpoints (this summary)', 'TPOT', '(complete − first chunk) / tokens after the first chunk', pick((i) => t.tpotNs[i]!)),
    row('MLCommons endpoints (this summary)', 'latency p99 (numpy "lower")', 'sorted[floor(0.99·(n−1))]', pick((i) => t.latencyNs[i]!)),
    row('vLLM / SGLang bench_serving', 'TPOT', '(latency − TTFT) / (OSL − 1), requests with OSL > 1', pick((i) => (t.osl[i]! > 1 && decode(i) !== null ? decode(i)! / (t.osl[i]! - 1) : null))),
    row('GenAI-Perf / AIPerf', 'inter-token latency', '(request latency − TTFT) / (output tokens − 1)', pick((i) => (t.osl[i]! > 1 && decode(i) !== null ? decode(i)! / (t.osl[i]! - 1) : null))),
    row('GuideLLM', 'time per output token', 'latency / OSL (TTFT included)', pick((i) => (t.osl[i]! > 0 && t.latencyNs[i] !== null ? t.latencyNs[i]! / t.osl[i]! : null))),
    row('any streaming client', 'mean chunk interval', '(latency − TTFT) / (chunks − 1), per request', pick((i) => (t.chunks[i]! > 1 && decode(i) !== null ? decode(i)! / (t.chunks[i]! - 1) : null))),
    row('MLPerf LoadGen', 'latency p99 (nearest rank)', 'sorted[min(n−1, floor(0.99·n))]', pick((i) => t.latencyNs[i]!), nearestRank),
    ...(itl ? [chunkItlRow(itl)] : []),
  ];
}

/** vLLM / SGLang ITL: every gap between consecutive chunks, pooled over requests (needs --chunks). */
function chunkItlRow(itl: ItlStats): ConventionRow {
  const r = row('vLLM / SGLang bench_serving', 'ITL (per chunk gap)', 'every gap between consecutive chunks, all tracked requests pooled', itl.sampleMs.map((ms) => ms * 1e6));
  const sampled = itl.count > itl.sampleMs.length;
  return {
    ...r,
    formula: sampled ? `${r.formula} (percentiles from a uniform sample of ${itl.sampleMs.length} of ${itl.count} gaps)` : r.formula,
    count: itl.count,
    mean: itl.count ? itl.sumNs / itl.count : null,
  };
}
