// Writes what notebooks and people read next to result_summary.json: Arrow
// tables, Vega-Lite specs with their SVG, and the conventions table.
import { join } from 'node:path';
import type { Aggregator } from '../replay/aggregator.js';
import { writeAtomic } from './atomic.js';
import { samplesTable, timeSeries, timeSeriesTable, toIpc } from './arrowTables.js';
import { concurrencyChart, distributionChart, errorsOverTimeChart, finishReasonsChart, islOslChart, renderSvg, throughputChart, ttftOverTimeChart, type Spec } from './charts.js';
import { conventionTable } from './conventions.js';

export async function writeNotebookOutputs(outDir: string, agg: Aggregator, streaming: boolean): Promise<string[]> {
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array): void => {
    writeAtomic(join(outDir, name), data);
    written.push(name);
  };
  put('samples.arrow', toIpc(samplesTable(agg)));
  const ts = timeSeries(agg);
  put('timeseries.arrow', toIpc(timeSeriesTable(ts)));
  put('conventions.json', `${JSON.stringify(conventionTable(agg.samples), null, 2)}\n`);

  const s = agg.samples;
  const tracked = (i: number): boolean => s.block[i]! >= 0;
  const ms = (xs: Array<number | null>): number[] => xs.flatMap((v, i) => (v !== null && tracked(i) ? [v / 1e6] : []));
  const charts: Array<[string, Spec]> = [['latency', distributionChart('Latency distribution', 'ms', ms(s.latencyNs))]];
  if (streaming) {
    charts.push(['ttft', distributionChart('TTFT distribution', 'ms', ms(s.ttftNs))]);
    charts.push(['tpot', distributionChart('TPOT distribution', 'ms', ms(s.tpotNs))]);
    const itl = s.latencyNs.map((l, i) => (l !== null && s.ttftNs[i] !== null && s.chunks[i]! > 1 ? (l - s.ttftNs[i]!) / (s.chunks[i]! - 1) : null));
    charts.push(['itl', distributionChart('Mean inter-chunk interval per request (ITL)', 'ms', ms(itl))]);
    charts.push(['ttft_over_time', ttftOverTimeChart(ts)]);
  }
  const points = s.isl.flatMap((isl, i) => (isl !== null && s.osl[i] !== null && tracked(i) ? [{ isl, osl: s.osl[i]! }] : []));
  charts.push(['isl_vs_osl', islOslChart(points)]);
  charts.push(['throughput', throughputChart(ts)]);
  charts.push(['concurrency', concurrencyChart(ts)]);
  charts.push(['finish_reasons', finishReasonsChart(agg.counters.finishReasons)]);
  charts.push(['errors_over_time', errorsOverTimeChart(ts)]);
  for (const [name, spec] of charts) {
    put(`charts/${name}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    put(`charts/${name}.svg`, await renderSvg(spec));
  }
  return written;
}
