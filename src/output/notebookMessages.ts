// The notebook thread's protocol (notebookThread.ts, notebookOffThread.ts):
// warm loads the output modules and starts the chart threads while the last
// shards are counted; write builds every table, chart and the notebook of one
// run and answers with the files written, or the error that stopped it.
import type { SampleTableSnapshot } from '../aggregate/sampleTable.js';
import type { PostedError } from '../base/errors.js';
import type { Counters } from '../aggregate/aggregator.js';
import type { ChunkOutputs } from './notebook.js';
import type { NotebookRun } from './ipynb.js';
import type { TableFormat } from './tableFormats.js';

export interface NotebookRequest {
  outDir: string;
  /** The sample table's columns, shared with the replay's thread (not copied). */
  samples: SampleTableSnapshot;
  timeBaseNs: bigint;
  finishReasons: Counters['finishReasons'];
  streaming: boolean;
  chunks: ChunkOutputs | null;
  formats: readonly TableFormat[];
  /** report.ipynb's content. */
  notebook: NotebookRun;
}

/** `id`: the write's, echoed in its answer (a process may run several recomputes at once). */
export type ToNotebookThread = { kind: 'warm'; formats: readonly TableFormat[] } | ({ kind: 'write'; id: number } & NotebookRequest);

export type FromNotebookThread = { kind: 'written'; id: number; files: string[] } | { kind: 'error'; id: number; error: PostedError };
