// The conventions rows labelled as this summary use the summary's own
// population: on a run with failed requests they give the reference's own
// numbers (the golden summary), where the other tools' rows leave failures out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recompute } from '../../src/commands/recompute.js';

const ROOT = join(__dirname, '..', '..');
const CASE = join(ROOT, 'fixtures', 'golden', 'errors-retries');

describe('conventions.json, this summary', () => {
  it('matches the reference summary on a run with failed requests', async () => {
    const expected = JSON.parse(readFileSync(join(CASE, 'expected_result_summary.json'), 'utf8'));
    expect(expected.n_samples_failed).toBeGreaterThan(0);
    const out = mkdtempSync(join(tmpdir(), 'conv-'));
    await recompute({ input: join(CASE, 'events.jsonl'), tokenizer: join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models'), workers: 0, out, runConfig: 'null' });
    const rows = JSON.parse(readFileSync(join(out, 'conventions.json'), 'utf8')) as Array<{ tool: string; metric: string; count: number; mean: number; p50: number; p99: number }>;
    const mine = (metric: string) => rows.find((r) => r.tool === 'MLCommons endpoints (this summary)' && r.metric.startsWith(metric))!;
    const latency = mine('latency p99');
    expect(latency.p99).toBe(expected.latency.percentiles['99.0']);
    expect(latency.p50).toBe(expected.latency.median);
    expect(latency.count * latency.mean).toBeCloseTo(expected.latency.total, 0);
    const tpot = mine('TPOT');
    expect(tpot.mean / expected.tpot.avg).toBeCloseTo(1, 12);
    expect(tpot.p50).toBe(expected.tpot.median);
    // The other tools' rows count only requests that completed without an error: fewer.
    expect(rows.find((r) => r.tool === 'MLPerf LoadGen')!.count).toBeLessThan(latency.count);
  });
});
