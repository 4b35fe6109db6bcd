// Time per output token, the two definitions replay reports. Every TPOT in
// replay comes from one of these.
import { ratioToDouble } from './exact.js';

/**
 * The endpoints summary's TPOT (its metrics aggregator's TPOT trigger): the
 * time from the first streamed chunk to completion, over the tokens generated
 * after the first chunk — (complete_ns − recv_first_ns) / tokens, computed as
 * Python's int / int (correctly rounded to a double). `tokens` must be > 0: a
 * sample whose output has no tokens after its first chunk has no TPOT.
 */
export function tpotNs(windowNs: bigint | number, tokens: number): number {
  const w = Number(windowNs);
  if (typeof windowNs === 'number' || Number.isSafeInteger(w)) return w / tokens;
  return ratioToDouble(windowNs, BigInt(tokens));
}

/**
 * MLPerf LoadGen's TPOT (results.cc), which differs: (latency − TTFT) /
 * (tokens − 1) over the whole output's tokens, in int64 ns truncated toward
 * zero; null under 2 tokens.
 */
export function loadgenTpotNs(latencyNs: number, ttftNs: number, tokens: number): number | null {
  if (tokens < 2) return null;
  return Number((BigInt(latencyNs) - BigInt(ttftNs)) / BigInt(tokens - 1));
}
