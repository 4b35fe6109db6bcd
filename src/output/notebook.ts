// Writes what notebooks and people read next to result_summary.json: Arrow
// tables, Vega-Lite specs with their SVG, and the conventions table.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Aggregator } from '../replay/aggregator.js';
import { writeAtomic } from './atomic.js';
import { samplesTable, timeSeries, timeSeriesTable, toIpc } from './arrowTables.js';
import { concurrencyChart, distributionChart, errorsOverTimeChart, finishReasonsChart, islOslChart, renderSvg, throughputChart, ttftOverTimeChart, type Spec } from './charts.js';
import { conventionTable } from './conventions.js';
import type { ItlStats } from './chunkTable.js';

/** itl: per-chunk gap statistics when chunks.arrow was written (--chunks), else null. */
export async function writeNotebookOutputs(outDir: string, agg: Aggregator, streaming: boolean, itl: ItlStats | null = null): Promise<string[]> {
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array): void => {
    writeAtomic(join(outDir, name), data);
    written.push(name);
  };
  put('samples.arrow', toIpc(samplesTable(agg)));
  const ts = timeSeries(agg);
  put('timeseries.arrow', toIpc(timeSeriesTable(ts)));
  put('conventions.json', `${JSON.stringify(conventionTable(agg.samples, itl), null, 2)}\n`);

  const s = agg.samples;
  const tracked = (i: number): boolean => s.block[i]! >= 0;
  const ms = (xs: Array<number | null>): number[] => xs.flatMap((v, i) => (v !== null && tracked(i) ? [v / 1e6] : []));
  const charts: Array<[string, Spec]> = [['latency', distributionChart('Latency distribution', 'ms', ms(s.latencyNs))]];
  if (streaming) {
    charts.push(['ttft', distributionChart('TTFT distribution', 'ms', ms(s.ttftNs))]);
    charts.push(['tpot', distributionChart('TPOT distribution', 'ms', ms(s.tpotNs))]);
    const meanGap = s.latencyNs.map((l, i) => (l !== null && s.ttftNs[i] !== null && s.chunks[i]! > 1 ? (l - s.ttftNs[i]!) / (s.chunks[i]! - 1) : null));
    charts.push(['itl', distributionChart('Mean inter-chunk interval per request', 'ms', ms(meanGap))]);
    if (itl) {
      const what = itl.count > itl.sampleMs.length ? `uniform sample of ${itl.sampleMs.length} of ${itl.count} gaps` : `${itl.count} gaps`;
      charts.push(['itl_chunks', distributionChart(`ITL: gap between consecutive chunks (${what})`, 'ms', itl.sampleMs, 'gaps')]);
    }
    charts.push(['ttft_over_time', ttftOverTimeChart(ts)]);
  }
  const points = s.isl.flatMap((isl, i) => (isl !== null && s.osl[i] !== null && tracked(i) ? [{ isl, osl: s.osl[i]! }] : []));
  charts.push(['isl_vs_osl', islOslChart(points)]);
  charts.push(['throughput', throughputChart(ts)]);
  charts.push(['concurrency', concurrencyChart(ts)]);
  charts.push(['finish_reasons', finishReasonsChart(agg.counters.finishReasons)]);
  charts.push(['errors_over_time', errorsOverTimeChart(ts)]);
  // A chunk chart from an earlier run with --chunks would no longer match this one.
  if (!itl) for (const stale of ['chunks.arrow', 'charts/itl_chunks.vl.json', 'charts/itl_chunks.svg']) rmSync(join(outDir, stale), { force: true });
  for (const [name, spec] of charts) {
    put(`charts/${name}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    put(`charts/${name}.svg`, await renderSvg(spec));
  }
  return written;
}
