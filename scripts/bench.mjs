#!/usr/bin/env node
// Throughput and memory of `replay recompute`, side by side in one run on the
// same generated logs (these 2-core machines are noisy: compare ratios):
//   (a) replay recompute end to end (default workers), peak RSS of its process tree
//   (b) one process calling the native encodeBatch on the log's texts, already in memory
//       (extracted 64M characters at a time; only the encoding is timed)
//   (c) a naive per-text encode loop on one thread (the first 3,000 texts)
//
// With --rounds N, (a) and (b) run N times each on the same log, alternating which goes
// first; a/b is taken per round (the two runs side by side) and its median reported; the
// peak-RSS projection is a least-squares line through every round's peak.
//
//   npm run build && node scripts/bench.mjs [--sizes 10000,50000,100000] [--rounds 1] [--output-chars 2000]
//     [--chars-per-chunk 8] [--prompt-chars 0 --prompts 1000] (gen-log.mjs's options)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuCount } from '../dist/base/index.js';
import { forTextSlices } from './bench-texts.mjs';
import { generate } from './gen-log.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOK = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('--sizes', '10000,50000,100000').split(',').map(Number);
const outputChars = Number(opt('--output-chars', '2000'));
const charsPerChunk = Number(opt('--chars-per-chunk', '8'));
const promptChars = Number(opt('--prompt-chars', '0'));
const prompts = Number(opt('--prompts', '1000'));
const rounds = Number(opt('--rounds', '1'));
const cores = cpuCount();

function rssTree(pid) {
  // VmRSS of pid and all its descendants, in bytes: their sum, pid's own, the largest descendant's.
  let total = 0;
  let main = 0;
  let child = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const rss = Number(readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
      total += rss;
      if (p === pid) main = rss;
      else child = Math.max(child, rss);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      /* exited */
    }
  }
  return { total, main, child };
}

async function runReplay(log, out) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', log, `--tokenizer=${TOK}`, `--out=${out}`, '--quiet'], { stdio: 'inherit' });
  const peak = { total: 0, main: 0, child: 0 };
  const timer = setInterval(() => {
    const now = rssTree(child.pid);
    for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], now[k]);
  }, 100);
  const code = await new Promise((res) => child.on('exit', res));
  clearInterval(timer);
  if (code !== 0) throw new Error(`replay exited ${code}`);
  const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
  return { seconds: (performance.now() - t0) / 1000, peakRss: peak, tokens: manifest.tokenization.tokens, promptsReused: manifest.tokenization.prompts_reused, workers: manifest.tokenizer.workers };
}

/** (b): native encodeBatch over each slice, in batches of 256; only the encoding is timed. */
async function nativeBatch(log) {
  const tok = Tokenizer.fromFile(join(TOK, 'tokenizer.json'));
  let ms = 0;
  let tokens = 0;
  let count = 0;
  let first = null;
  const structured = await forTextSlices(log, async (texts) => {
    first ??= texts.slice(0, 3000);
    count += texts.length;
    const t0 = performance.now();
    for (let i = 0; i < texts.length; i += 256) {
      const enc = await tok.encodeBatch(texts.slice(i, i + 256), { addSpecialTokens: false });
      for (const e of enc) tokens += e.getLength();
    }
    ms += performance.now() - t0;
  });
  return { seconds: ms / 1000, tokens, texts: count, structured, firstTexts: first ?? [] };
}

/** (c): one encode call at a time on the first 3,000 texts; tokens/s. */
async function naiveLoop(slice) {
  const tok = Tokenizer.fromFile(join(TOK, 'tokenizer.json'));
  const t0 = performance.now();
  let tokens = 0;
  for (const t of slice) tokens += (await tok.encode(t, null, { addSpecialTokens: false })).getLength();
  return { tokensPerSecond: tokens / ((performance.now() - t0) / 1000) };
}

/** The lower median (an element of xs). */
const median = (xs) => [...xs].sort((x, y) => x - y)[(xs.length - 1) >> 1];

