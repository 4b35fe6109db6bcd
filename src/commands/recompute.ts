// `replay recompute`: settle the run's settings, replay its log, write the
// corrected summary, the tables and charts, and the manifest of how.
import { resolve } from 'node:path';
import { ReplayError } from '../base/errors.js';
import { threadCpuSeconds } from '../base/cpus.js';
import type { Aggregator } from '../aggregate/aggregator.js';
import { sniffNotALog } from '../decode/notALog.js';
import type { BackendChoice } from '../model/counting.js';
import type { PyJson } from '../model/json.js';
import { DEFAULT_TABLE_FORMATS, type TableFormat } from '../output/tableFormats.js';
import type { ReplayDiagnostics, ReplayOptions } from '../pipeline/replay.js';
import { splittable } from '../read/open.js';
import { chooseCounter, type MakeCounter } from '../run/counter.js';
import { buildManifest, type ReplayManifest } from '../run/manifest.js';
import { writeRunOutputs } from '../run/outputs.js';
import { replayRun } from '../run/replayRun.js';
import { defaultOutDir, locateRun, readConfigYaml, readOriginalSummary } from '../run/runDir.js';
import { settingsRecord, settleRunSettings, streamingOf, type SettingFlags } from '../run/settings.js';
import type { Settled } from '../run/tokenizerSetting.js';
import { notCounted, replayWarnings } from '../run/warnings.js';
import { diffSummaries, pendingTasksOf, replaceInPlace, type RescueReport } from '../summary/rescue.js';
import { buildSummary, type Summary } from '../summary/summary.js';
import { writeAtomic } from '../base/atomic.js';
import { manifestJson } from '../run/manifest.js';
import { prepareAnalyses, writeAnalyses, type AnalysesFlags } from './analyses.js';

export interface RecomputeOptions extends SettingFlags {
  input: string;
  out?: string;
  backend?: BackendChoice;
  workers?: number;
  /** Threads decoding a plain log file in parallel (0: decode on the main thread); default defaultDecodeThreads. */
  decodeThreads?: number;
  /** Bytes per shard of the sharded replay (default: pipeline/sharded.ts defaultShardBytes). */
  shardBytes?: number;
  /** Also write the corrected summary over the run's original (after a backup). */
  inPlace?: boolean;
  /** Also write the chunks table (one row per chunk arrival). */
  chunks?: boolean;
  /** Formats of the samples, time-series and chunks tables; default arrow and parquet. */
  formats?: readonly TableFormat[];
  /** After-the-run analyses (--slo, --mlperf, --openmetrics, --steady-state), written beside the summary. */
  analyses?: AnalysesFlags;
  onProgress?: ReplayOptions['onProgress'];
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
  const cpuStarted = threadCpuSeconds();
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
  // Every analysis flag is checked here, before the log is read.
  const analyses = opts.analyses ? prepareAnalyses(opts.analyses, { modelName: config?.modelName ?? null, events: files.events, tokenizer: settings.tokenizer.value }) : null;
  const backend = opts.backend ?? 'auto';
  const counting = await chooseCounter(settings.tokenizer.value, backend, opts.workers, opts.makeCounter);
  const warnings = counting.warnings;
  const settled = Date.now();

  const outDir = resolve(opts.out ?? defaultOutDir(files)!);
  const formats = opts.formats ?? DEFAULT_TABLE_FORMATS;
  const chunkTable = opts.chunks ? await import('../output/chunkTable.js') : null;
  const chunkWriter = chunkTable ? new chunkTable.ChunkArrowWriter(chunkTable.chunkArrowPath(outDir, formats)) : null;
  const { aggregator: agg, diagnostics: diag, logSha256, decodeThreads } = await replayRun({
    events: files.events,
    decodeThreads: opts.decodeThreads,
    shardBytes: opts.shardBytes,
    streaming: settings.streamingDeclared.value,
    counting,
    chunks: chunkWriter,
    onProgress: opts.onProgress,
    warn: (why) => warnings.push(why),
  });
  const replayed = Date.now();
  const cpuReplayed = threadCpuSeconds();

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

  const settingsSeen = settingsRecord(settings, streaming);
  const manifest = buildManifest({
    files, logSha256, decodeThreads, tokenizer: settings.tokenizer.value, chat: counting.chat, counter: counting.counter, backend,
    settings: settingsSeen, diagnostics: diag, rescue, warnings, times: { started, settled, replayed, cpuStarted, cpuReplayed }, tableFormats: formats,
  });
  const summaryPath = await writeRunOutputs({ outDir, summary, aggregator: agg, streaming: streaming.value, chunks: chunkWriter, formats, logSha256, manifest, times: { started, replayed, cpuReplayed } });
  if (analyses) {
    // The analyses' files beside the summary, then the manifest again, naming them too.
    manifest.outputs.files.push(...(await writeAnalyses(analyses, outDir, { aggregator: agg, summary, events: files.events, tokenizer: settings.tokenizer.value, backend })));
    writeAtomic(resolve(outDir, 'replay_manifest.json'), manifestJson(manifest));
  }
  const backupPath = opts.inPlace ? replaceInPlace(files.originalSummary!, summary) : null;
  return { summary, summaryPath, outDir, diagnostics: diag, aggregator: agg, settings: settingsSeen, warnings, originalSummary: raw ?? null, rescue, backupPath, manifest };
}
