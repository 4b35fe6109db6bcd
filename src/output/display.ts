// The human summary, in the layout of the reference's report.txt (Report.display).
import type { PyJson } from '../model/json.js';
import { metric, SERIES_METRICS } from '../summary/metrics.js';

type Dict = { [k: string]: PyJson | undefined };
const num = (v: PyJson | undefined): number | null => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : null);

export function renderSummary(s: Dict): string {
  const out: string[] = [];
  const p = (line = ''): void => {
    out.push(line);
  };
  p('----------------- Summary -----------------');
  if (s['state'] === 'interrupted') p('WARNING: the log ends before session.ended — metrics cover what was logged.');
  else if (s['complete'] !== true) p('WARNING: summary is incomplete — some token counts are missing.');
  p(`Version: ${String(s['version'])}`);
  if (s['git_sha']) p(`Git SHA: ${String(s['git_sha'])}`);
  const rc = s['run_config'];
  if (rc && typeof rc === 'object' && !Array.isArray(rc)) {
    p('Run config:');
    for (const [section, params] of Object.entries(rc)) {
      if (params && typeof params === 'object' && !Array.isArray(params)) {
        p(`  ${section}: ${Object.entries(params).map(([k, v]) => `${k}=${pyStr(v)}`).join(', ')}`);
      } else p(`  ${section}: ${pyStr(params)}`);
    }
  }
  for (const key of ['n_samples_issued', 'n_samples_completed', 'n_samples_failed'] as const) p(`${metric(key).title}: ${String(s[key])}`);
  const d = num(s['duration_ns']);
  p(`${metric('duration_ns').title}: ${d === null ? 'N/A' : `${(d / 1e9).toFixed(2)} seconds`}`);
  const qps = num(s['qps']);
  const tps = num(s['tps']);
  p(`${metric('qps').title}: ${qps === null ? 'N/A' : qps.toFixed(2)}`);
  p(`${metric('tps').title}: ${tps === null ? 'N/A' : tps.toFixed(2)}`);
  p();
  p('------------------- Latency Breakdowns -------------------');
  for (const { title, key, unit, scale } of SERIES_METRICS) {
    const m = s[key] as Dict | undefined;
    if (!m || typeof m !== 'object' || Object.keys(m).length === 0) continue;
    p(`${title}:`);
    const f = (v: PyJson | undefined): string => {
      const x = num(v);
      return x === null ? 'N/A' : (x * scale).toFixed(2);
    };
    for (const [name, k] of [['Min', 'min'], ['Max', 'max'], ['Median', 'median'], ['Avg.', 'avg'], ['Std Dev.', 'std_dev']] as const) {
      p(`  ${name}: ${f(m[k])} ${unit}`);
    }
    const pct = m['percentiles'] as Dict | undefined;
    if (pct) {
      p('  Percentiles:');
      for (const [k, v] of Object.entries(pct)) p(`  ${k.padStart(6)}: ${f(v)} ${unit}`);
    }
    const es = m['early_stopping_percentiles'] as Dict | undefined;
    if (es && Object.keys(es).length > 0) {
      p('  Early-stopping percentile estimates (N/A = insufficient samples):');
      for (const [k, v] of Object.entries(es)) p(`  ${k.padStart(6)}: ${f(v)} ${unit}`);
    }
    p();
  }
  p('----------------- End of Report -----------------');
  return out.join('\n');
}

function pyStr(v: PyJson | undefined): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}
