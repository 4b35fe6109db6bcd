// The reference aggregator's rules, one by one, on hand-built event sequences
// whose expected values are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { Chunks, type EventRecord, type EventType } from '../../src/model/events.js';
import { Aggregator, type TokenJob } from '../../src/aggregate/aggregator.js';

const T0 = 1_000_000_000n;

function ev(eventType: EventType, t: bigint, uuid = '', extra: Partial<EventRecord> = {}): EventRecord {
  return { eventType, timestampNs: t, sampleUuid: uuid, conversationId: '', turn: null, data: null, finishReason: undefined, workerId: undefined, ...extra };
}
const prompt = (text: string | null, ids: number | null = null): EventRecord['data'] => ({ tag: 'PromptData', text, tokenIdsCount: ids, messages: null, tools: null, chatTemplateKwargs: null, chatTemplate: null, toolChoice: null });
const output = (o: string | string[]): EventRecord['data'] => ({ tag: 'TextModelOutput', output: typeof o === 'string' ? o : Chunks.of(o), reasoning: null, toolCalls: null });

function replay(events: EventRecord[], opts = { streaming: true, tokenize: true }, count: (j: TokenJob) => number = (j) => (j.input.kind === 'text' ? j.input.text.length : 0)) {
  const jobs: TokenJob[] = [];
  const agg = new Aggregator(opts, (j) => jobs.push(j));
  for (const e of events) agg.process(e);
  for (const j of jobs) agg.applyCount(j, count(j));
  return { agg, jobs };
}

const start = [ev('session.started', T0), ev('session.start_performance_tracking', T0 + 10n)];

