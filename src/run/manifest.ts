// replay_manifest.json: the provenance of a recompute — its input and digest,
// the tokenizer and chat template, every setting with its source, what the
// replay read, warnings, the rescue diff, timings and the files written.
import { threadCpuSeconds } from '../base/cpus.js';
import { createHash } from 'node:crypto';
import { readBounded } from '../base/files.js';
import { logDigest, type LogDigest } from '../read/blockDigest.js';
import { resolve } from 'node:path';
import { REPLAY_VERSION } from '../base/version.js';
import type { BackendChoice } from '../model/counting.js';
import type { ReplayDiagnostics } from '../pipeline/replay.js';
import type { RescueReport } from '../summary/rescue.js';
import type { TokenizerFiles } from '../tokens/resolve.js';
import { templateFallbacks } from '../tokens/templateNotes.js';
import type { ChatSetup } from '../tokens/tokenizer.js';
import type { RunCounter } from './counter.js';
import type { RunFiles } from './runDir.js';
import type { Settled } from './tokenizerSetting.js';
import { notCounted } from './warnings.js';

export interface ManifestInputs {
  files: RunFiles;
  logDigest: string;
  decodeThreads: number;
  tokenizer: TokenizerFiles | null;
  chat: ChatSetup | null;
  counter: RunCounter | null;
  backend: BackendChoice;
  settings: Record<string, Settled<unknown>>;
  diagnostics: ReplayDiagnostics;
  rescue: RescueReport | null;
  warnings: string[];
  /** Wall-clock ms (Date.now()) at the start, once settled, once replayed. */
  /** Date.now() at each phase; cpu*: the main thread's CPU seconds then (threadCpuSeconds; null off Linux). */
  times: { started: number; settled: number; replayed: number; cpuStarted?: number | null; cpuReplayed?: number | null };
  tableFormats: readonly string[];
}

export interface ReplayManifest {
  replay_version: string;
  input: { events: string; digest: LogDigest; run_dir: string | null; decode_threads: number };
  tokenizer: Record<string, unknown> | null;
  settings: Record<string, Settled<unknown>>;
  lines: Record<string, unknown>;
  reached_session_ended: boolean;
  tokenization: Record<string, unknown>;
  rescue: RescueReport | null;
  /** What --in-place did: the summary replaced, its backup (made now or found), the hashes before and after. */
  in_place: Record<string, unknown> | null;
  warnings: string[];
  wall_time_s: number;
  /** Where the wall time went: settings, reading and counting (the tokenizer loads meanwhile), writing the outputs. */
  phases_s: { start: number; replay: number; outputs: number };
  /** CPU seconds of the main thread (the serial part) from the command's start to the end of the replay, and in the outputs phase. */
  main_thread_cpu_s: { replay: number | null; outputs: number | null };
  /** The files this run wrote in the output directory. */
  outputs: { table_formats: string[]; files: string[] };
}

/** The manifest before the outputs are written (finishManifest completes it). */
export function buildManifest(m: ManifestInputs): ReplayManifest {
  const { files, diagnostics: diag, tokenizer, counter } = m;
  return {
    replay_version: REPLAY_VERSION,
    input: { events: files.events === '-' ? '-' : resolve(files.events), digest: logDigest(m.logDigest), run_dir: files.runDir && resolve(files.runDir), decode_threads: m.decodeThreads },
    tokenizer: tokenizer
      ? {
          file: resolve(tokenizer.tokenizerJson),
          sha256: sha256File(tokenizer.tokenizerJson),
          config: tokenizer.tokenizerConfig && resolve(tokenizer.tokenizerConfig),
          chat_template: m.chat && chatTemplateManifest(m.chat),
          backend: counter?.backend?.used ?? m.backend,
          backend_requested: m.backend,
          /** Why auto did not pick bpe. */
          backend_fallback: counter?.backend?.fallback ?? null,
          workers: counter?.workers ?? 0,
        }
      : null,
    settings: Object.fromEntries(Object.entries(m.settings).map(([k, s]) => [k, { value: s.value, source: s.source }])),
    lines: {
      read: diag.linesRead,
      bytes: diag.bytesRead,
      events_replayed: diag.eventsReplayed,
      corrupt: diag.corruptLines,
      corrupt_examples: diag.corruptExamples,
      after_session_ended: diag.linesAfterEnded,
    },
    reached_session_ended: diag.reachedEnded,
    tokenization: { jobs: diag.tokenJobs, counted: diag.tokenJobsCounted, not_counted: notCounted(diag), tokens: diag.tokensCounted, prompts_reused: diag.promptsReused, notes: diag.countNotes, template_fallbacks: templateFallbacks(diag.countNotes) },
    rescue: m.rescue,
    in_place: null,
    warnings: m.warnings,
    wall_time_s: 0,
    phases_s: { start: (m.times.settled - m.times.started) / 1000, replay: (m.times.replayed - m.times.settled) / 1000, outputs: 0 },
    main_thread_cpu_s: { replay: cpuBetween(m.times.cpuStarted, m.times.cpuReplayed), outputs: null },
    outputs: { table_formats: [...m.tableFormats], files: [] },
  };
}

/** Records the files written and the time the outputs took. */
export function finishManifest(manifest: ReplayManifest, written: string[], times: { started: number; replayed: number; done: number; cpuReplayed?: number | null }): void {
  manifest.outputs.files = written;
  manifest.main_thread_cpu_s.outputs = cpuBetween(times.cpuReplayed, threadCpuSeconds());
  manifest.phases_s.outputs = (times.done - times.replayed) / 1000;
  manifest.wall_time_s = (times.done - times.started) / 1000;
}

const cpuBetween = (from: number | null | undefined, to: number | null | undefined): number | null => (from == null || to == null ? null : Math.round((to - from) * 1000) / 1000);

/** The manifest's JSON text (bigints as numbers). */
export function manifestJson(manifest: ReplayManifest): string {
  return `${JSON.stringify(manifest, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`;
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

function sha256File(path: string): string {
  return createHash('sha256').update(readBounded(path, 'tokenizer.json')).digest('hex');
}
