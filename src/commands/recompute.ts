// `replay recompute`: settle the run's settings, replay its log, write the
// corrected summary and its provenance.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { DecodeThreads, defaultDecodeThreads } from '../decode/parallel.js';
import { notALogError, sniffNotALog } from '../decode/notALog.js';
import { ReplayError } from '../base/errors.js';
import { writeAtomic } from '../base/atomic.js';
import { warmCharts } from '../output/charts.js';
import { DEFAULT_TABLE_FORMATS, type TableFormat } from '../output/tableFormats.js';
import { toPyJson, parsePyJson } from '../py/json.js';
import { type PyJson } from '../model/json.js';
import { buildSummary, type Summary } from '../summary/summary.js';
import { replayLog, type DecodedSource, type ReplayDiagnostics } from '../pipeline/replay.js';
import { replaySharded, shardWorkerScript } from '../pipeline/sharded.js';
import { type BackendChoice, type BatchCounter } from '../model/counting.js';
import { openLog, splittable } from '../read/open.js';
import type { Aggregator } from '../aggregate/aggregator.js';
import { defaultOutDir, locateRun, readConfigYaml, readOriginalSummary, type RunConfig } from '../run/runDir.js';
import { cpuCount, threadCpuSeconds } from '../base/cpus.js';
import { BAD_TOKENIZER_HINT, TokenizerPool } from '../tokens/pool/pool.js';
import { type TokenizerFiles } from '../tokens/resolve.js';
import { IGNORED_TEMPLATE_NOTE, loadTokenizer, readChatSetup, type ChatSetup } from '../tokens/tokenizer.js';
import type { ChatTemplateSource } from '../tokens/chatTemplate.js';
import { settleTokenizer, type Settled } from '../run/tokenizerSetting.js';
import { REPLAY_VERSION } from '../base/version.js';
import { diffSummaries, pendingTasksOf, replaceInPlace, type RescueReport } from '../summary/rescue.js';

export interface RecomputeOptions {
  input: string;
  out?: string;
  /** Path to a tokenizer.json or model directory; false = --no-tokenizer; undefined = from the run. */
  tokenizer?: string | false;
  backend?: BackendChoice;
  workers?: number;
  /** Threads decoding a plain log file in parallel (0: decode on the main thread); default defaultDecodeThreads. */
  decodeThreads?: number;
  /** Bytes per shard of the sharded replay (default: pipeline/sharded.ts defaultShardBytes). */
  shardBytes?: number;
  streaming?: boolean;
  earlyStopping?: boolean;
  legacyLoadgenWindow?: boolean;
  /** JSON text, or @file. */
  runConfig?: string;
  /** Also write the corrected summary over the run's original (after a backup). */
  inPlace?: boolean;
  /** Also write the chunks table (one row per chunk arrival). */
  chunks?: boolean;
  /** Formats of the samples, time-series and chunks tables; default arrow and parquet. */
  formats?: readonly TableFormat[];
  onProgress?: Parameters<typeof replayLog>[1]['onProgress'];
  /** Builds the counter for a tokenizer; defaults to in-process counting. */
  makeCounter?: (files: TokenizerFiles, backend: BackendChoice, workers: number | undefined, chatSetup: ChatTemplateSource) => Promise<BatchCounter & { close?: () => Promise<void>; workers?: number }>;
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
  manifest: Record<string, unknown>;
}

