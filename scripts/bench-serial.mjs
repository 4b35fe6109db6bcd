#!/usr/bin/env node
// The serial part of `replay recompute`, and its speed end to end, on generated
// logs of distinct real text (gen-log.mjs --shape) in both shapes:
//   default      the endpoints' default log (recv_first only; output as first chunk + rest)
//   chunk-lines  a line per streamed chunk
// For each size and shape, per round, side by side:
//   (a) replay recompute (DeepSeek-V3, default workers, the real pool), with the CPU time
//       of every thread of the CLI's own process read from /proc/self/task/*/stat at its exit
//       (scripts/bench-serial-probe.mjs, preloaded) and of its worker processes (reaped
//       children's time), and the peak RSS of the process tree sampled every 100 ms;
//   (b) one process calling the native encodeBatch on the same texts (prompt, output, output
//       after its first chunk), read beforehand 64M characters at a time; only the encoding timed.
// Every thread's CPU is also sampled from the outside every 100 ms, so a thread that ends before the
// process (the log's hash, decode threads) counts too, to within its last 0.1 s.
// Serial ceiling = tokens counted / CPU-seconds of the busiest thread of the CLI's process: the
// rate no number of workers can exceed while that thread does the same work per event. Also
// split at the end of the replay (the manifest's main_thread_cpu_s): start-up + reduce, and outputs.
//
//   npm run build && node scripts/bench-serial.mjs [--sizes 10000,50000,100000] [--rounds 2]
//     [--shapes default,chunk-lines] [--output-chars 4000] [--chunk-output-chars 2000] [--chars-per-chunk 8] [--keep DIR]
//     [--no-baseline] [--results FILE]
// Rows go to FILE when given (the README cites bench-serial-results.json), else only to stdout, so an
// exploratory run cannot replace the cited results.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuCount } from '../dist/base/index.js';
import { forTextSlices } from './bench-texts.mjs';
import { generate } from './gen-log.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOK = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const PROBE = join(ROOT, 'scripts', 'bench-serial-probe.mjs');
const TICKS = 100; // USER_HZ
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('--sizes', '10000,50000,100000').split(',').map(Number);
const shapes = opt('--shapes', 'default,chunk-lines').split(',');
const rounds = Number(opt('--rounds', '2'));
const outputChars = Number(opt('--output-chars', '4000'));
/** Shorter outputs in the chunk-line shape: ~250 lines a sample already (the log is ~9x the default shape's per token). */
const chunkOutputChars = Number(opt('--chunk-output-chars', '2000'));
const charsPerChunk = Number(opt('--chars-per-chunk', '8'));
const keep = opt('--keep', null);
/** --no-baseline: (a) only, for sizes where (b) would take too long (its columns are then null). */
const baseline = !args.includes('--no-baseline');
const resultsFile = opt('--results', null);

function rssTree(pid) {
  let total = 0;
  let main = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const rss = Number(readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
      total += rss;
      if (p === pid) main = rss;
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      /* exited */
    }
  }
  return { total, main };
}

/** Each thread of `pid` with its CPU ticks so far (none once the process is gone). */
function threadTicks(pid) {
  const out = [];
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(tid), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* ended meanwhile */
    }
  }
  return out;
}

async function runReplay(log, out) {
  const probe = join(out, '..', 'probe.json');
  rmSync(probe, { force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, join(ROOT, 'bin', 'replay.js'), 'recompute', log, `--tokenizer=${TOK}`, `--out=${out}`, '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, BENCH_SERIAL_PROBE: probe },
  });
  const peak = { total: 0, main: 0 };
  // Every thread's CPU as last seen, sampled while it runs: a thread that ends before the process
  // (the hash thread, decode threads) is gone from the probe's listing at exit.
  const seen = new Map();
  const timer = setInterval(() => {
    const now = rssTree(child.pid);
    peak.total = Math.max(peak.total, now.total);
    peak.main = Math.max(peak.main, now.main);
    for (const t of threadTicks(child.pid)) seen.set(t.tid, t);
  }, 100);
  const code = await new Promise((res) => child.on('exit', res));
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  if (code !== 0 && code !== 1) throw new Error(`replay exited ${code}`);
  const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
  const p = JSON.parse(readFileSync(probe, 'utf8'));
  for (const t of p.threads) seen.set(t.tid, t);
  const busiest = [...seen.values()].reduce((a, b) => (b.ticks > a.ticks ? b : a));
  const main = p.threads.find((t) => t.tid === p.pid);
  return {
    seconds,
    tokens: manifest.tokenization.tokens,
    workers: manifest.tokenizer.workers,
    phases: manifest.phases_s,
    mainThreadCpu: manifest.main_thread_cpu_s,
    busiestCpu: busiest.ticks / TICKS,
    busiestName: busiest.tid === p.pid ? 'main' : busiest.name,
    mainCpu: main.ticks / TICKS,
    processCpu: p.processTicks / TICKS,
    // CPU of the threads that had ended by the exit: the process's total less its live threads'.
    exitedCpu: (p.processTicks - p.threads.reduce((s, t) => s + t.ticks, 0)) / TICKS,
    workersCpu: p.childTicks / TICKS,
    peak,
  };
}

