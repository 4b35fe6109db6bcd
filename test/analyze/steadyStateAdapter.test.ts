// Where the events.jsonl adapter and the command must part from the reference
// script because the script fails (a traceback) or reads what replay's decoder
// rejects: each such line is skipped and reported by number, each bad flag is a
// one-line ReplayError. Expected values are worked out by hand in each case.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { steadyInputFromLog } from '../../src/analyze/steadyState/fromEvents.js';
import { runSteadyState } from '../../src/commands/steadyState.js';
import { ReplayError } from '../../src/base/errors.js';

const TOKENIZER = join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const ev = (type: string, ts: number, uuid = '', data: unknown = null): string => JSON.stringify({ event_type: type, timestamp_ns: ts, sample_uuid: uuid, data });
const words = async (texts: string[]): Promise<number[]> => texts.map((t) => t.split(/\s+/).filter(Boolean).length);

function write(lines: (string | Buffer)[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'steady-adapter-')), 'events.jsonl');
  writeFileSync(path, Buffer.concat(lines.map((l) => Buffer.concat([typeof l === 'string' ? Buffer.from(l) : l, Buffer.from('\n')]))));
  return path;
}

describe('events.jsonl adapter', () => {
  it('skips and reports the lines the decoder rejects, silently skips blank ones', async () => {
    const path = write([
      ev('session.start_performance_tracking', 0),
      '[1, 2]', // the script: AttributeError on list.get
      Buffer.from([0x7b, 0xff, 0x7d]), // the script: UnicodeDecodeError
      '   ',
      '{"event_type":"sample.issued","timestamp_ns":1.5e3,"sample_uuid":"F"}', // the script would take 1500.0
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b b']]),
    ]);
    const r = await steadyInputFromLog(path, words);
    expect(r.lines).toBe(8);
    expect(r.skippedCount).toBe(3);
    expect(r.skipped.map((s) => s.line)).toEqual([2, 3, 5]);
    expect(r.input.samples).toEqual([{ firstIssueNs: 1000n, lastEventNs: 3000n, ttftNs: 500, decode: { spanNs: 1500, tokens: 2, completionRank: 0 } }]);
  });

  it('a uuid reused after completing is a new sample, even inside one tokenizer batch (the script: KeyError)', async () => {
    const path = write([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1100, 'A'),
      ev('sample.complete', 1400, 'A', ['TextModelOutput', ['x ', 'one two three']]),
      ev('sample.issued', 2000, 'A'),
      ev('sample.recv_first', 2500, 'A'),
      ev('sample.complete', 2900, 'A', ['TextModelOutput', ['y ', 'four']]),
    ]);
    const r = await steadyInputFromLog(path, words);
    expect(r.input.samples).toEqual([
      { firstIssueNs: 1000n, lastEventNs: 1400n, ttftNs: 100, decode: { spanNs: 300, tokens: 3, completionRank: 0 } },
      { firstIssueNs: 2000n, lastEventNs: 2900n, ttftNs: 500, decode: { spanNs: 400, tokens: 1, completionRank: 1 } },
    ]);
  });

  it('PromptData with several token ids on a complete is reported (the script: TypeError in join)', async () => {
    const path = write([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1100, 'A'),
      ev('sample.complete', 1400, 'A', ['PromptData', 'text', [1, 2]]),
    ]);
    const r = await steadyInputFromLog(path, words);
    expect(r.skipped).toEqual([{ line: 4, reason: expect.stringContaining('PromptData') }]);
    expect(r.input.samples[0]).toEqual({ firstIssueNs: 1000n, lastEventNs: 1400n, ttftNs: 100, decode: null });
  });

  it('counts in batches of flushSize and checks the counter', async () => {
    const lines = [ev('session.start_performance_tracking', 0)];
    for (let i = 0; i < 5; i++) lines.push(ev('sample.issued', 10 * i, `s${i}`), ev('sample.recv_first', 10 * i + 1, `s${i}`), ev('sample.complete', 10 * i + 9, `s${i}`, ['TextModelOutput', ['a ', 'b '.repeat(i + 1)]]));
    const path = write(lines);
    const batches: number[] = [];
    const r = await steadyInputFromLog(path, async (t) => (batches.push(t.length), words(t)), { flushSize: 2 });
    expect(batches).toEqual([2, 2, 1]);
    expect(r.input.samples.map((s) => s.decode!.tokens)).toEqual([1, 2, 3, 4, 5]);
    await expect(steadyInputFromLog(path, async (t) => t.slice(1).map(() => 1))).rejects.toThrow(/returned 4 counts for 5 texts/);
  });
});

describe('runSteadyState errors', () => {
  const path = write([ev('session.start_performance_tracking', 0)]);
  const run = (extra: object) => runSteadyState({ input: path, tokenizer: TOKENIZER, datasetSize: 10, ...extra });

  it.each([
    [{ trendGate: 'nope' }, /--trend-gate: invalid choice "nope"/],
    [{ warmup: -1 }, /--warmup must be >= 0, got -1/],
    [{ datasetSize: 0 }, /--superpass-size must be positive, got 0/],
    [{ superpassSize: -3 }, /--superpass-size must be positive, got -3/],
    [{ datasetSize: 2.5 }, /--dataset-size must be an integer/],
  ])('%o', async (extra, message) => {
    const err = await run(extra).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as Error).message).toMatch(message);
  });

  it('an empty --cov-bounds fails only where the script fails: on a run long enough to segment', async () => {
    await expect(run({ covBounds: [] })).resolves.toMatchObject({ skippedCount: 0 });
    const lines = [ev('session.start_performance_tracking', 0)];
    for (let i = 0; i < 5; i++) lines.push(ev('sample.issued', 10 * i, `s${i}`));
    const long = write(lines);
    await expect(runSteadyState({ input: long, tokenizer: TOKENIZER, datasetSize: 1, warmup: 0, covBounds: [] })).rejects.toThrow(/max\(\) arg is an empty sequence/);
  });

  it('bounds 0.0 and -0.0 together fail as the script does (a KeyError in render_text)', async () => {
    await expect(run({ covBounds: [0, -0] })).rejects.toThrow(/KeyError: '-0.0'/);
  });
});