const rows = [];
/** Every round's peak RSS (MB), for the projection. */
const peakPoints = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${n}-`));
  const log = join(dir, 'events.jsonl');
  await generate({ samples: n, seed: 7, out: log, streaming: true, charsPerChunk, outputChars, reasoningFrac: 0, toolCallFrac: 0, warmup: 32, errorFrac: 0.01, retryFrac: 0.005, concurrency: 64, damage: false, promptChars, prompts });
  const bytes = Number(readFileSync(`${log}.stats.json`) && (await import('node:fs')).statSync(log).size);
  const as = [];
  const bs = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) as.push(await runReplay(log, join(dir, 'out')));
    bs.push(await nativeBatch(log));
    if (r % 2 === 1) as.push(await runReplay(log, join(dir, 'out')));
  }
  const ratios = as.map((a, r) => a.tokens / a.seconds / (bs[r].tokens / bs[r].seconds));
  const mid = ratios.indexOf(median(ratios));
  // The round with the median ratio; peak RSS is the highest of all rounds.
  const a = { ...as[mid], peakRss: Object.fromEntries(Object.keys(as[0].peakRss).map((k) => [k, Math.max(...as.map((x) => x.peakRss[k]))])) };
  const b = bs[mid];
  const c = await naiveLoop(b.firstTexts);
  for (const x of as) peakPoints.push({ samples: n, total: x.peakRss.total / 2 ** 20, main: x.peakRss.main / 2 ** 20, child: x.peakRss.child / 2 ** 20 });
  const row = {
    samples: n,
    log_mb: +(bytes / 1e6).toFixed(1),
    texts: b.texts,
    structured_texts: b.structured,
    tokens_replay: a.tokens,
    tokens_all_texts: b.tokens,
    replay_s: +a.seconds.toFixed(2),
    replay_tok_s: Math.round(a.tokens / a.seconds),
    replay_tok_s_per_core: Math.round(a.tokens / a.seconds / cores),
    replay_workers: a.workers,
    prompts_reused: a.promptsReused,
    batch_s: +b.seconds.toFixed(2),
    batch_tok_s: Math.round(b.tokens / b.seconds),
    naive_tok_s: Math.round(c.tokensPerSecond),
    ratio_a_b: +ratios[mid].toFixed(3),
    ...(rounds > 1 ? { ratios_a_b: ratios.map((x) => +x.toFixed(3)).join(' ') } : {}),
    replay_peak_rss_mb: Math.round(a.peakRss.total / 2 ** 20),
    main_peak_rss_mb: Math.round(a.peakRss.main / 2 ** 20),
    worker_peak_rss_mb: Math.round(a.peakRss.child / 2 ** 20),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  rmSync(dir, { recursive: true, force: true });
}

// Peak RSS against samples: least-squares lines through every round's peaks, projected to 1M samples.
if (rows.length >= 2) {
  const fit = (key) => {
    const xs = peakPoints.map((p) => p.samples);
    const ys = peakPoints.map((p) => p[key]);
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    return { slope, at1M: my + slope * (1e6 - mx) };
  };
  const total = fit('total');
  const main = fit('main');
  const worker = fit('child');
  const workers = rows[rows.length - 1].replay_workers;
  console.log(`peak RSS fit over ${peakPoints.length} runs (sum of processes): ${(total.slope * 1024).toFixed(2)} KB/sample; projected at 1M samples: ${Math.round(total.at1M)} MB`);
  console.log(`  main process: ${(main.slope * 1024).toFixed(2)} KB/sample, ${Math.round(main.at1M)} MB at 1M; largest worker: ${(worker.slope * 1024).toFixed(2)} KB/sample, ${Math.round(worker.at1M)} MB at 1M (x${workers} workers)`);
  console.log(`  peaks (tree MB) by size: ${[...new Set(peakPoints.map((p) => p.samples))].map((n) => `${n}: ${peakPoints.filter((p) => p.samples === n).map((p) => Math.round(p.total)).join('/')}`).join(', ')}`);
}
console.table(rows);
console.log(`CPUs available: ${cores}`);
writeFileSync('bench-results.json', `${JSON.stringify(rows, null, 2)}\n`);
