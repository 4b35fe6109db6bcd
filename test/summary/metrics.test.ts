// The metric catalogue against the reference's own summaries (the golden
// cases' expected_result_summary.json, written by the endpoints' Report code):
// it names every metric they hold, and nothing they lack.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metric, SCALAR_METRICS, SERIES_METRICS, TIME_SERIES_KEYS } from '../../src/summary/metrics.js';

const GOLDEN = join(__dirname, '..', '..', 'fixtures', 'golden');
const cases = readdirSync(GOLDEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const expected = (c: string): Record<string, unknown> => JSON.parse(readFileSync(join(GOLDEN, c, 'expected_result_summary.json'), 'utf8')) as Record<string, unknown>;
const NOT_METRICS = ['version', 'git_sha', 'test_started_at', 'state', 'complete', 'finish_reason_counts', 'run_config'];

describe('metric catalogue', () => {
  it('has golden cases to hold it against', () => {
    expect(cases.length).toBeGreaterThan(5);
  });
  it.each(cases)('%s: the series are the summary\'s series, the scalars its other fields', (c) => {
    const s = expected(c);
    expect(SERIES_METRICS.map((m) => m.key).sort()).toEqual(Object.keys(s).filter((k) => s[k] !== null && typeof s[k] === 'object' && !NOT_METRICS.includes(k)).sort());
    expect(SCALAR_METRICS.map((m) => m.key).sort()).toEqual(Object.keys(s).filter((k) => (s[k] === null || typeof s[k] === 'number') && !NOT_METRICS.includes(k)).sort());
  });
  it('times are ns shown in ms, lengths are tokens; keys are unique', () => {
    expect(TIME_SERIES_KEYS).toEqual(['ttft', 'tpot', 'latency']);
    for (const k of TIME_SERIES_KEYS) expect([metric(k).unit, metric(k).scale, metric(k).better]).toEqual(['ms', 1e-6, 'lower']);
    expect(metric('output_sequence_lengths').unit).toBe('tokens');
    const keys = [...SERIES_METRICS, ...SCALAR_METRICS].map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
