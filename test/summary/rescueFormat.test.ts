// The rescue diff prints times in ms, as the summary table and compare do; counts stay counts.
import { describe, expect, it } from 'vitest';
import { formatRescue } from '../../src/summary/rescue.js';

describe('formatRescue', () => {
  it('shows nanosecond fields in ms and leaves the rest as they are', () => {
    const text = formatRescue({
      originalProblems: [],
      changes: [
        { field: 'n_samples_completed', original: 12, corrected: 20, delta: 8, relative: 8 / 12 },
        { field: 'duration_ns', original: 4_000_000_000, corrected: 4_308_000_000, delta: 308_000_000, relative: 0.077 },
        { field: 'ttft.median', original: 178_003_701, corrected: 180_000_000, delta: 1_996_299, relative: 1_996_299 / 178_003_701 },
        { field: 'tpot.p99.0', original: 16_673_120.5, corrected: 16_673_000, delta: -120.5, relative: -120.5 / 16_673_120.5 },
        { field: 'output_sequence_lengths.avg', original: 80.5, corrected: 93.8, delta: 13.3, relative: 13.3 / 80.5 },
        { field: 'complete', original: false, corrected: true, delta: null, relative: null },
      ],
    });
    expect(text.split('\n')).toEqual([
      '6 field(s) changed (original → corrected; times in ms):',
      '  n_samples_completed: 12 → 20 (+66.67%)',
      '  duration_ns: 4,000 ms → 4,308 ms (+7.70%)',
      '  ttft.median: 178.004 ms → 180 ms (+1.12%)',
      '  tpot.p99.0: 16.673 ms → 16.673 ms (-0.00%)',
      '  output_sequence_lengths.avg: 80.500000 → 93.800000 (+16.52%)',
      '  complete: false → true',
      '',
    ]);
  });
});