describe('aggregator replay', () => {
  it('counts a plain streamed sample: TTFT, latency, ISL, OSL, TPOT', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a', { data: prompt('hello') }),
      ev('sample.recv_first', T0 + 150n, 'a'),
      ev('sample.recv_non_first', T0 + 170n, 'a'),
      ev('sample.complete', T0 + 250n, 'a', { data: output(['ab', 'cde', 'f']), finishReason: 'stop' }),
    ]);
    expect(agg.series.ttft.values.toArray()).toEqual([50]); // 150 − 100
    expect(agg.series.latency.values.toArray()).toEqual([150]); // 250 − 100
    expect(agg.series.isl.values.toArray()).toEqual([5]); // "hello"
    expect(agg.series.osl.values.toArray()).toEqual([6]); // "abcdef"
    expect(agg.series.tpot.values.toArray()).toEqual([100 / 4]); // (250 − 150) / len("cdef")
    expect(agg.counters.trackedSamplesCompleted).toBe(1);
    expect(agg.counters.finishReasons.stop).toBe(1);
    expect(agg.trackedDurationNs).toBe(240n); // 250 − 10
    expect(agg.chunkDeltas).toBe(1);
  });

  it('duplicate ISSUED (retry) keeps the row, fires ISL again, counts again, moves issued_ns', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a', { data: prompt('abc') }),
      ev('sample.issued', T0 + 200n, 'a', { data: prompt('abcd') }),
      ev('sample.complete', T0 + 260n, 'a', { data: output('x') }),
    ]);
    expect(agg.counters.totalSamplesIssued).toBe(2);
    expect(agg.counters.trackedSamplesIssued).toBe(2);
    expect(agg.series.isl.values.toArray()).toEqual([3, 4]);
    expect(agg.series.latency.values.toArray()).toEqual([60]); // from the retry's issue
    expect(agg.counters.trackedSamplesCompleted).toBe(1);
    expect(agg.retries).toBe(1);
  });

  it('a duplicate ISSUED after tracking stopped counts as tracked but fires no ISL (the reference does so)', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a', { data: prompt('abc') }),
      ev('session.stop_performance_tracking', T0 + 150n),
      ev('sample.issued', T0 + 200n, 'a', { data: prompt('abcdef') }),
    ]);
    expect(agg.counters.totalSamplesIssued).toBe(2);
    expect(agg.counters.trackedSamplesIssued).toBe(2);
    expect(agg.series.isl.values.toArray()).toEqual([3]);
  });

  it('RECV_FIRST retries fire TTFT every time', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a'),
      ev('sample.recv_first', T0 + 130n, 'a'),
      ev('sample.recv_first', T0 + 190n, 'a'),
    ]);
    expect(agg.series.ttft.values.toArray()).toEqual([30, 90]);
  });

  it('ERROR before COMPLETE counts a tracked failure; errors for unknown uuids only the total', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a'),
      ev('error.generic', T0 + 150n, 'a', { data: { tag: 'ErrorData', errorType: 'Timeout', errorMessage: '' } }),
      ev('sample.complete', T0 + 140n, 'a'), // earlier timestamp: file order rules
      ev('error.client', T0 + 160n, 'zzz'),
      ev('error.loadgen', T0 + 170n),
    ]);
    expect(agg.counters.totalSamplesFailed).toBe(3);
    expect(agg.counters.trackedSamplesFailed).toBe(1);
    expect(agg.counters.trackedSamplesCompleted).toBe(1);
    expect(agg.series.latency.values.toArray()).toEqual([40]);
    expect(agg.samples.errorType.get(0)).toBe('Timeout');
  });

  it('completions after stop_performance_tracking stay tracked and extend their block; two blocks add up', () => {
    const { agg } = replay([
      ...start, // block 1 starts at +10
      ev('sample.issued', T0 + 100n, 'a'),
      ev('session.stop_performance_tracking', T0 + 200n),
      ev('sample.issued', T0 + 210n, 'untracked'),
      ev('sample.complete', T0 + 300n, 'a'), // block 1: 10 → 300
      ev('sample.complete', T0 + 320n, 'untracked'),
      ev('session.start_performance_tracking', T0 + 1000n), // block 2 starts at +1000
      ev('sample.issued', T0 + 1100n, 'b'),
      ev('sample.complete', T0 + 1500n, 'b'), // block 2: 1000 → 1500
    ]);
    expect(agg.blocks.map((b) => [b.startNs - T0, b.lastCompleteNs - T0, b.completed])).toEqual([
      [10n, 300n, 1],
      [1000n, 1500n, 1],
    ]);
    expect(agg.trackedDurationNs).toBe(290n + 500n);
    expect(agg.counters.trackedSamplesCompleted).toBe(2);
    expect(agg.counters.totalSamplesCompleted).toBe(3);
    expect(agg.counters.totalSamplesIssued).toBe(3);
    expect(agg.samples.block.toArray()).toEqual([0, -1, 1]);
  });

  it('legacy LoadGen window: first tracked issue to the completion of the latest-issued completed sample', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a'),
      ev('sample.issued', T0 + 200n, 'b'),
      ev('sample.issued', T0 + 300n, 'c'), // never completes
      ev('sample.complete', T0 + 900n, 'b'),
      ev('sample.complete', T0 + 1000n, 'a'), // issued earlier than b: does not move the end
    ]);
    expect(agg.loadgenWindowNs).toBe(800n); // 900 − 100
    expect(agg.inFlight).toBe(1);
  });

  it('stops at session.ended and ignores what follows; empty uuids are ignored', () => {
    const { agg } = replay([
      ...start,
      ev('sample.issued', T0 + 100n, ''),
      ev('sample.issued', T0 + 110n, 'a'),
      ev('session.ended', T0 + 200n),
      ev('sample.complete', T0 + 300n, 'a'),
    ]);
    expect(agg.ended).toBe(true);
    expect(agg.counters.totalSamplesIssued).toBe(1);
    expect(agg.counters.totalSamplesCompleted).toBe(0);
    expect(agg.process(ev('sample.issued', T0 + 400n, 'z'))).toBe(false);
  });

  it('finish reasons: known ones, "other" for the rest, none when absent, tracked only', () => {
    const evs = [...start];
    const reasons = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call', 'weird', 'other', undefined];
    reasons.forEach((r, i) => {
      evs.push(ev('sample.issued', T0 + 100n + BigInt(i), `s${i}`));
      evs.push(ev('sample.complete', T0 + 200n + BigInt(i), `s${i}`, { finishReason: r }));
    });
    evs.push(ev('sample.complete', T0 + 500n, 'never-issued', { finishReason: 'stop' }));
    const { agg } = replay(evs);
    expect(agg.counters.finishReasons).toEqual({ stop: 1, length: 1, tool_calls: 1, content_filter: 1, function_call: 1, other: 2 });
  });

  it('keeps totals exact with timestamps near 2^62 and hour-long latencies', () => {
    const base = 2n ** 62n - 10n ** 15n;
    const hour = 3_600_000_000_000n;
    const evs = [ev('session.started', base), ev('session.start_performance_tracking', base)];
    let expectedTotal = 0n;
    let expectedSumSq = 0n;
    for (let i = 0n; i < 50n; i++) {
      const issued = base + i * 1_000_003n;
      const latency = hour + i * 7n;
      expectedTotal += latency;
      expectedSumSq += latency * latency;
      evs.push(ev('sample.issued', issued, `u${i}`));
      evs.push(ev('sample.complete', issued + latency, `u${i}`));
    }
    const { agg } = replay(evs);
    expect(agg.series.latency.total).toBe(expectedTotal);
    expect(agg.series.latency.sumSq).toBe(expectedSumSq);
    expect(agg.trackedDurationNs).toBe(49n * 1_000_003n + hour + 49n * 7n);
  });

  it('TPOT is skipped when no token follows the first chunk; non-streaming runs have no TTFT/TPOT', () => {
    const streamed = replay([
      ...start,
      ev('sample.issued', T0 + 100n, 'a'),
      ev('sample.recv_first', T0 + 150n, 'a'),
      ev('sample.complete', T0 + 250n, 'a', { data: output(['only']) }),
    ]);
    expect(streamed.jobs.map((j) => j.metric)).toEqual(['osl']);
    const offline = replay(
      [...start, ev('sample.issued', T0 + 100n, 'a'), ev('sample.recv_first', T0 + 150n, 'a'), ev('sample.complete', T0 + 250n, 'a', { data: output(['ab', 'cd']) })],
      { streaming: false, tokenize: true },
    );
    expect(offline.agg.series.ttft.count).toBe(0);
    expect(offline.jobs.map((j) => j.metric)).toEqual(['osl']);
  });

  it('without a tokenizer only token-id prompts give ISL', () => {
    const { agg, jobs } = replay(
      [...start, ev('sample.issued', T0 + 100n, 'a', { data: prompt(null, 7) }), ev('sample.issued', T0 + 110n, 'b', { data: prompt('text') }), ev('sample.complete', T0 + 200n, 'b', { data: output('out') })],
      { streaming: true, tokenize: false },
    );
    expect(jobs).toEqual([]);
    expect(agg.series.isl.values.toArray()).toEqual([7]);
    expect(agg.series.osl.count).toBe(0);
  });
});