/** (b): native encodeBatch over each slice, batches of 256; only the encoding is timed. */
async function nativeBatch(log) {
  const tok = Tokenizer.fromFile(join(TOK, 'tokenizer.json'));
  let ms = 0;
  let tokens = 0;
  await forTextSlices(log, async (texts) => {
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += 256) {
      const enc = await tok.encodeBatch(texts.slice(i, i + 256), { addSpecialTokens: false });
      for (const e of enc) tokens += e.getLength();
    }
    ms += performance.now() - t0;
  });
  return { seconds: ms / 1000, tokens };
}

const f2 = (x) => x.toFixed(2);
const rows = [];
const peaks = [];
const base = keep ?? mkdtempSync(join(tmpdir(), 'bench-serial-'));
for (const shape of shapes) {
  for (const n of sizes) {
    const dir = join(base, `${shape}-${n}`);
    const log = join(dir, 'events.jsonl');
    if (!existsSync(log)) {
      mkdirSync(dir, { recursive: true });
      await generate({ samples: n, seed: 11, out: log, streaming: true, charsPerChunk, outputChars: shape === 'chunk-lines' ? chunkOutputChars : outputChars, reasoningFrac: 0, toolCallFrac: 0, warmup: 32, errorFrac: 0.01, retryFrac: 0.005, concurrency: 64, damage: false, shape });
    }
    const bytes = statSync(log).size;
    for (let r = 0; r < rounds; r++) {
      let a;
      let b;
      // Alternate which goes first.
      if (r % 2 === 0) {
        a = await runReplay(log, join(dir, 'out'));
        b = baseline ? await nativeBatch(log) : null;
      } else {
        b = baseline ? await nativeBatch(log) : null;
        a = await runReplay(log, join(dir, 'out'));
      }
      const row = {
        shape,
        samples: n,
        log_mb: Math.round(bytes / 1e6),
        round: r + 1,
        tokens_m: +(a.tokens / 1e6).toFixed(1),
        wall_s: +f2(a.seconds),
        busiest_thread: a.busiestName,
        busiest_cpu_s: +f2(a.busiestCpu),
        main_cpu_s: +f2(a.mainCpu),
        cli_process_cpu_s: +f2(a.processCpu),
        exited_threads_cpu_s: +f2(a.exitedCpu),
        workers_cpu_s: +f2(a.workersCpu),
        serial_ceiling_mtok_s: +(a.tokens / a.busiestCpu / 1e6).toFixed(1),
        // The reduce alone: the main thread's CPU from the command's start to the end of the replay (manifest).
        main_cpu_replay_s: a.mainThreadCpu.replay,
        main_cpu_outputs_s: a.mainThreadCpu.outputs,
        replay_phase_ceiling_mtok_s: +(a.tokens / a.mainThreadCpu.replay / 1e6).toFixed(1),
        replay_mtok_s: +(a.tokens / a.seconds / 1e6).toFixed(2),
        native_batch_mtok_s: b && +(b.tokens / b.seconds / 1e6).toFixed(2),
        a_over_b: b && +(a.tokens / a.seconds / (b.tokens / b.seconds)).toFixed(2),
        outputs_phase_s: a.phases.outputs,
        peak_tree_mb: Math.round(a.peak.total / 2 ** 20),
        peak_main_mb: Math.round(a.peak.main / 2 ** 20),
        workers: a.workers,
      };
      rows.push(row);
      peaks.push({ shape, samples: n, mb: a.peak.total / 2 ** 20 });
      console.log(JSON.stringify(row));
    }
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

// Peak RSS of the tree against samples, per shape: a least-squares line through every round's peak, at 1M samples.
for (const shape of shapes) {
  const pts = peaks.filter((p) => p.shape === shape);
  if (new Set(pts.map((p) => p.samples)).size < 2) continue;
  const mx = pts.reduce((s, p) => s + p.samples, 0) / pts.length;
  const my = pts.reduce((s, p) => s + p.mb, 0) / pts.length;
  const slope = pts.reduce((s, p) => s + (p.samples - mx) * (p.mb - my), 0) / pts.reduce((s, p) => s + (p.samples - mx) ** 2, 0);
  console.log(`${shape}: peak RSS of the tree ${(slope * 1024).toFixed(2)} KB/sample, projected at 1M samples: ${Math.round(my + slope * (1e6 - mx))} MB (least squares over ${pts.length} runs)`);
}
console.table(rows.map(({ shape, samples, round, tokens_m, wall_s, busiest_cpu_s, serial_ceiling_mtok_s, main_cpu_replay_s, replay_phase_ceiling_mtok_s, main_cpu_outputs_s, a_over_b, peak_tree_mb }) => ({ shape, samples, round, tokens_m, wall_s, busiest_cpu_s, serial_ceiling_mtok_s, main_cpu_replay_s, replay_phase_ceiling_mtok_s, main_cpu_outputs_s, a_over_b, peak_tree_mb })));
console.log(`CPUs available: ${cpuCount()}`);
if (resultsFile) {
  writeFileSync(resultsFile, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`rows written to ${resultsFile}`);
}
