// The text report, line for line as the script's render_text: the steady-state
// headline (window, TPS, TTFT/TPOT percentiles, drift warning, anomaly), then per
// window size the CoV table and the whole-run trend table. Floats are formatted
// as Python's format() does. No trailing newline (the script's print adds one). Pure.
import type { DiagnosticsResult, SteadyState } from './diagnostics.js';
import { PyValueError, pyRepr } from './py.js';
import { fixed, padLeft, padRight } from './pyFormat.js';
import { ALGORITHMS, type Verdict } from './trend.js';

const VERDICT_GLYPH: Record<Verdict, string> = { up: '^ up', down: 'v down', steady: '= steady', insufficient: '. n/a' };

const passGlyph = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'PASS' : 'fail');

const ms = (ns: number): string => `${fixed(ns / 1e6, 2)}ms`;

function renderSteadyState(ss: SteadyState): string[] {
  const out = ['=== STEADY STATE (headline) ==='];
  if (!ss.found) out.push(`  not found: ${ss.reason}`);
  else {
    const w = ss.window!;
    const tps = ss.tps!;
    out.push(`  window: super-passes ${w.spLo}..${w.spHi - 1} (post-warmup), ${w.nSamples} samples`);
    out.push(`  TPS per-user: ${fixed(tps.perUser, 1, 8)} tok/s/user  CI [${fixed(tps.perUserCi[0], 1)}, ${fixed(tps.perUserCi[1], 1)}]`);
    out.push(`  TPS system:   ${fixed(tps.system, 1, 8)} tok/s        CI [${fixed(tps.systemCi[0], 1)}, ${fixed(tps.systemCi[1], 1)}]`);
    for (const [name, s] of [
      ['TTFT', ss.ttft],
      ['TPOT', ss.tpot],
    ] as const) {
      if (s) out.push(`  ${name} p50 ${ms(s.p50)}  p90 ${ms(s.p90)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  mean ${ms(s.mean)}`);
    }
  }
  if (ss.driftingUp.length > 0) {
    out.push(`  WARNING: ${ss.driftingUp.join(', ')} drifting UP over the rest of the run -- the window is a local plateau; global steady state is questionable`);
  }
  const an = ss.anomaly;
  if (an.detected) out.push(`  ANOMALY: level shift at super-pass ${an.changePointSp}, TPOT ${fixed(an.deltaPct, 1, 0, '+')}% toward end of run (likely degradation)`);
  return out;
}

/** render_text(result, cov_bounds). Throws where the script would (a bound whose str() is not a key of the table). */
export function renderText(result: DiagnosticsResult, covBounds: readonly number[]): string {
  const lines: string[] = [];
  lines.push(`super-passes: ${result.nSuperPasses} (size ${result.superpassSize}, warmup ${result.warmup}, post-warmup ${result.nPostWarmup})`);
  lines.push('');
  lines.push(...renderSteadyState(result.steadyState));
  lines.push('');
  lines.push('--- diagnostics (per window size) ---');
  const gated = new Set(result.gatedMetrics);
  const boundHeader = covBounds.map((b) => `cov<=${pyRepr(b)}`).join('  ');
  const algos = [...ALGORITHMS.keys()];
  // sorted(keys, key=int): stable, so equal ints keep insertion order.
  const sizes = [...result.cov.keys()].sort((a, b) => Number(a) - Number(b));
  for (const w of sizes) {
    const covTable = result.cov.get(w)!;
    lines.push('', `=== window size ${w} ===`, '', `CoV steadiness (trailing ${w} super-passes)`);
    lines.push(`  ${padRight('metric', 12)} ${padRight('gate', 5)} ${padLeft('CoV', 8)}   ${boundHeader}`);
    for (const key of result.metrics) {
      const cell = covTable.get(key)!;
      const covs = cell.cov !== null ? fixed(cell.cov, 4) : '   n/a';
      const passes = covBounds
        .map((b) => {
          const k = pyRepr(b);
          if (!cell.passes.has(k)) throw new PyValueError(`KeyError: '${k}' (the script's render_text fails on this --cov-bounds list)`);
          return padLeft(passGlyph(cell.passes.get(k)!), 7);
        })
        .join('  ');
      lines.push(`  ${padRight(key, 12)} ${padRight(gated.has(key) ? 'gate' : 'diag', 5)} ${padLeft(covs, 8)}   ${passes}`);
    }
    lines.push('', 'drift (whole-run trend per metric; rolling scan is in --json)');
    lines.push(`  ${padRight('metric', 12)} ${algos.map((a) => padLeft(a, 16)).join('  ')}`);
    const driftTable = result.drift.get(w)!;
    for (const key of result.metrics) {
      const whole = driftTable.get(key)!.wholeRun;
      lines.push(`  ${padRight(key, 12)} ${algos.map((a) => padLeft(VERDICT_GLYPH[whole.get(a)!], 16)).join('  ')}`);
    }
  }
  return lines.join('\n');
}