export async function recompute(opts: RecomputeOptions): Promise<RecomputeResult> {
  const started = Date.now();
  const cpuAtStart = threadCpuSeconds();
  const files = locateRun(opts.input);
  if (opts.out === undefined && defaultOutDir(files) === null) {
    throw new ReplayError('reading the log from standard input: there is no run directory to write beside', 'pass --out DIR to say where the outputs go');
  }
  // Before a tokenizer is looked for: a summary or a text file passed by mistake is said as such.
  const notALog = files.events === '-' || !splittable(files.events) ? null : sniffNotALog(files.events);
  if (notALog) throw notALog;
  const config: RunConfig | null = files.configYaml ? readConfigYaml(files.configYaml) : null;
  const original = files.originalSummary ? readOriginalSummary(files.originalSummary) : null;
  const warnings: string[] = [];

  const runConfig = settleRunConfig(opts.runConfig, original?.raw ?? null, config);
  const earlyStopping = settle(opts.earlyStopping, '--early-stopping', [
    [hasEarlyStoppingMaps(original?.raw), 'original result_summary.json'],
    [config?.earlyStopping ?? undefined, 'config.yaml settings.early_stopping'],
  ], false);
  const legacy = settle(opts.legacyLoadgenWindow, '--legacy-loadgen-window', [
    [legacyFromRunConfig(runConfig.value), 'run_config.load_pattern'],
    [config?.legacyLoadgenWindow ?? undefined, 'config.yaml settings.load_pattern'],
  ], false);
  const streamingDeclared = settle<boolean | null>(opts.streaming, '--streaming', [[config?.streaming ?? undefined, 'config.yaml model_params.streaming']], null);

  const tokenizer = settleTokenizer(opts.tokenizer, config, original?.raw ?? null, files.runDir);
  const backend = opts.backend ?? 'auto';
  let counter: (BatchCounter & { close?: () => Promise<void>; workers?: number }) | null = null;
  /** The sharded replay's pool: its workers decode and count the log where it lies (none with a custom counter or no tokenizer). */
  let shardPool: TokenizerPool | null = null;
  // The chat template is settled once, here, and handed to every worker: the manifest names the one they use.
  const chat: ChatSetup | null = tokenizer.value ? readChatSetup(tokenizer.value) : null;
  if (tokenizer.value && chat) {
    const tok = tokenizer.value;
    if (opts.makeCounter) counter = await opts.makeCounter(tok, backend, opts.workers, chat.config);
    else if (opts.workers === 0) {
      // Loaded here first, so a bad tokenizer is the same one-line error as before.
      const local = await loadRunTokenizer(tok, backend, chat.config);
      counter = shardPool = TokenizerPool.inProcess(local);
    } else {
      counter = shardPool = TokenizerPool.launch({ tokenizerJson: tok.tokenizerJson, tokenizerConfig: tok.tokenizerConfig, chatSetup: chat.config, backend, workers: opts.workers, script: shardWorkerScript() });
    }
    for (const f of chat.provenance.ignored) warnings.push(`${f}: not used — ${IGNORED_TEMPLATE_NOTE}${chat.provenance.source ? '' : '; this tokenizer has no chat template, so chat inputs are counted as plain text, as the reference does'}`);
  }
  // The workers load the tokenizer while the log is read; if they cannot, reading stops.
  const workersReady = counter instanceof TokenizerPool ? counter.ready : Promise.resolve();
  const startFailed = new AbortController();
  workersReady.catch((err: unknown) => startFailed.abort(err));
  const settled = Date.now();

  const outDir = resolve(opts.out ?? defaultOutDir(files)!);
  const formats = opts.formats ?? DEFAULT_TABLE_FORMATS;
  const chunkTable = opts.chunks ? await import('../output/chunkTable.js') : null;
  const chunkWriter = chunkTable ? new chunkTable.ChunkArrowWriter(chunkTable.chunkArrowPath(outDir, formats)) : null;
  const plainFile = splittable(files.events);
  // Decode threads serve the replay on the main thread (a custom counter, or no tokenizer); shards decode where they count.
  const decodeThreads = plainFile && !shardPool ? (opts.decodeThreads ?? defaultDecodeThreads(cpuCount())) : 0;
  // A plain file is hashed by a thread of its own, reading it beside the replay (off the main
  // thread, which is the replay's bottleneck); a stream is hashed as it is read.
  const threaded = plainFile ? new DecodeThreads(decodeThreads) : null;
  const threadedSha256 = threaded?.sha256(files.events);
  const logHash = createHash('sha256');
  let replay;
  let logSha256: string;
  try {
    let input: Readable | DecodedSource | null;
    if (shardPool && plainFile) {
      input = null;
    } else if (decodeThreads > 0) {
      input = { decoded: threaded!.batches(files.events) };
    } else if (plainFile) {
      input = openLog(files.events, (why) => warnings.push(why));
    } else {
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          logHash.update(chunk);
          cb(null, chunk);
        },
      });
      const source = openLog(files.events, (why) => warnings.push(why));
      source.on('error', (err) => hashing.destroy(err));
      input = source.pipe(hashing);
    }
    const common = {
      // Unknown streaming mode: record the streaming series, decide after the log (recv_first seen?).
      streaming: streamingDeclared.value ?? true,
      onProgress: opts.onProgress,
      chunkSink: chunkWriter ?? undefined,
      signal: startFailed.signal,
      // The output modules (apache-arrow, vega) load while the last batches are counted: not
      // earlier, where they would enlarge the heap through the whole replay, nor after.
      onReadEnd: () => {
        warmCharts();
        import('../output/notebook.js').catch(() => undefined);
      },
    };
    if (shardPool) {
      replay = await replaySharded(input === null ? { path: files.events } : { stream: input as Readable }, { ...common, pool: shardPool, shardBytes: opts.shardBytes });
    } else {
      // Enough batches in flight to keep every worker busy while the next ones are read.
      replay = await replayLog(input!, { ...common, counter, maxInFlight: Math.max(4, 2 * (counter?.workers ?? 1)) });
    }
    await workersReady;
    logSha256 = threadedSha256 ? await threadedSha256 : logHash.digest('hex');
  } catch (err) {
    chunkWriter?.abort();
    const e = err as NodeJS.ErrnoException;
    if (e.code) throw new ReplayError(`${files.events}: ${e.message}`, 'check the path and that the file is readable');
    throw err;
  } finally {
    await counter?.close?.();
    await threaded?.close();
  }
  const { aggregator: agg, diagnostics: diag } = replay;
  if (diag.eventsReplayed === 0) {
    chunkWriter?.abort();
    throw notALogError(files.events, diag.linesRead, diag.corruptExamples[0]);
  }
  const replayed = Date.now();
  const cpuAtReplayed = threadCpuSeconds();

  const streaming: Settled<boolean> =
    streamingDeclared.value !== null
      ? { value: streamingDeclared.value, source: streamingDeclared.source }
      : { value: agg.samples.firstChunkNs.some(), source: 'inferred from sample.recv_first events' };

  const pending = diag.tokenJobs - diag.tokenJobsCounted;
  const state = diag.reachedEnded ? 'complete' : 'interrupted';
  const version = original?.raw['version'];
  const gitSha = original?.raw['git_sha'];
  const startedAt = original?.raw['test_started_at'];
  const summary = buildSummary(agg, {
    streaming: streaming.value,
    earlyStopping: earlyStopping.value,
    legacyLoadgenWindow: legacy.value,
    state,
    pendingTokenizations: pending,
    version: typeof version === 'string' ? version : 'unknown',
    gitSha: typeof gitSha === 'string' ? gitSha : null,
    testStartedAt: typeof startedAt === 'bigint' ? startedAt : 0n,
    runConfig: runConfig.value,
  });

  if (diag.corruptLines > 0) {
    const shown = diag.corruptExamples.map((c) => `line ${c.line}: ${c.reason}`).join('; ');
    warnings.push(`${files.events}: ${diag.corruptLines} line(s) skipped as undecodable (${shown}${diag.corruptLines > diag.corruptExamples.length ? '; …' : ''})`);
  }
  if (!diag.reachedEnded) warnings.push(`${files.events}: the log ends before session.ended (killed run?) — replayed every logged event; state "interrupted", complete false`);
  if (diag.linesAfterEnded > 0) warnings.push(`${diag.linesAfterEnded} line(s) after session.ended ignored, as the reference does`);
  for (const [note, n] of Object.entries(diag.countNotes)) warnings.push(`${n} tokenization input(s): ${note}`);
  if (pending > 0) warnings.push(`${pending} tokenization(s) not counted: summary marked complete: false`);
  if (agg.duplicateStarts > 0) warnings.push(`${agg.duplicateStarts} duplicate session.started event(s) ignored`);

  const rescue = original ? diffSummaries(original.raw, summary, pendingTasksOf(files.runDir)) : null;
  if (opts.inPlace && !files.originalSummary) {
    chunkWriter?.abort();
    throw new ReplayError(`--in-place: ${files.runDir ?? files.events} has no performance/result_summary.json to replace`, 'drop --in-place, or point replay at the run directory');
  }

  const summaryPath = join(outDir, 'result_summary.json');
  writeAtomic(summaryPath, toPyJson(summary as PyJson));

  const settings: Record<string, Settled<unknown>> = {
    streaming,
    early_stopping: earlyStopping,
    legacy_loadgen_window: legacy,
    run_config: runConfig,
    tokenizer: { value: tokenizer.value?.tokenizerJson ?? null, source: tokenizer.source },
  };
  const manifest = {
    replay_version: REPLAY_VERSION,
    input: { events: files.events === '-' ? '-' : resolve(files.events), sha256: logSha256, run_dir: files.runDir && resolve(files.runDir), decode_threads: decodeThreads },
    tokenizer: tokenizer.value
      ? {
          file: resolve(tokenizer.value.tokenizerJson),
          sha256: sha256File(tokenizer.value.tokenizerJson),
          config: tokenizer.value.tokenizerConfig && resolve(tokenizer.value.tokenizerConfig),
          chat_template: chat && chatTemplateManifest(chat),
          backend: counter?.backend?.used ?? backend,
          backend_requested: backend,
          /** Why auto did not pick bpe. */
          backend_fallback: counter?.backend?.fallback ?? null,
          workers: counter?.workers ?? 0,
        }
      : null,
    settings: Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, { value: s.value, source: s.source }])),
    lines: {
      read: diag.linesRead,
      bytes: diag.bytesRead,
      events_replayed: diag.eventsReplayed,
      corrupt: diag.corruptLines,
      corrupt_examples: diag.corruptExamples,
      after_session_ended: diag.linesAfterEnded,
    },
    reached_session_ended: diag.reachedEnded,
    tokenization: { jobs: diag.tokenJobs, counted: diag.tokenJobsCounted, not_counted: pending, tokens: diag.tokensCounted, prompts_reused: diag.promptsReused, notes: diag.countNotes },
    rescue,
    warnings,
    wall_time_s: 0,
    /** Where the wall time went: settings, reading and counting (the tokenizer loads meanwhile), writing the outputs. */
    phases_s: { start: (settled - started) / 1000, replay: (replayed - settled) / 1000, outputs: 0 },
    /** CPU seconds of the main thread (the serial part) from the command's start to the end of the replay, and in the outputs phase (null off Linux). */
    main_thread_cpu_s: { replay: cpuAtStart === null || cpuAtReplayed === null ? null : round3(cpuAtReplayed - cpuAtStart), outputs: null as number | null },
    /** The files this run wrote in the output directory. */
    outputs: { table_formats: [...formats], files: [] as string[] },
  };

  chunkWriter?.finish();
  const { writeNotebookOutputs } = await import('../output/notebook.js');
  const written = await writeNotebookOutputs(outDir, agg, streaming.value, chunkWriter && { arrowPath: chunkWriter.path, itl: chunkWriter.itlStats }, formats);
  const { buildNotebook } = await import('../output/ipynb.js');
  writeAtomic(join(outDir, 'report.ipynb'), buildNotebook({ summary, formats, chunks: chunkWriter !== null, logSha256 }));
  manifest.outputs.files = ['result_summary.json', 'replay_manifest.json', ...written, 'report.ipynb'];
  const done = Date.now();
  manifest.phases_s.outputs = (done - replayed) / 1000;
  const cpuAtDone = threadCpuSeconds();
  manifest.main_thread_cpu_s.outputs = cpuAtDone === null || cpuAtReplayed === null ? null : round3(cpuAtDone - cpuAtReplayed);
  manifest.wall_time_s = (done - started) / 1000;
  writeAtomic(join(outDir, 'replay_manifest.json'), `${JSON.stringify(manifest, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`);
  const backupPath = opts.inPlace ? replaceInPlace(files.originalSummary!, summary) : null;
  return { summary, summaryPath, outDir, diagnostics: diag, aggregator: agg, settings, warnings, originalSummary: original?.raw ?? null, rescue, backupPath, manifest };
}

