// The `replay` command line: argument parsing and console output only; the
// work lives in the modules it calls.
import yargs, { hideBin } from '../vendor/yargs.js';
import { ReplayError } from '../base/errors.js';
import { renderSummary } from '../output/display.js';
import type { PyJson } from '../model/json.js';
import { sep } from 'node:path';
import { formatCompare, sweepPoints } from '../summary/compare.js';
import { loadComparison } from '../commands/compare.js';
import { writeAtomic } from '../base/atomic.js';
import { escapeControls } from '../base/terminal.js';
import { recompute } from '../commands/recompute.js';
import { formatInPlace, formatRescue } from '../summary/rescue.js';
import { REPLAY_VERSION } from '../base/version.js';
import { parseTableFormats } from '../output/tableFormats.js';
import { progressReporter } from './progress.js';
import { exitCleanlyOnSignals } from './signals.js';

export const EXIT = { complete: 0, error: 2, incomplete: 3, interrupted: 130, internal: 70 } as const;

const EXIT_HELP = `Exit codes: 0 complete summary; 3 summary written but incomplete (log cut before session.ended, or tokenizations not counted); 2 error (bad input, tokenizer not found, unwritable output); 130 interrupted.`;

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.complete;
  const parser = yargs(hideBin(argv))
    .scriptName('replay')
    .version(REPLAY_VERSION)
    .strict()
    .demandCommand(1, 'name a command: replay recompute <events.jsonl|run-dir>')
    .epilog(EXIT_HELP)
    .fail((msg, err) => {
      // Usage mistakes get a one-line error too, not the whole help page.
      throw err ?? new ReplayError(msg, 'see replay --help');
    })
    .wrap(Math.min(110, process.stdout.columns || 110))
    .command(
      'recompute <input>',
      'Rebuild result_summary.json from a run\'s events.jsonl, as the reference aggregator would have written it with every tokenization finished.',
      (y) =>
        y
          .positional('input', { type: 'string', demandOption: true, describe: 'events.jsonl (.gz too), a run directory holding one, or - for stdin' })
          .option('tokenizer', { type: 'string', describe: 'tokenizer.json, a model directory holding it, or a model id (org/name) found in the local Hugging Face cache (a path that exists wins); default: the model named in config.yaml, found the same way. --no-tokenizer replays as a run that had none: ISL only from token-id prompts, no OSL/TPOT' })
          .option('tokenizer-backend', {
            choices: ['auto', 'bpe', 'native', 'js'] as const,
            default: 'auto' as const,
            describe: "bpe: replay's own byte-level BPE counter, the native counts several times faster; native: the Rust tokenizers binding the reference uses; js: pure-JS Tokenizers.js; auto: bpe where the tokenizer's form allows it, else native",
          })
          .option('workers', { type: 'number', describe: 'Tokenizer worker processes (0 = count on the main thread); default: one per CPU block this process may use' })
          .option('decode-threads', { type: 'number', describe: 'Threads decoding the log in parallel (plain files; 0 = decode on the main thread); default: one per 8 CPUs from 16 CPUs up, else 0' })
          .option('shard-mb', { type: 'number', describe: 'Size of the pieces (shards) the log is cut into, each decoded and counted in a tokenizer worker, in MiB; default: four per worker, 1 to 32 MiB (8 MiB for compressed logs and stdin)' })
          .option('streaming', { type: 'boolean', describe: 'Streaming run (TTFT/TPOT series); default: config.yaml, else inferred from sample.recv_first events. --no-streaming to force off' })
          .option('early-stopping', { type: 'boolean', describe: 'Add MLPerf early-stopping estimates to TTFT/TPOT/latency; default: as the original summary or config.yaml had it' })
          .option('legacy-loadgen-window', { type: 'boolean', describe: 'QPS/TPS over the legacy LoadGen window ((completed-1)/window); default: poisson runs that asked for it' })
          .option('run-config', { type: 'string', describe: 'The summary\'s run_config block, as JSON or @file; default: the original summary\'s, else built from config.yaml' })
          .option('out', { type: 'string', describe: 'Output directory (result_summary.json, replay_manifest.json, ...); default: <run-dir>/replay/, or <name>.replay/ beside a log not named events.jsonl; required when the log is read from stdin' })
          .option('in-place', { type: 'boolean', default: false, describe: 'Also write the corrected summary over the run\'s performance/result_summary.json, after backing the original up beside it (result_summary.json.orig-<sha8>)' })
          .option('chunks', { type: 'boolean', default: false, describe: 'Also write the chunks table (chunks.arrow, ... as --format says), one row per chunk arrival (per-chunk ITL), and the per-gap ITL chart; about 25 bytes per chunk, streamed to disk' })
          .option('format', { type: 'string', default: 'arrow,parquet', describe: 'Formats of the samples, time-series and chunks tables, comma-separated: arrow (IPC file), parquet, csv' })
          .option('quiet', { type: 'boolean', default: false, describe: 'Print only warnings and errors' })
          .option('slo', { type: 'string', describe: 'SLOs, any subset, units ms or s: ttft=2s,tpot=80ms,latency=30s; writes slo.json (attainment, goodput, attainment curves)' })
          .option('mlperf', { type: 'string', describe: 'MLPerf Inference p99 TTFT/TPOT limits, MODEL[:server|interactive] (llama2-70b, mixtral-8x7b, llama3.1-8b, llama3.1-405b, deepseek-r1, gpt-oss-120b); without MODEL, config.yaml\'s model; writes mlperf.json' })
          .option('openmetrics', { type: 'boolean', describe: 'Write metrics.prom (OpenMetrics, timestamped, label source="client", NVIDIA Dynamo\'s histograms and bucket edges), metrics.txt and metrics_p99.json' })
          .option('openmetrics-start', { type: 'string', describe: 'Wall-clock time of the session start in metrics.prom (ISO 8601 or Unix seconds); default the log\'s own clock' })
          .option('openmetrics-interval', { type: 'number', describe: 'Seconds between points of metrics.prom (default 1, 2, 5, 10, 15, 30 s, ... for at most 360 points)' })
          .option('steady-state', { type: 'boolean', describe: 'Write steady_state.json: the endpoints steady-state diagnostics with the script defaults (the log is read a second time, its outputs counted as the script counts them); needs --dataset-size' })
          .option('dataset-size', { type: 'number', describe: 'Samples per dataset pass, for --steady-state' })
          .check((a) => {
            parseTableFormats(a.format);
            if (a.shardMb !== undefined && !((a.shardMb as number) > 0)) throw new ReplayError(`--shard-mb must be a number above 0 (got ${a.shardMb})`, 'see replay recompute --help');
            for (const name of ['workers', 'decode-threads'] as const) {
              const v = a[name];
              if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new ReplayError(`--${name} must be a whole number, 0 or more (got ${v})`, 'see replay recompute --help');
            }
            return true;
          }),
      async (args) => {
        const progress = args.quiet ? undefined : progressReporter(args.input);
        exitCleanlyOnSignals();
        const result = await recompute({
          // yargs hands a lone "-" over as an empty string.
          input: args.input === '' ? '-' : args.input,
          out: args.out,
          tokenizer: (args.tokenizer as string | boolean | undefined) === false ? false : args.tokenizer,
          backend: args.tokenizerBackend,
          workers: args.workers,
          decodeThreads: args.decodeThreads,
          shardBytes: args.shardMb === undefined ? undefined : Math.max(1, Math.round(args.shardMb * 1024 * 1024)),
          streaming: args.streaming,
          earlyStopping: args.earlyStopping,
          legacyLoadgenWindow: args.legacyLoadgenWindow,
          runConfig: args.runConfig,
          inPlace: args.inPlace,
          chunks: args.chunks,
          formats: parseTableFormats(args.format),
          analyses: {
            slo: args.slo,
            mlperf: args.mlperf,
            openmetrics: args.openmetrics,
            openmetricsStart: args.openmetricsStart,
            openmetricsInterval: args.openmetricsInterval,
            steadyState: args.steadyState,
            datasetSize: args.datasetSize,
          },
          onProgress: progress?.update,
        });
        progress?.done();
        for (const w of result.warnings) process.stderr.write(`warning: ${escapeControls(w)}\n`);
        if (!args.quiet) process.stdout.write(`${escapeLines(renderSummary(result.summary as { [k: string]: PyJson }))}\n\n`);
        // Always, even with --quiet: where the outputs went.
        process.stdout.write(`wrote ${escapeControls(result.outDir)}${sep} (result_summary.json, replay_manifest.json, tables, charts)\n`);
        if (result.rescue && (!args.quiet || result.rescue.originalProblems.length > 0)) process.stdout.write(`\n${escapeLines(formatRescue(result.rescue))}`);
        if (result.inPlace) process.stdout.write(escapeLines(formatInPlace(result.inPlace)));
        exitCode = result.summary['complete'] === true ? EXIT.complete : EXIT.incomplete;
      },
    );
  parser.command(
    'check-tokenizer <input>',
    'Count a run\'s own texts (prompts, outputs, reasoning) with the native binding and another backend, and report every mismatch, shrunk to a minimal example.',
    (y) =>
      y
        .positional('input', { type: 'string', demandOption: true, describe: 'events.jsonl or a run directory' })
        .option('tokenizer', { type: 'string', describe: "tokenizer.json, a model directory holding it, or a cached model id (org/name); default: the run's own, as recompute picks it" })
        .option('against', { choices: ['bpe', 'js'] as const, default: 'bpe' as const, describe: 'The backend compared with native' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }),
    async (args) => {
      const { runCheckTokenizer } = await import('../commands/checkTokenizer.js');
      const { formatCheckReport } = await import('./checkTokenizerText.js');
      const report = await runCheckTokenizer(args.input, args.tokenizer, args.against);
      if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(escapeLines(formatCheckReport(report)));
      exitCode = report.mismatches.length === 0 ? EXIT.complete : EXIT.incomplete;
    },
  );
  parser.command(
    'steady-state <input>',
    "The endpoints team's post-run steady-state diagnostics (scripts/steady_state_diagnostics.py), same flags, same printed report and --json file; TPOT tokens counted with replay's counter.",
    (y) =>
      y
        .positional('input', { type: 'string', demandOption: true, describe: 'events.jsonl (.gz, .zst) or a run directory holding one' })
        .option('dataset-size', { type: 'string', demandOption: true, describe: 'Samples per dataset pass' })
        .option('superpass-size', { type: 'string', describe: 'Samples per super-pass (default --dataset-size)' })
        .option('window-sizes', { type: 'string', describe: 'Trailing/rolling window sizes in super-passes (default 4,5)' })
        .option('warmup', { type: 'string', describe: 'Leading super-passes dropped (default 1)' })
        .option('cov-bounds', { type: 'string', describe: 'CoV bounds (default 0.03,0.05,0.08)' })
        .option('alpha', { type: 'string', describe: 'Recorded in the JSON (default 0.05)' })
        .option('trend-gate', { type: 'string', describe: 'mk_hamed_rao (default), mann_kendall, newey_west, theil_sen, slope_vs_scatter' })
        .option('json', { type: 'string', describe: 'Also write the result as JSON to this file' })
        .option('tokenize-batch-size', { type: 'string', describe: 'Output texts per tokenizer call (default 4096)' })
        .option('tokenizer', { type: 'string', describe: "tokenizer.json, a model directory or a cached model id; default: the run's own, as recompute picks it" }),
    async (args) => {
      const { steadyStateCommand } = await import('../commands/steadyState.js');
      const r = await steadyStateCommand({
        input: args.input,
        tokenizer: args.tokenizer,
        datasetSize: args.datasetSize,
        superpassSize: args.superpassSize,
        windowSizes: args.windowSizes,
        warmup: args.warmup,
        covBounds: args.covBounds,
        alpha: args.alpha,
        trendGate: args.trendGate,
        tokenizeBatchSize: args.tokenizeBatchSize,
      });
      if (r.skippedCount > 0) {
        const shown = r.skipped.map((s) => `line ${s.line}: ${escapeControls(s.reason)}`).join('; ');
        process.stderr.write(`warning: ${r.skippedCount} line(s) skipped (${shown}${r.skippedCount > r.skipped.length ? '; …' : ''})\n`);
      }
      process.stdout.write(`${escapeLines(r.text)}\n`);
      if (args.json) writeAtomic(args.json, r.json);
    },
  );
  parser.command(
    'report <dir>',
    'Build one self-contained report.html (summary, charts, original-vs-corrected changes, other tools\' conventions) from a replay output directory or a run directory.',
    (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'replay output directory (or a run directory holding replay/)' }),
    async (args) => {
      const { writeReport } = await import('../commands/report.js');
      process.stdout.write(`wrote ${escapeControls(await writeReport(args.dir))}\n`);
    },
  );
  parser.command(
    'compare <inputs..>',
    "Compare summaries (result_summary.json files or run directories): key metrics side by side, each change relative to the first; each run labelled from its config.yaml and flagged when incomplete.",
    (y) =>
      y
        .positional('inputs', { type: 'string', array: true, demandOption: true, describe: "two or more summaries or run directories (a run directory: its replay/ summary, else its own performance/ one)" })
        .option('label', { type: 'string', array: true, describe: 'Column labels, one per input in order (default: model · load pattern and concurrency or QPS, from the run)' })
        .option('baseline', { type: 'string', describe: 'The run changes are measured against: its position among the inputs (1-based), its path as given, or its label (default: the first run shown)' })
        .option('order', { choices: ['load', 'input'] as const, default: 'load' as const, describe: 'load: runs ordered by concurrency, then target QPS (a sweep); input: as given' })
        .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of a table' })
        .option('report', { type: 'string', describe: 'Also write a self-contained HTML page (table, sweep charts, CDFs from each run\'s samples.arrow) to this file' }),
    async (args) => {
      const inputs = args.inputs as string[];
      if (inputs.length < 2) throw new ReplayError('compare needs at least two summaries', 'replay compare A B [...]');
      const cmp = loadComparison(inputs, { labels: (args.label as string[] | undefined) ?? [], baseline: args.baseline, order: args.order });
      for (const w of cmp.warnings) process.stderr.write(`warning: ${escapeControls(w)}\n`);
      for (const [i, r] of cmp.runs.entries()) if (!r.complete) process.stderr.write(`warning: #${i + 1} ${escapeControls(r.file)} is incomplete: ${escapeControls(r.problems.join('; '))}\n`);
      const { runs, rows, baseline, order } = cmp;
      process.stdout.write(args.json ? `${JSON.stringify({ inputs, order, baseline, runs, rows, points: sweepPoints(runs, cmp.summaries) }, null, 2)}\n` : escapeLines(formatCompare(runs, rows, baseline)));
      if (args.report) {
        const { buildComparePage } = await import('../commands/compare.js');
        const page = await buildComparePage(cmp);
        writeAtomic(args.report, page.html);
        for (const note of page.notes) process.stderr.write(`note: ${escapeControls(note)}\n`);
        if (!args.json) process.stdout.write(`wrote ${escapeControls(args.report)}\n`);
      }
    },
  );
  skipHelpCache(parser);
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof ReplayError) {
      process.stderr.write(`replay: ${escapeControls(err.message)}${err.hint ? `\n  ${escapeControls(err.hint)}` : ''}\n`);
      return err.exitCode;
    }
    throw err;
  }
  return exitCode;
}

/** Multi-line console text with each line's control characters escaped (the line breaks kept). */
const escapeLines = (text: string): string => text.split('\n').map(escapeControls).join('\n');

/**
 * yargs renders the whole help page as soon as a command's handler starts, to have it
 * ready should the command fail later: ~0.15 s of CPU on the thread that then reduces
 * the log. Our .fail prints one line, never that page, so the cache is dropped (yargs 17
 * keeps its usage object across resets; without the internal method, nothing changes).
 */
function skipHelpCache(parser: object): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods;
  const usage = internal?.call(parser).getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
