// The notebook thread (a worker_threads entry, started by notebookOffThread.ts):
// builds a run's tables, charts, conventions and report.ipynb beside the main
// thread. It reads the sample table in the memory the replay filled
// (SampleTable.restore over shared pages), and renders charts on the chart
// threads it starts; the main thread meanwhile only writes the summary and
// manifest, so the outputs cost it nothing per sample.
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { SampleTable } from '../aggregate/sampleTable.js';
import { writeAtomic } from '../base/atomic.js';
import { postedError } from '../base/errors.js';
import { warmCharts } from './chartThreads.js';
import { buildNotebook } from './ipynb.js';
import type { FromNotebookThread, ToNotebookThread } from './notebookMessages.js';
import { writeNotebookOutputs } from './notebook.js';
import { warmParquet } from './parquetFile.js';

parentPort!.on('message', (m: ToNotebookThread) => {
  if (m.kind === 'warm') {
    warmCharts();
    if (m.formats.includes('parquet')) warmParquet();
    return;
  }
  (async () => {
    const rows = { samples: SampleTable.restore(m.samples), timeBaseNs: m.timeBaseNs, counters: { finishReasons: m.finishReasons } };
    const files = await writeNotebookOutputs(m.outDir, rows, m.streaming, m.chunks, m.formats);
    writeAtomic(join(m.outDir, 'report.ipynb'), buildNotebook(m.notebook));
    return [...files, 'report.ipynb'];
  })().then(
    (files) => parentPort!.postMessage({ kind: 'written', id: m.id, files } satisfies FromNotebookThread),
    (err: unknown) => parentPort!.postMessage({ kind: 'error', id: m.id, error: postedError(err) } satisfies FromNotebookThread),
  );
});
