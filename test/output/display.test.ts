// The console summary of a reference summary (a golden case's expected_result_summary.json): its
// sections, titles and units from the metric catalogue, each number formatted by Python's own
// f"{x:.2f}" (python3 run here), as the reference's Report.display formats them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/output/display.js';
import { parsePyJson } from '../../src/py/json.js';

const FILE = join(__dirname, '..', '..', 'fixtures', 'golden', 'early-stopping', 'expected_result_summary.json');

const PY = `
import json, sys
s = json.load(open(sys.argv[1]))
out = [f"Total samples issued: {s['n_samples_issued']}", f"Duration: {s['duration_ns'] / 1e9:.2f} seconds", f"QPS: {s['qps']:.2f}", f"TPS: {s['tps']:.2f}"]
for title, key, unit, scale in [('TTFT', 'ttft', 'ms', 1e-6), ('TPOT', 'tpot', 'ms', 1e-6), ('Latency', 'latency', 'ms', 1e-6), ('Input sequence lengths', 'input_sequence_lengths', 'tokens', 1), ('Output sequence lengths', 'output_sequence_lengths', 'tokens', 1)]:
    m = s[key]
    out.append(f"{title}:")
    for name, k in [('Min', 'min'), ('Max', 'max'), ('Median', 'median'), ('Avg.', 'avg'), ('Std Dev.', 'std_dev')]:
        out.append(f"  {name}: {m[k] * scale:.2f} {unit}")
    for k, v in m['percentiles'].items():
        out.append(f"  {k:>6}: {v * scale:.2f} {unit}")
print(json.dumps(out))
`;

describe('renderSummary', () => {
  it('prints every metric of a streaming summary with its title, unit and scale, numbers as Python formats them', () => {
    const run = spawnSync('python3', ['-c', PY, FILE], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as string[];
    const text = renderSummary(parsePyJson(readFileSync(FILE, 'utf8')) as Record<string, never>);
    const lines = text.split('\n');
    let at = -1;
    for (const line of expected) {
      const i = lines.indexOf(line, at + 1);
      expect(i, `"${line}" after line ${at}`).toBeGreaterThan(at);
      at = i;
    }
  });
});
