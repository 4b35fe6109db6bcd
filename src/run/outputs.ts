// The files a recompute writes in its output directory: the corrected summary,
// the tables and charts, the notebook, and last the manifest naming them all.
import { join } from 'node:path';
import type { Aggregator } from '../aggregate/aggregator.js';
import { writeAtomic } from '../base/atomic.js';
import type { PyJson } from '../model/json.js';
import type { ChunkArrowWriter } from '../output/chunkTable.js';
import { writeNotebookOffThread } from '../output/notebookOffThread.js';
import type { TableFormat } from '../output/tableFormats.js';
import { toPyJson } from '../py/json.js';
import type { Summary } from '../summary/summary.js';
import { finishManifest, manifestJson, type ReplayManifest } from './manifest.js';

export interface RunOutputs {
  outDir: string;
  summary: Summary;
  aggregator: Aggregator;
  streaming: boolean;
  /** The chunks table being written (--chunks), finished here. */
  chunks: ChunkArrowWriter | null;
  formats: readonly TableFormat[];
  logDigest: string;
  manifest: ReplayManifest;
  /** Date.now() at the start and once replayed, for the manifest's timings. */
  times: { started: number; replayed: number; cpuReplayed?: number | null };
}

/** Writes every output; returns the summary's path. The tables, charts and notebook are written on the notebook thread. */
export async function writeRunOutputs(o: RunOutputs): Promise<string> {
  const summaryPath = join(o.outDir, 'result_summary.json');
  writeAtomic(summaryPath, toPyJson(o.summary as PyJson));
  o.chunks?.finish();
  const agg = o.aggregator;
  const written = await writeNotebookOffThread({
    outDir: o.outDir,
    samples: agg.samples.snapshot(),
    timeBaseNs: agg.timeBaseNs,
    finishReasons: agg.counters.finishReasons,
    streaming: o.streaming,
    chunks: o.chunks && { arrowPath: o.chunks.path, itl: o.chunks.itlStats },
    formats: o.formats,
    notebook: { summary: o.summary, formats: o.formats, chunks: o.chunks !== null, logDigest: o.logDigest },
  });
  finishManifest(o.manifest, ['result_summary.json', 'replay_manifest.json', ...written], { ...o.times, done: Date.now() });
  writeAtomic(join(o.outDir, 'replay_manifest.json'), manifestJson(o.manifest));
  return summaryPath;
}
