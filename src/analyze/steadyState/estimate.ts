// Estimation over the chosen window: non-overlapping batch-means confidence
// intervals (super-passes as batches), per-user and system TPS, the Pettitt
// change-point test, and the level-shift (staircase) anomaly built on it.
// Port of the script's "Estimation" section and detect_level_shift. Pure.
import { normalInvCdf, pySum } from './py.js';
import { pooled, type SuperPassRollup } from './series.js';
import type { Span } from './plateau.js';
import { MIN_TREND_N } from './trend.js';

/** Two-sided 95% Student-t critical values by degrees of freedom (1.96 beyond 30). */
const T_CRIT_95 = [
  NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
  2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export const tCrit95 = (df: number): number => (df >= 1 && df <= 30 ? T_CRIT_95[df]! : 1.96);

/** CI of the grand mean from batch means; a point for fewer than two batches, (0, 0) for none. */
export function batchMeansCi(batchMeans: readonly number[], confidence = 0.95): [number, number] {
  const k = batchMeans.length;
  if (k === 0) return [0.0, 0.0];
  const m = pySum(batchMeans) / k;
  if (k < 2) return [m, m];
  const v = pySum(batchMeans.map((b) => (b - m) * (b - m))) / (k - 1);
  const se = Math.sqrt(v) / Math.sqrt(k);
  const crit = confidence === 0.95 ? tCrit95(k - 1) : normalInvCdf(1.0 - (1.0 - confidence) / 2.0);
  return [m - crit * se, m + crit * se];
}

/** 1-based ranks, ties sharing their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
  const ranks = new Array<number>(n).fill(0);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const avg = (i + 1 + j + 1) / 2.0;
    for (let k = i; k <= j; k++) ranks[order[k]!] = avg;
    i = j + 1;
  }
  return ranks;
}

export interface PettittResult {
  /** Size of the first segment. */
  changePoint: number;
  kStat: number;
  pvalue: number;
  significant: boolean;
}

/** Pettitt's nonparametric single-change-point test. */
export function pettitt(values: readonly number[], alpha = 0.05): PettittResult {
  const n = values.length;
  if (n < MIN_TREND_N) return { changePoint: 0, kStat: 0.0, pvalue: 1.0, significant: false };
  const ranks = averageRanks(values);
  let cum = 0.0;
  let kStat = 0.0;
  let cp = 0;
  for (let t = 1; t < n; t++) {
    cum += ranks[t - 1]!;
    const u = 2.0 * cum - t * (n + 1);
    if (Math.abs(u) > kStat) {
      kStat = Math.abs(u);
      cp = t;
    }
  }
  const pvalue = Math.min(1.0, 2.0 * Math.exp((-6.0 * kStat * kStat) / (n ** 3 + n ** 2)));
  return { changePoint: cp, kStat, pvalue, significant: pvalue < alpha };
}

/** Output tokens/s/user from the mean TPOT (ns). */
export const perUserTps = (meanTpotNs: number): number => (meanTpotNs > 0 ? 1e9 / meanTpotNs : 0.0);

/** Output tokens/s over a wall-clock span (ns). */
export const systemTps = (outTokens: number, elapsedNs: bigint): number => (elapsedNs > 0n ? outTokens / (Number(elapsedNs) / 1e9) : 0.0);

/** Mean of the TPOT samples of super-passes [lo, hi); 0 without any. */
export function tpotMean(series: readonly SuperPassRollup[], lo: number, hi: number): number {
  const vals = pooled(series, lo, hi, 'tpotNs');
  return vals.length > 0 ? pySum(vals) / vals.length : 0.0;
}

export interface Anomaly {
  detected: boolean;
  changePointSp: number | null;
  /** Signed % change of the later TPOT level vs the first plateau (> 0: TPOT rose). */
  deltaPct: number;
  pettitt: PettittResult | null;
  plateaus: Span[];
}

/**
 * A staircase: a later plateau whose pooled TPOT mean differs from the first
 * plateau's by more than `covBand`, corroborated by a significant Pettitt change
 * point on the per-super-pass TPOT means of the whole series.
 */
export function detectLevelShift(series: readonly SuperPassRollup[], plateaus: readonly Span[], covBand = 0.05): Anomaly {
  const out: Anomaly = { detected: false, changePointSp: null, deltaPct: 0.0, pettitt: null, plateaus: plateaus.map(([lo, hi]) => [lo, hi]) };
  if (plateaus.length < 2) return out;
  const firstMean = tpotMean(series, ...plateaus[0]!);
  if (firstMean <= 0) return out;
  const spMeans = series.map((sp) => (sp.tpotNs.length > 0 ? pySum(sp.tpotNs) / sp.tpotNs.length : 0.0));
  const pet = pettitt(spMeans);
  out.pettitt = pet;
  for (const [lo, hi] of plateaus.slice(1)) {
    const rel = (tpotMean(series, lo, hi) - firstMean) / firstMean;
    if (Math.abs(rel) > covBand && pet.significant) {
      out.detected = true;
      out.changePointSp = pet.changePoint;
      out.deltaPct = rel * 100.0;
      break;
    }
  }
  return out;
}
