// `replay recompute`: settle the run's settings, replay its log, write the
// corrected summary, the tables and charts, and the manifest of how.
import { join, resolve } from 'node:path';
import { writeAtomic } from '../base/atomic.js';
import { ReplayError } from '../base/errors.js';
import { notALogError, sniffNotALog } from '../decode/notALog.js';
import type { Aggregator } from '../aggregate/aggregator.js';
import type { BackendChoice } from '../model/counting.js';
import type { PyJson } from '../model/json.js';
import { loadVega } from '../output/charts.js';
import { DEFAULT_TABLE_FORMATS, type TableFormat } from '../output/tableFormats.js';
import { replayLog, type ReplayDiagnostics } from '../pipeline/replay.js';
import { toPyJson } from '../py/json.js';
import { splittable } from '../read/open.js';
import { chooseCounter, type MakeCounter } from '../run/counter.js';
import { runInput } from '../run/input.js';
import { buildManifest, finishManifest, manifestJson, type ReplayManifest } from '../run/manifest.js';
import { defaultOutDir, locateRun, readConfigYaml, readOriginalSummary } from '../run/runDir.js';
import { settingsRecord, settleRunSettings, streamingOf, type SettingFlags } from '../run/settings.js';
import type { Settled } from '../run/tokenizerSetting.js';
import { notCounted, replayWarnings } from '../run/warnings.js';
import { diffSummaries, pendingTasksOf, replaceInPlace, type RescueReport } from '../summary/rescue.js';
import { buildSummary, type Summary } from '../summary/summary.js';

export interface RecomputeOptions extends SettingFlags {
  input: string;
  out?: string;
  backend?: BackendChoice;
  workers?: number;
  /** Threads decoding a plain log file in parallel (0: decode on the main thread); default defaultDecodeThreads. */
  decodeThreads?: number;
  /** Also write the corrected summary over the run's original (after a backup). */
  inPlace?: boolean;
  /** Also write the chunks table (one row per chunk arrival). */
  chunks?: boolean;
  /** Formats of the samples, time-series and chunks tables; default arrow and parquet. */
  formats?: readonly TableFormat[];
  onProgress?: Parameters<typeof replayLog>[1]['onProgress'];
  /** Builds the counter for a tokenizer; defaults to in-process counting. */
  makeCounter?: MakeCounter;
}

export type { Settled };

export interface RecomputeResult {
  summary: Summary;
  summaryPath: string;
  outDir: string;
  diagnostics: ReplayDiagnostics;
  aggregator: Aggregator;
  settings: Record<string, Settled<unknown>>;
  warnings: string[];
  originalSummary: Record<string, PyJson> | null;
  /** Original vs corrected, when the run had its own summary. */
  rescue: RescueReport | null;
  /** Where the original was backed up, with --in-place. */
  backupPath: string | null;
  manifest: ReplayManifest;
}

