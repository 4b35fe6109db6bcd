// Dynamo-style histograms: bucket edges against the same algorithm computed by
// Python over glibc's libm (what Dynamo's Rust calls on Linux); histogram_quantile
// by hand; bucket counts against samples.arrow, read by this file's line reader and
// by an npm parser of the Prometheus text format (@platformatic/promotel). promtool
// and Prometheus itself: scripts/check-promtool.sh (docs/analyses.md).
import { spawnSync } from 'node:child_process';
import { parse as promParse } from '@platformatic/promotel';
import { beforeAll, describe, expect, it } from 'vitest';
import { DYNAMO_HISTOGRAMS, exactP99, generateLogBuckets, histogramQuantile, pointTimes, renderMetrics, type RenderedMetrics } from '../../src/analyze/openmetrics.js';
import { percentileLower } from '../../src/stats/percentiles.js';
import { goldenRun, succeededRows, type GoldenRun, type SampleRow } from './goldenRun.js';


/** Sample lines of an exposition: name, labels, value, timestamp (a line reader, no validation). */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number; ts: string | null }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number; ts: string | null }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)(?: (\S+))?$/.exec(line);
    if (!m) throw new Error(`unreadable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of m[2]!.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]), ts: m[4] ?? null });
  }
  return out;
}

describe('bucket edges', () => {
  it("equal Dynamo's generate_log_buckets computed by Python with glibc's log, exp, log10 and pow", () => {
    const py = String.raw`
import json, math
from decimal import Decimal, ROUND_HALF_UP
def rnd(v, sig):
    if v == 0.0: return 0.0
    mag = math.floor(math.log10(abs(v)))
    scale = math.pow(10.0, sig - 1.0 - mag)
    x = v * scale
    r = float(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return r / scale
def buckets(lo, hi, n):
    out = [0.0]
    for i in range(1, n):
        out.append(rnd(math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * i / (n - 1)), 2))
    return [v for k, v in enumerate(out) if k == 0 or v != out[k - 1]]
print(json.dumps([buckets(*c) for c in [(0.001, 480.0, 18), (0.001, 2.0, 13), (1.0, 512.0, 10), (50.0, 128000.0, 12), (50.0, 32000.0, 10)]]))
`;
    const run = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as number[][];
    expect(DYNAMO_HISTOGRAMS.slice(0, 5).map((h) => h.edges)).toEqual(expected);
    // The TTFT edges start 0, 0.0022, 0.0047 (0.001 · 480000^(k/17) at 2 significant figures).
    expect(DYNAMO_HISTOGRAMS[0]!.edges.slice(0, 3)).toEqual([0, 0.0022, 0.0047]);
    expect(generateLogBuckets(1, 10, 1)).toEqual([0]);
    expect(DYNAMO_HISTOGRAMS[5]!.edges).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600]);
  });
});

describe('histogramQuantile (promql bucketQuantile)', () => {
  const le = [1, 2, 4, Infinity];
  it('interpolates linearly inside the bucket holding the rank', () => {
    // rank 0.99·20 = 19.8 falls in (1, 2] holding 10: 1 + (19.8 − 10) / 10.
    expect(histogramQuantile(0.99, le, [10, 20, 20, 20])).toBeCloseTo(1.98, 12);
    expect(histogramQuantile(0.5, le, [10, 20, 20, 20])).toBe(1);
  });
  it('returns the second-highest bound when the rank falls in +Inf', () => {
    expect(histogramQuantile(0.99, le, [10, 10, 10, 20])).toBe(4);
  });
  it('interpolates the lowest bucket from 0, or returns its bound when that is <= 0', () => {
    expect(histogramQuantile(0.5, le, [10, 10, 10, 10])).toBe(0.5);
    expect(histogramQuantile(0.5, [-1, 0, 1, Infinity], [5, 5, 5, 5])).toBe(-1);
  });
  it('handles the special cases as Prometheus does', () => {
    expect(histogramQuantile(1.5, le, [1, 1, 1, 1])).toBe(Infinity);
    expect(histogramQuantile(-0.1, le, [1, 1, 1, 1])).toBe(-Infinity);
    expect(histogramQuantile(NaN, le, [1, 1, 1, 1])).toBeNaN();
    expect(histogramQuantile(0.5, [1, 2], [1, 1])).toBeNaN(); // no +Inf bucket
    expect(histogramQuantile(0.5, le, [0, 0, 0, 0])).toBeNaN(); // no observations
    expect(histogramQuantile(0.5, [Infinity], [3])).toBeNaN(); // fewer than 2 buckets
    // Unsorted input is sorted; a decreasing count is lifted to the envelope.
    expect(histogramQuantile(0.99, [4, Infinity, 1, 2], [20, 20, 10, 20])).toBeCloseTo(1.98, 12);
    expect(histogramQuantile(0.75, le, [10, 8, 20, 20])).toBe(3); // [10, 10, 20, 20]: 2 + 2·(15 − 10)/10
  });
});

describe('exactP99', () => {
  it('takes position floor((W − 1)·0.99) of the values repeated by their weights', () => {
    const obs = (value: number[], weight: number[]) => ({ spec: DYNAMO_HISTOGRAMS[1]!, value: Float64Array.from(value), weight: Float64Array.from(weight), atNs: new Float64Array(value.length) });
    // W = 100, position 98: [3, 1×1, 2×98] sorted is 1, 2 (98 times), 3; position 98 is a 2.
    expect(exactP99(obs([3, 1, 2], [1, 1, 98]))).toBe(2);
    // [1, 2, 3×98]: positions 2..99 are 3.
    expect(exactP99(obs([3, 2, 1], [98, 1, 1]))).toBe(3);
    // Unit weights: numpy lower, sorted[floor(0.99·(n − 1))] = sorted[98] of 1..100.
    expect(exactP99(obs(Array.from({ length: 100 }, (_, i) => 100 - i), new Array(100).fill(1)))).toBe(99);
    expect(exactP99(obs([], []))).toBeNull();
  });
});

describe('pointTimes', () => {
  it('samples every interval from 0 and ends at the last observation, more than 2 ms after the previous point', () => {
    expect(pointTimes(3.5e9, 1)).toEqual([0, 1e9, 2e9, 3e9, 3.5e9]);
    expect(pointTimes(3.001e9, 1)).toEqual([0, 1e9, 2e9, 3.001e9]);
    expect(pointTimes(0)).toEqual([0]);
    // Default cadence: at most 360 points.
    expect(pointTimes(3600e9).length).toBeLessThanOrEqual(361);
    expect(pointTimes(100e9)[1]).toBe(1e9);
  });
});

/** Expected final counts of each histogram from samples.arrow: (value in the unit, weight) per tracked row. */
function observationsFromArrow(rows: SampleRow[]): Record<string, Array<[number, number]>> {
  const tracked = rows.filter((r) => r.tracked);
  const ok = new Set(succeededRows(rows));
  const latency = tracked.filter((r) => r.latencyNs !== null && r.completeNs !== null).map((r): [number, number] => [r.latencyNs! / 1e9, 1]);
  return {
    dynamo_frontend_time_to_first_token_seconds: tracked.filter((r) => r.ttftNs !== null && r.firstChunkNs !== null).map((r) => [r.ttftNs! / 1e9, 1]),
    dynamo_frontend_inter_token_latency_seconds: tracked.filter((r) => r.tpotNs !== null && r.tokensAfterFirst! > 0 && r.completeNs !== null).map((r) => [r.tpotNs! / 1e9, r.tokensAfterFirst!]),
    dynamo_frontend_request_duration_seconds: latency,
    dynamo_frontend_input_sequence_tokens: tracked.filter((r) => r.isl !== null && (r.firstChunkNs !== null || ok.has(r))).map((r) => [r.isl!, 1]),
    dynamo_frontend_output_sequence_tokens: tracked.filter((r) => r.osl !== null && r.osl > 0 && r.completeNs !== null).map((r) => [r.osl!, 1]),
    dynamo_component_request_duration_seconds: latency,
  };
}

describe.each(['tiny-streaming', 'early-stopping'])('metrics of golden case %s', (name) => {
  let run: GoldenRun;
  let m: RenderedMetrics;
  beforeAll(async () => {
    run = await goldenRun(name);
    m = renderMetrics(run.requests, { model: 'test/model "q"' });
  }, 120_000);

  it('is OpenMetrics: metadata first, families whole, timestamps ascending per series, # EOF last', () => {
    const lines = m.openMetrics.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe('# EOF');
    expect(m.openMetrics.endsWith('# EOF\n')).toBe(true);
    const seenFamilies: string[] = [];
    const lastTs = new Map<string, number>();
    for (const line of lines.slice(0, -1)) {
      const meta = /^# (TYPE|UNIT|HELP) (\S+) /.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') {
          expect(seenFamilies).not.toContain(meta[2]);
          seenFamilies.push(meta[2]!);
        }
        continue;
      }
      const [s] = samples(line);
      expect(s!.name.startsWith(seenFamilies[seenFamilies.length - 1]!)).toBe(true);
      const key = `${s!.name}${JSON.stringify(s!.labels)}`;
      const ts = Number(s!.ts);
      expect(ts).toBeGreaterThan(lastTs.get(key) ?? -Infinity);
      lastTs.set(key, ts);
    }
    expect(seenFamilies).toEqual(DYNAMO_HISTOGRAMS.map((h) => h.name));
  });

  it('has the bucket counts samples.arrow gives, cumulative, in both files', () => {
    const expected = observationsFromArrow(run.rows);
    for (const text of [m.openMetrics, m.prometheusText]) {
      const final = new Map<string, number>();
      // Keyed by the bound's number; the last point of a series wins.
      for (const s of samples(text)) final.set(`${s.name}|${s.labels.le === undefined ? '' : s.labels.le === '+Inf' ? 'inf' : Number(s.labels.le)}`, s.value);
      for (const h of DYNAMO_HISTOGRAMS) {
        const obs = expected[h.name]!;
        const total = obs.reduce((a, [, w]) => a + w, 0);
        expect(total, h.name).toBeGreaterThan(0);
        for (const le of h.edges) {
          const want = obs.filter(([v]) => v <= le).reduce((a, [, w]) => a + w, 0);
          expect(final.get(`${h.name}_bucket|${le}`), `${h.name} le=${le}`).toBe(want);
        }
        expect(final.get(`${h.name}_bucket|inf`)).toBe(total);
        expect(final.get(`${h.name}_count|`)).toBe(total);
        expect(final.get(`${h.name}_sum|`)).toBeCloseTo(obs.reduce((a, [v, w]) => a + v * w, 0), 6);
      }
    }
  });

  it('labels every series with source="client" and the escaped model', () => {
    for (const s of samples(m.openMetrics)) expect(s.labels).toMatchObject({ source: 'client', model: 'test/model \\"q\\"' });
  });

  it('reports the exact p99 beside the bucket-quantized one', () => {
    const ttft = m.p99.find((p) => p.name === 'dynamo_frontend_time_to_first_token_seconds')!;
    const values = observationsFromArrow(run.rows).dynamo_frontend_time_to_first_token_seconds!.map(([v]) => v).sort((a, b) => a - b);
    expect(ttft.exact).toBe(percentileLower(values, 99));
    // The bucket-quantized p99 lies in the bucket holding the exact one.
    const edges = [...DYNAMO_HISTOGRAMS[0]!.edges, Infinity];
    const b = edges.findIndex((e) => ttft.exact! <= e);
    expect(ttft.bucketQuantile!).toBeGreaterThanOrEqual(b > 0 ? edges[b - 1]! : 0);
    expect(ttft.bucketQuantile!).toBeLessThanOrEqual(edges[b]!);
  });

  it('reads back through an npm Prometheus-text parser (@platformatic/promotel) with the counts samples.arrow gives', () => {
    const expected = observationsFromArrow(run.rows);
    // metrics.txt as it is; metrics.prom's last point with its timestamps dropped: promotel
    // drops every sample line whose timestamp is in seconds with a fraction (OpenMetrics'
    // form; it reads only integer milliseconds), so those lines are handed to it without one.
    const lastPoint = (om: string): string => {
      const lines = om.trimEnd().split('\n');
      expect(lines.pop()).toBe('# EOF');
      const last = new Map<string, string>();
      const meta: string[] = [];
      for (const line of lines) {
        if (line.startsWith('# UNIT ')) continue;
        if (line.startsWith('#')) meta.push(line);
        else {
          const cut = line.lastIndexOf(' ');
          const sample = line.slice(0, cut);
          const series = sample.slice(0, sample.lastIndexOf(' '));
          if (!series.includes('_created{')) last.set(series, sample);
        }
      }
      // Families in order: each one's metadata, then its series.
      const out: string[] = [];
      for (const h of DYNAMO_HISTOGRAMS) {
        out.push(...meta.filter((l) => l.split(' ')[2] === h.name));
        for (const [series, sample] of last) if (series.startsWith(`${h.name}_`)) out.push(sample);
      }
      return `${out.join('\n')}\n`;
    };
    for (const [file, text] of [['metrics.txt', m.prometheusText], ['metrics.prom', lastPoint(m.openMetrics)]] as const) {
      const parsed = promParse(text);
      expect(parsed.metadata.map((md) => [md.metric_family_name, md.type]), file).toEqual(DYNAMO_HISTOGRAMS.map((h) => [h.name, 3])); // 3: HISTOGRAM
      const read = new Map<string, number>();
      for (const ts of parsed.timeseries) {
        const labels = Object.fromEntries(ts.labels!.map((l) => [l.name, l.value]));
        // The parser unescapes label values: the model as given.
        expect(labels, file).toMatchObject({ source: 'client', model: 'test/model "q"' });
        expect(ts.samples!.length).toBe(1);
        const le = labels.le === undefined ? '' : labels.le === '+Inf' ? 'inf' : String(Number(labels.le));
        read.set(`${labels.__metric_name}|${labels.__suffix}|${le}`, ts.samples![0]!.value!);
      }
      for (const h of DYNAMO_HISTOGRAMS) {
        const obs = expected[h.name]!;
        const total = obs.reduce((a, [, w]) => a + w, 0);
        for (const le of h.edges) {
          expect(read.get(`${h.name}|bucket|${le}`), `${file} ${h.name} le=${le}`).toBe(obs.filter(([v]) => v <= le).reduce((a, [, w]) => a + w, 0));
        }
        expect(read.get(`${h.name}|bucket|inf`)).toBe(total);
        expect(read.get(`${h.name}|count|`)).toBe(total);
        expect(read.get(`${h.name}|sum|`)).toBeCloseTo(obs.reduce((a, [v, w]) => a + v * w, 0), 6);
      }
      expect(read.size, file).toBe(DYNAMO_HISTOGRAMS.reduce((a, h) => a + h.edges.length + 3, 0));
    }
  });

  it('is what promotel cannot read as OpenMetrics: every timestamped sample line is dropped, # UNIT is not read', () => {
    // Pinned so a promotel that learns OpenMetrics shows up here (then read metrics.prom whole above).
    const parsed = promParse(m.openMetrics);
    expect(parsed.timeseries).toEqual([]);
    expect(parsed.metadata.map((md) => md.unit ?? null)).toEqual(DYNAMO_HISTOGRAMS.map(() => null));
  });
});