/** The manifest's tokenizer.chat_template: where the template came from (or that there is none). */
function chatTemplateManifest(chat: ChatSetup): Record<string, unknown> {
  const p = chat.provenance;
  return {
    source: p.source,
    names: p.names,
    files: p.files.map((f) => ({ path: resolve(f.path), sha256: f.sha256 })),
    sha256: p.sha256,
    ignored: p.ignored.map((f) => resolve(f)),
    note: p.source === null ? 'no chat template: chat prompts and structured outputs are counted as plain text, as the reference does' : null,
  };
}

async function loadRunTokenizer(files: TokenizerFiles, backend: BackendChoice, chatSetup: ChatTemplateSource) {
  try {
    return await loadTokenizer(backend, files.tokenizerJson, files.tokenizerConfig, chatSetup);
  } catch (err) {
    throw new ReplayError(`${files.tokenizerJson}: cannot load tokenizer (${(err as Error).message.split('\n')[0]})`, BAD_TOKENIZER_HINT);
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function settle<T>(flag: T | undefined, flagName: string, sources: Array<[T | undefined, string]>, dflt: T): Settled<T> {
  if (flag !== undefined) return { value: flag, source: flagName };
  for (const [v, src] of sources) if (v !== undefined) return { value: v, source: src };
  return { value: dflt, source: 'default' };
}

function settleRunConfig(flag: string | undefined, original: Record<string, PyJson> | null, config: RunConfig | null): Settled<PyJson> {
  if (flag !== undefined) {
    const text = flag.startsWith('@') ? readFileSync(flag.slice(1), 'utf8') : flag;
    try {
      return { value: parsePyJson(text), source: '--run-config' };
    } catch (err) {
      throw new ReplayError(`--run-config: not valid JSON (${(err as Error).message})`, 'pass a JSON object, or @path/to/file.json');
    }
  }
  if (original && 'run_config' in original) return { value: original['run_config'] ?? null, source: 'original result_summary.json' };
  if (config?.runConfig) return { value: config.runConfig, source: 'config.yaml' };
  return { value: null, source: 'default' };
}

function legacyFromRunConfig(rc: PyJson): boolean | undefined {
  if (!rc || typeof rc !== 'object' || Array.isArray(rc)) return undefined;
  const lp = rc['load_pattern'];
  if (!lp || typeof lp !== 'object' || Array.isArray(lp)) return undefined;
  return lp['type'] === 'poisson' && lp['use_legacy_loadgen_qps_metrics'] !== false;
}

function hasEarlyStoppingMaps(original: Record<string, PyJson> | null | undefined): boolean | undefined {
  if (!original) return undefined;
  const m = original['latency'];
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  return 'early_stopping_percentiles' in m;
}
