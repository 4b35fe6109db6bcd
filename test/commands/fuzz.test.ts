// A seeded fuzz run (small, for CI; scripts/fuzz.mjs runs the large one):
// mutated real logs always end in a summary or a one-line error.
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../scripts/fuzz.mjs';

describe('fuzz', () => {
  it('200 mutated logs: no uncaught exception, no hang', async () => {
    const { tally, failures } = await fuzz({ runs: 200, seed: 42, timeoutMs: 30_000 });
    expect(failures).toEqual([]);
    expect(tally.runs).toBe(200);
    expect(tally.summaries + tally.oneLineErrors).toBe(200);
    // The mutations really damage the logs: most runs report warnings.
    expect(tally.warnings).toBeGreaterThan(100);
  }, 300_000);
});
