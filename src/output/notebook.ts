// Writes what notebooks and people read next to result_summary.json: Arrow
// tables, Vega-Lite specs with their SVG, and the conventions table.
import type { RecordBatch, Schema } from '../vendor/arrow.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Counters } from '../aggregate/aggregator.js';
import type { SampleRows } from '../aggregate/sampleTable.js';
import { writeAtomic } from '../base/atomic.js';
import { metric } from '../summary/metrics.js';
import { SAMPLES_SCHEMA, samplesBatches, timeSeries, timeSeriesTable } from './arrowTables.js';
import { concurrencyChart, distributionChart, errorsOverTimeChart, finishReasonsChart, islOslChart, thin, throughputChart, ttftOverTimeChart, type Spec } from './charts.js';
import { renderSvgsOffThread } from './chartThreads.js';
import { conventionTable } from './conventions.js';
import { CHUNK_SCHEMA, type ItlStats } from './chunkTable.js';
import { DEFAULT_TABLE_FORMATS, type TableFormat } from './tableFormats.js';
import { arrowFileBatches, removeStaleTables, writeTable } from './tables.js';

export interface ChunkOutputs {
  /** The chunks.arrow the replay wrote (chunkArrowPath), converted to the other formats here. */
  arrowPath: string;
  /** Per-chunk gap statistics, for the ITL chart and conventions. */
  itl: ItlStats;
}

/** What the tables and charts are built from (an Aggregator is one). */
export interface NotebookRows extends SampleRows {
  readonly counters: Pick<Counters, 'finishReasons'>;
}

/** Tables in each of `formats`, charts, conventions. chunks: when the replay wrote chunks.arrow (--chunks), else null. Returns the files written. */
export async function writeNotebookOutputs(outDir: string, agg: NotebookRows, streaming: boolean, chunks: ChunkOutputs | null = null, formats: readonly TableFormat[] = DEFAULT_TABLE_FORMATS): Promise<string[]> {
  const itl = chunks?.itl ?? null;
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array): void => {
    writeAtomic(join(outDir, name), data);
    written.push(name);
  };
  const table = async (stem: string, schema: Schema, batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>, to: readonly TableFormat[] = formats): Promise<void> => {
    written.push(...(await writeTable(outDir, stem, schema, batches, to)));
  };
  const ts = timeSeries(agg);
  const s = agg.samples;
  /** Tracked samples' values of f, in ms (unboxed: a 1M-sample run's chart inputs stay a few MB). */
  const ms = (f: (i: number) => number | null): Float64Array => {
    const out = new Float64Array(s.length);
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s.tracked(i) ? f(i) : null;
      if (v !== null) out[n++] = v / 1e6;
    }
    return out.subarray(0, n);
  };
  const distribution = (key: 'ttft' | 'tpot' | 'latency', f: (i: number) => number | null): [string, Spec] => {
    const m = metric(key);
    return [key, distributionChart(`${m.short} distribution`, m.unit, ms(f))];
  };
  const charts: Array<[string, Spec]> = [distribution('latency', (i) => s.latencyNs.get(i))];
  if (streaming) {
    charts.push(distribution('ttft', (i) => s.ttftNs.get(i)));
    charts.push(distribution('tpot', (i) => s.tpotNs.get(i)));
    const meanGap = (i: number): number | null => {
      const [latency, ttft, chunks] = [s.latencyNs.get(i), s.ttftNs.get(i), s.chunks.get(i)!];
      return latency !== null && ttft !== null && chunks > 1 ? (latency - ttft) / (chunks - 1) : null;
    };
    charts.push(['itl', distributionChart('Mean inter-chunk interval per request', 'ms', ms(meanGap))]);
    if (itl) {
      const what = itl.count > itl.sampleMs.length ? `uniform sample of ${itl.sampleMs.length} of ${itl.count} gaps` : `${itl.count} gaps`;
      charts.push(['itl_chunks', distributionChart(`ITL: gap between consecutive chunks (${what})`, 'ms', Float64Array.from(itl.sampleMs), 'gaps')]);
    }
    charts.push(['ttft_over_time', ttftOverTimeChart(ts)]);
  }
  const paired = new Int32Array(s.length);
  let nPaired = 0;
  for (let i = 0; i < s.length; i++) if (s.tracked(i) && s.isl.get(i) !== null && s.osl.get(i) !== null) paired[nPaired++] = i;
  charts.push(['isl_vs_osl', islOslChart(thin(paired.subarray(0, nPaired)).map((i) => ({ isl: s.isl.get(i)!, osl: s.osl.get(i)! })))]);
  charts.push(['throughput', throughputChart(ts)]);
  charts.push(['concurrency', concurrencyChart(ts)]);
  charts.push(['finish_reasons', finishReasonsChart(agg.counters.finishReasons)]);
  charts.push(['errors_over_time', errorsOverTimeChart(ts)]);
  // Rendered on the chart threads while this one writes the tables.
  const svgs = renderSvgsOffThread(charts.map(([, spec]) => spec));
  svgs.catch(() => undefined);
  await table('samples', SAMPLES_SCHEMA, samplesBatches(agg));
  const tsTable = timeSeriesTable(ts);
  await table('timeseries', tsTable.schema, tsTable.batches);
  if (chunks) {
    if (formats.includes('arrow')) written.push('chunks.arrow');
    const others = formats.filter((f) => f !== 'arrow');
    try {
      if (others.length > 0) await table('chunks', CHUNK_SCHEMA, arrowFileBatches(chunks.arrowPath), others);
    } finally {
      if (!formats.includes('arrow')) rmSync(chunks.arrowPath, { force: true });
    }
  }
  for (const stem of ['samples', 'timeseries']) removeStaleTables(outDir, stem, formats);
  removeStaleTables(outDir, 'chunks', chunks ? formats : []);
  put('conventions.json', `${JSON.stringify(conventionTable(agg.samples, itl), null, 2)}\n`);

  // A chunk chart from an earlier run with --chunks would no longer match this one.
  if (!itl) for (const stale of ['charts/itl_chunks.vl.json', 'charts/itl_chunks.svg']) rmSync(join(outDir, stale), { force: true });
  const rendered = await svgs;
  charts.forEach(([name, spec], i) => {
    put(`charts/${name}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    put(`charts/${name}.svg`, rendered[i]!);
  });
  return written;
}
