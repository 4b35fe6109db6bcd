// The chart threads (chartThread.ts): a run's charts rendered to SVG off the
// main thread, split over CHART_THREADS threads. A chart renders the same
// whichever thread renders it and whatever it rendered before, so the split
// never changes an output.
import { builtSibling } from '../base/distPath.js';
import { RequestThread, type Answer } from '../base/requestThread.js';
import type { FromChartThread, ToChartThread } from './chartMessages.js';
import type { Spec } from './charts.js';

/**
 * Three: a run's charts cost ~0.5 s of CPU on one thread (vega's first renders compile as they go);
 * split three ways, no chart thread is busier than the main thread, for ~0.04 s of CPU more a thread.
 */
export const CHART_THREADS = 3;

type ChartThread = RequestThread<FromChartThread, string[]>;

let threads: ChartThread[] = [];

const answer = (m: FromChartThread): Answer<string[]> => ('error' in m ? { id: m.id, error: new Error(m.error) } : { id: m.id, value: m.svgs });

function chartThreads(): ChartThread[] {
  threads = Array.from({ length: CHART_THREADS }, (_, k) => (threads[k] && !threads[k].dead ? threads[k] : new RequestThread(builtSibling(import.meta.url, 'chartThread.js'), answer)));
  return threads;
}

/** Starts the chart threads and their load of vega (the notebook thread calls it while the last shards are counted). */
export function warmCharts(): void {
  for (const t of chartThreads()) t.post({ kind: 'warm' } satisfies ToChartThread);
}

function render(t: ChartThread, specs: Spec[]): Promise<string[]> {
  if (specs.length === 0) return Promise.resolve([]);
  return t.request((id) => ({ kind: 'render', id, specs }) satisfies ToChartThread);
}

/** Rows of data a spec inlines: what its rendering costs grows with. */
function dataRows(spec: unknown): number {
  if (Array.isArray(spec)) return spec.reduce((n: number, s) => n + dataRows(s), 0);
  if (spec === null || typeof spec !== 'object') return 0;
  let n = 0;
  for (const [key, value] of Object.entries(spec)) n += key === 'values' && Array.isArray(value) ? value.length : dataRows(value);
  return n;
}

/** renderSvg for each spec, on the chart threads (largest first, each to the least loaded); the SVGs in the specs' order. */
export async function renderSvgsOffThread(specs: Spec[]): Promise<string[]> {
  const ts = chartThreads();
  const load = ts.map(() => 0);
  const share: number[][] = ts.map(() => []);
  const order = specs.map((spec, i) => ({ i, cost: 1 + dataRows(spec) })).sort((a, b) => b.cost - a.cost || a.i - b.i);
  for (const { i, cost } of order) {
    const k = load.indexOf(Math.min(...load));
    share[k]!.push(i);
    load[k]! += cost;
  }
  const rendered = await Promise.all(ts.map((t, k) => render(t, share[k]!.map((i) => specs[i]!))));
  const svgs = new Array<string>(specs.length);
  share.forEach((indices, k) => indices.forEach((i, j) => (svgs[i] = rendered[k]![j]!)));
  return svgs;
}