describe('chunk runs (processChunkRun)', () => {
  // Each case: the events replayed one by one, and the same events with every sample's
  // consecutive recv_non_first lines (no session event between) replayed as one run.
  const state = (agg: Aggregator) => ({
    chunkDeltas: agg.chunkDeltas,
    duration: agg.totalDurationNs,
    chunks: agg.samples.chunks.toArray(),
    ttft: agg.series.ttft.values.toArray(),
    latency: agg.series.latency.values.toArray(),
    tpot: agg.series.tpot.values.toArray(),
    counters: agg.counters,
  });
  const folded = (events: EventRecord[]) => {
    const agg = new Aggregator({ streaming: true, tokenize: false }, () => undefined);
    type Run = { uuid: string; n: number; last: bigint; max: bigint };
    const order: Array<EventRecord | Run> = [];
    const open = new Map<string, Run>();
    for (const e of events) {
      if (e.eventType === 'sample.recv_non_first' && e.sampleUuid) {
        const run = open.get(e.sampleUuid);
        if (run) {
          run.n++;
          run.last = e.timestampNs;
          if (e.timestampNs > run.max) run.max = e.timestampNs;
        } else {
          const r = { uuid: e.sampleUuid, n: 1, last: e.timestampNs, max: e.timestampNs };
          open.set(e.sampleUuid, r);
          order.push(r);
        }
        continue;
      }
      if (e.eventType.startsWith('session.')) open.clear();
      else open.delete(e.sampleUuid);
      order.push(e);
    }
    for (const x of order) {
      if ('eventType' in x) agg.process(x);
      else agg.processChunkRun(x.uuid, x.last, x.max, x.n);
    }
    return agg;
  };
  const oneByOne = (events: EventRecord[]) => replay(events, { streaming: true, tokenize: false }).agg;

  it('gives the state of replaying each chunk, across interleaved samples, a retry and a late, out-of-order chunk', () => {
    const events = [
      ...start,
      ev('sample.issued', T0 + 100n, 'a'),
      ev('sample.issued', T0 + 110n, 'b'),
      // b streams before its first chunk: no gap counted for its first recv_non_first.
      ev('sample.recv_non_first', T0 + 120n, 'b'),
      ev('sample.recv_first', T0 + 130n, 'a'),
      ev('sample.recv_non_first', T0 + 140n, 'a'),
      ev('sample.recv_non_first', T0 + 150n, 'b'),
      ev('sample.recv_non_first', T0 + 900n, 'a'),
      // Logged late with an earlier timestamp: the run's last is 160, its greatest 900.
      ev('sample.recv_non_first', T0 + 160n, 'a'),
      ev('sample.issued', T0 + 170n, 'b'),
      ev('sample.recv_non_first', T0 + 180n, 'b'),
      ev('sample.complete', T0 + 200n, 'a'),
      ev('sample.recv_non_first', T0 + 210n, 'a'),
      ev('sample.complete', T0 + 220n, 'b'),
      ev('session.ended', T0 + 230n),
    ];
    const expected = oneByOne(events);
    // a: 3 gaps (140, 900, 160 each after an arrival); b: 150 and 180 after 120 (its first had none).
    expect(expected.chunkDeltas).toBe(5);
    expect(state(folded(events))).toEqual(state(expected));
  });

  it('takes the latest timestamp only once the session has started, and nothing after it ended', () => {
    const events = [
      ev('sample.recv_non_first', T0 + 5_000n, 'x'),
      ev('session.started', T0),
      ev('sample.issued', T0 + 100n, 'x'),
      ev('sample.recv_non_first', T0 + 7_000n, 'x'),
      ev('session.ended', T0 + 300n),
      ev('sample.recv_non_first', T0 + 9_000n, 'x'),
    ];
    const expected = oneByOne(events);
    expect(expected.totalDurationNs).toBe(7_000n);
    expect(state(folded(events))).toEqual(state(expected));
  });
});
