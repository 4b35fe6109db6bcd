// A chart thread (a worker_threads entry, started by chartThreads.ts): loads
// vega and renders specs to SVG beside the main thread, which meanwhile writes
// the tables. Vega's load and rendering are the largest serial part of the outputs.
import { parentPort } from 'node:worker_threads';
import type { FromChartThread, ToChartThread } from './chartMessages.js';
import { renderSvg } from './charts.js';
import { loadVega } from './vega.js';

parentPort!.on('message', (m: ToChartThread) => {
  if (m.kind === 'warm') {
    loadVega().catch(() => undefined);
    return;
  }
  (async () => {
    const svgs: string[] = [];
    for (const spec of m.specs) svgs.push(await renderSvg(spec));
    return svgs;
  })().then(
    (svgs) => parentPort!.postMessage({ id: m.id, svgs } satisfies FromChartThread),
    (err: Error) => parentPort!.postMessage({ id: m.id, error: err.message } satisfies FromChartThread),
  );
});
