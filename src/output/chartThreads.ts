// The chart threads (chartThread.ts): a run's charts rendered to SVG off the
// main thread, split over CHART_THREADS threads. A chart renders the same
// whichever thread renders it and whatever it rendered before, so the split
// never changes an output.
import { Worker } from 'node:worker_threads';
import { builtSibling } from '../base/distPath.js';
import type { FromChartThread, ToChartThread } from './chartMessages.js';
import type { Spec } from './charts.js';

/** Two: vega's load and rendering (~0.4 s of CPU for a run's charts) halved, for ~0.03 s more load. */
export const CHART_THREADS = 2;

interface ChartThread {
  thread: Worker;
  waiting: Map<number, { resolve: (svgs: string[]) => void; reject: (err: Error) => void }>;
}

let threads: ChartThread[] | null = null;
let nextId = 1;

function chartThreads(): ChartThread[] {
  threads ??= Array.from({ length: CHART_THREADS }, startThread);
  return threads;
}

function startThread(): ChartThread {
  const thread = new Worker(builtSibling(import.meta.url, 'chartThread.js'));
  const t: ChartThread = { thread, waiting: new Map() };
  thread.on('message', (m: FromChartThread) => {
    const p = t.waiting.get(m.id);
    t.waiting.delete(m.id);
    if (t.waiting.size === 0) thread.unref();
    if ('error' in m) p?.reject(new Error(m.error));
    else p?.resolve(m.svgs);
  });
  thread.on('error', (err) => {
    for (const p of t.waiting.values()) p.reject(err);
    t.waiting.clear();
    threads = null;
  });
  // After the listeners (adding one refs the thread): an idle chart thread never keeps the process alive.
  thread.unref();
  return t;
}

/** Starts the chart threads and their load of vega (recompute calls it while the last shards are counted). */
export function warmCharts(): void {
  for (const t of chartThreads()) t.thread.postMessage({ kind: 'warm' } satisfies ToChartThread);
}

function render(t: ChartThread, specs: Spec[]): Promise<string[]> {
  if (specs.length === 0) return Promise.resolve([]);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    t.waiting.set(id, { resolve, reject });
    // Held while a render is pending, so the process waits for it.
    t.thread.ref();
    t.thread.postMessage({ kind: 'render', id, specs } satisfies ToChartThread);
  });
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
