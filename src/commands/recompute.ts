// `replay recompute`: settle the run's settings, replay its log, write the
// corrected summary, the tables and charts, and the manifest of how.
import { join, resolve } from 'node:path';
import { checkOutputDir, writeAtomic } from '../base/atomic.js';
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
import { buildManifest, manifestJson, type ReplayManifest } from '../run/manifest.js';
import { writeRunOutputs } from '../run/outputs.js';
import { replayRun } from '../run/replayRun.js';
import { defaultOutDir, locateRun, readConfigYaml, readOriginalSummary } from '../run/runDir.js';
import { settingsRecord, settleRunSettings, streamingOf, type SettingFlags } from '../run/settings.js';
import type { Settled } from '../run/tokenizerSetting.js';
import { notCounted, replayWarnings } from '../run/warnings.js';
import { diffSummaries, pendingTasksOf, readInPlaceOriginal, replaceInPlace, type InPlaceResult, type RescueReport } from '../summary/rescue.js';
import { previousRescueBaseline } from '../summary/rescueBaseline.js';
import { buildSummary, type Summary } from '../summary/summary.js';
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
  /** What --in-place did (null without it). */
  inPlace: InPlaceResult | null;
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
  // Where the outputs go is checked before any work: a link planted there is refused, a read-only place said so.
  const outDir = resolve(opts.out ?? defaultOutDir(files)!);
  checkOutputDir(outDir);
  if (opts.inPlace && files.originalSummary) readInPlaceOriginal(files.originalSummary);
  const config = files.configYaml ? readConfigYaml(files.configYaml) : null;
  const original = files.originalSummary ? readOriginalSummary(files.originalSummary) : null;
  const settings = settleRunSettings(opts, config, original?.raw ?? null, files.runDir);
  // Every analysis flag is checked here, before the log is read.
  const analyses = opts.analyses ? prepareAnalyses(opts.analyses, { modelName: config?.modelName ?? null, events: files.events, tokenizer: settings.tokenizer.value }) : null;
  const backend = opts.backend ?? 'auto';
  const counting = await chooseCounter(settings.tokenizer.value, backend, opts.workers, opts.makeCounter);
  const warnings = counting.warnings;
  const settled = Date.now();

  const formats = opts.formats ?? DEFAULT_TABLE_FORMATS;
  const chunkTable = opts.chunks ? await import('../output/chunkTable.js') : null;
  const chunkWriter = chunkTable ? new chunkTable.ChunkArrowWriter(chunkTable.chunkArrowPath(outDir, formats)) : null;
  const { aggregator: agg, diagnostics: diag, logDigest, decodeThreads } = await replayRun({
    events: files.events,
    decodeThreads: opts.decodeThreads,
    shardBytes: opts.shardBytes,
    streaming: settings.streamingDeclared.value,
    counting,
    chunks: chunkWriter,
    formats,
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

  // A summary an earlier --in-place already corrected is compared with the original it backed up, so the
  // manifest keeps saying what that rescue changed.
  const baseline = original && files.originalSummary ? previousRescueBaseline(outDir, files.originalSummary, summary) : null;
  const rescue = original ? { ...diffSummaries(baseline?.raw ?? original.raw, summary, pendingTasksOf(files.runDir)), ...(baseline ? { comparedWith: baseline.path } : {}) } : null;
  if (opts.inPlace && !files.originalSummary) {
    chunkWriter?.abort();
    throw new ReplayError(`--in-place: ${files.runDir ?? files.events} has no performance/result_summary.json to replace`, 'drop --in-place, or point replay at the run directory');
  }

  const settingsSeen = settingsRecord(settings, streaming);
  const manifest = buildManifest({
    files, logDigest, decodeThreads, tokenizer: settings.tokenizer.value, chat: counting.chat, counter: counting.counter, backend,
    settings: settingsSeen, diagnostics: diag, rescue, warnings, times: { started, settled, replayed, cpuStarted, cpuReplayed }, tableFormats: formats,
  });
  const summaryPath = await writeRunOutputs({ outDir, summary, aggregator: agg, streaming: streaming.value, chunks: chunkWriter, formats, logDigest, manifest, times: { started, replayed, cpuReplayed } });
  if (analyses) {
    // The analyses' files beside the summary, then the manifest again, naming them too.
    manifest.outputs.files.push(...(await writeAnalyses(analyses, outDir, { aggregator: agg, summary, events: files.events, tokenizer: settings.tokenizer.value, backend })));
    writeAtomic(resolve(outDir, 'replay_manifest.json'), manifestJson(manifest));
  }
  const inPlace = opts.inPlace ? replaceInPlace(files.originalSummary!, summary) : null;
  if (inPlace) {
    // The original is replaced only once every output is written; the manifest then says what was done.
    const kept = baseline && !inPlace.replaced ? baseline.path : inPlace.backup;
    manifest.in_place = { summary: resolve(files.originalSummary!), replaced: inPlace.replaced, backup: kept && resolve(kept), backup_made: inPlace.backupMade, original_sha256: baseline?.sha256 ?? inPlace.originalSha256, corrected_sha256: inPlace.correctedSha256 };
    writeAtomic(join(outDir, 'replay_manifest.json'), manifestJson(manifest));
  }
  return { summary, summaryPath, outDir, diagnostics: diag, aggregator: agg, settings: settingsSeen, warnings, originalSummary: raw ?? null, rescue, inPlace, manifest };
}
