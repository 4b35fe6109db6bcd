// A sample table restored from its snapshot (as the notebook thread restores
// it, over the same memory) reads every row and column as the table the
// replay filled, and builds the same Arrow batches.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SampleTable } from '../../src/aggregate/sampleTable.js';
import { samplesBatches } from '../../src/output/arrowTables.js';
import { replayLog } from '../../src/pipeline/replay.js';
import { openLog } from '../../src/read/open.js';

const CASE = join(__dirname, '..', '..', 'fixtures', 'golden', 'errors-retries', 'events.jsonl');

describe('sample table snapshots', () => {
  it('restore to the same rows, columns and samples batches', async () => {
    const { aggregator } = await replayLog(openLog(CASE), { streaming: true, counter: null });
    const s = aggregator.samples;
    expect(s.length).toBeGreaterThan(10);
    const t = SampleTable.restore(structuredClone(s.snapshot()));
    expect(t.length).toBe(s.length);
    for (const key of ['uuid', 'conversationId', 'turn', 'block', 'issuedNs', 'firstChunkNs', 'completeNs', 'ttftNs', 'latencyNs', 'tpotNs', 'isl', 'osl', 'tokensAfterFirst', 'chunks', 'issueCount', 'finishReason', 'errorType', 'errorMessage', 'workerId'] as const) {
      expect(t[key].toArray(), key).toEqual(s[key].toArray());
    }
    // The log has failures and retries: the columns that say so are not all null.
    expect(s.errorType.toArray().some((v) => v !== null)).toBe(true);
    expect(s.issueCount.toArray().some((v) => v! > 1)).toBe(true);
    const rows = (table: SampleTable) => [...samplesBatches({ samples: table, timeBaseNs: aggregator.timeBaseNs }, 7)].map((b) => b.toArray().map((r) => r.toJSON()));
    expect(rows(t)).toEqual(rows(s));
  });
});