export async function recompute(opts: RecomputeOptions): Promise<RecomputeResult> {
  const started = Date.now();
  const files = locateRun(opts.input);
  if (opts.out === undefined && defaultOutDir(files) === null) {
    throw new ReplayError('reading the log from standard input: there is no run directory to write beside', 'pass --out DIR to say where the outputs go');
  }
  // Before a tokenizer is looked for: a summary or a text file passed by mistake is said as such.
  const notALog = files.events === '-' || !splittable(files.events) ? null : sniffNotALog(files.events);
  if (notALog) throw notALog;
  const config = files.configYaml ? readConfigYaml(files.configYaml) : null;
  const original = files.originalSummary ? readOriginalSummary(files.originalSummary) : null;
  const settings = settleRunSettings(opts, config, original?.raw ?? null, files.runDir);
  const backend = opts.backend ?? 'auto';
  const { counter, chat, ready, warnings } = await chooseCounter(settings.tokenizer.value, backend, opts.workers, opts.makeCounter);
  // The workers load the tokenizer while the log is read; if they cannot, reading stops.
  const startFailed = new AbortController();
  ready.catch((err: unknown) => startFailed.abort(err));
  const settled = Date.now();

  const outDir = resolve(opts.out ?? defaultOutDir(files)!);
  const formats = opts.formats ?? DEFAULT_TABLE_FORMATS;
  const chunkTable = opts.chunks ? await import('../output/chunkTable.js') : null;
  const chunkWriter = chunkTable ? new chunkTable.ChunkArrowWriter(chunkTable.chunkArrowPath(outDir, formats)) : null;
  const input = runInput(files.events, opts.decodeThreads);
  let replay;
  let logSha256: string;
  try {
    replay = await replayLog(input.open((why) => warnings.push(why)), {
      // Unknown streaming mode: record the streaming series, decide after the log (recv_first seen?).
      streaming: settings.streamingDeclared.value ?? true,
      counter,
      // Enough batches in flight to keep every worker busy while the next ones are read.
      maxInFlight: Math.max(4, 2 * (counter?.workers ?? 1)),
      onProgress: opts.onProgress,
      chunkSink: chunkWriter ?? undefined,
      signal: startFailed.signal,
      // The output modules (apache-arrow, vega) load while the last batches are counted: not
      // earlier, where they would enlarge the heap through the whole replay, nor after.
      onReadEnd: () => {
        loadVega().catch(() => undefined);
        import('../output/notebook.js').catch(() => undefined);
      },
    });
    await ready;
    logSha256 = await input.sha256();
  } catch (err) {
    chunkWriter?.abort();
    const e = err as NodeJS.ErrnoException;
    if (e.code) throw new ReplayError(`${files.events}: ${e.message}`, 'check the path and that the file is readable');
    throw err;
  } finally {
    await counter?.close?.();
    await input.close();
  }
  const { aggregator: agg, diagnostics: diag } = replay;
  if (diag.eventsReplayed === 0) {
    chunkWriter?.abort();
    throw notALogError(files.events, diag.linesRead, diag.corruptExamples[0]);
  }
  const replayed = Date.now();

  const streaming = streamingOf(settings.streamingDeclared, agg.samples.firstChunkNs.some());
  const raw = original?.raw;
  const summary = buildSummary(agg, {
    streaming: streaming.value,
    earlyStopping: settings.earlyStopping.value,
    legacyLoadgenWindow: settings.legacyLoadgenWindow.value,
    state: diag.reachedEnded ? 'complete' : 'interrupted',
    pendingTokenizations: notCounted(diag),
    version: typeof raw?.['version'] === 'string' ? raw['version'] : 'unknown',
    gitSha: typeof raw?.['git_sha'] === 'string' ? raw['git_sha'] : null,
    testStartedAt: typeof raw?.['test_started_at'] === 'bigint' ? raw['test_started_at'] : 0n,
    runConfig: settings.runConfig.value,
  });
  warnings.push(...replayWarnings(files.events, diag, agg.duplicateStarts));

  const rescue = original ? diffSummaries(original.raw, summary, pendingTasksOf(files.runDir)) : null;
  if (opts.inPlace && !files.originalSummary) {
    chunkWriter?.abort();
    throw new ReplayError(`--in-place: ${files.runDir ?? files.events} has no performance/result_summary.json to replace`, 'drop --in-place, or point replay at the run directory');
  }

  const summaryPath = join(outDir, 'result_summary.json');
  writeAtomic(summaryPath, toPyJson(summary as PyJson));
  const settingsSeen = settingsRecord(settings, streaming);
  const manifest = buildManifest({
    files, logSha256, decodeThreads: input.decodeThreads, tokenizer: settings.tokenizer.value, chat, counter, backend,
    settings: settingsSeen, diagnostics: diag, rescue, warnings, times: { started, settled, replayed }, tableFormats: formats,
  });

  chunkWriter?.finish();
  const { writeNotebookOutputs } = await import('../output/notebook.js');
  const written = await writeNotebookOutputs(outDir, agg, streaming.value, chunkWriter && { arrowPath: chunkWriter.path, itl: chunkWriter.itlStats }, formats);
  const { buildNotebook } = await import('../output/ipynb.js');
  writeAtomic(join(outDir, 'report.ipynb'), buildNotebook({ summary, formats, chunks: chunkWriter !== null, logSha256 }));
  finishManifest(manifest, ['result_summary.json', 'replay_manifest.json', ...written, 'report.ipynb'], { started, replayed, done: Date.now() });
  writeAtomic(join(outDir, 'replay_manifest.json'), manifestJson(manifest));
  const backupPath = opts.inPlace ? replaceInPlace(files.originalSummary!, summary) : null;
  return { summary, summaryPath, outDir, diagnostics: diag, aggregator: agg, settings: settingsSeen, warnings, originalSummary: raw ?? null, rescue, backupPath, manifest };
}
