#!/usr/bin/env node
// Token counting throughput at the hardware limit, side by side in ONE run on
// the same texts (ds_samples.jsonl prompts and outputs, repeated to N texts):
//   (a) TokenizerPool.count, default workers, batches of --batch, several in flight
//   (b) one process calling the native encodeBatch on the texts already in
//       memory, batches of the same size, awaited one after another
//   (c) a naive per-text `encode` loop (on the first --naive-texts texts)
// Prints total tokens, tokens/s, tokens/s per allowed CPU, tokens per CPU-second
// actually used (robust when other processes share the box), the ratio a/b and
// peak RSS of the parent and of each worker.
//
// Other comparisons, for the choices documented at the top of src/tokens/pool/pool.ts:
//   --compare-blocks   native pool: 1 worker over all CPUs vs one worker per CPU (vs depth)
//   --piscina          js backend: piscina worker threads vs forked pool processes
//                      (plus native through piscina, for reference)
//
//   npm run build && node scripts/bench-tokenize.mjs [N=20000] [--batch 256] [--rounds 1]
//       [--naive-texts 2000] [--compare-blocks] [--piscina [--js-texts 2000]]
// These 2-core machines are shared and noisy: use --rounds 3 and read medians and tok/CPU-s.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const FILES = { tokenizerJson: join(DS, 'tokenizer.json'), tokenizerConfig: join(DS, 'tokenizer_config.json') };
const CLK_TCK = 100; // USER_HZ on Linux

// ---- piscina worker side (this same file, loaded by piscina in a worker thread) ----
let piscinaTokenizer = null;
export default async function piscinaTask({ inputs }) {
  if (!piscinaTokenizer) {
    const { loadTokenizer } = await import('../dist/tokens/index.js');
    piscinaTokenizer = await loadTokenizer(workerData.backend, FILES.tokenizerJson, FILES.tokenizerConfig);
  }
  return piscinaTokenizer.count(inputs);
}

// ---- main (run at the end of this file) -------------------------------------------

function opt(args, name, dflt) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}

function makeTexts(n) {
  const recs = readFileSync(join(ROOT, '..', 'shared', 'corpus', 'ds_samples.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const base = recs.flatMap((r) => [r.text_input, r.ref_output]).filter((t) => typeof t === 'string' && t);
  return Array.from({ length: n }, (_, i) => base[i % base.length]);
}

function batchesOf(texts, size) {
  const out = [];
  for (let i = 0; i < texts.length; i += size) out.push(texts.slice(i, i + size).map((text) => ({ kind: 'text', text })));
  return out;
}

/** utime+stime of a process in seconds (all its threads), from /proc. */
function procCpuSeconds(pid) {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function ownCpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Peak RSS (VmHWM) of a process in MiB. */
function peakRssMiB(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Run `count` over every batch with up to `window` calls pending; total tokens. */
async function drive(count, batches, window) {
  let next = 0;
  let tokens = 0;
  let notCounted = 0;
  async function lane() {
    while (next < batches.length) {
      const r = await count(batches[next++]);
      for (const c of r.counts) c >= 0 ? (tokens += c) : notCounted++;
    }
  }
  await Promise.all(Array.from({ length: window }, lane));
  if (notCounted) throw new Error(`${notCounted} inputs not counted`);
  return tokens;
}

/** Time fn(); cpu(): CPU seconds used by everything involved so far. */
async function timed(fn, cpu) {
  const c0 = cpu();
  const t0 = performance.now();
  const tokens = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { tokens, seconds, cpuSeconds: cpu() - c0 };
}

async function runPool(TokenizerPool, opts, batches, window) {
  const pool = await TokenizerPool.start({ ...FILES, ...opts });
  try {
    const pids = pool.pids();
    const cpu = () => ownCpuSeconds() + pids.reduce((s, p) => s + procCpuSeconds(p), 0);
    const r = await timed(() => drive((b) => pool.count(b), batches, window(pool.workers)), cpu);
    return { ...r, workers: pool.workers, blocks: pool.blocks, childPeakMiB: pids.map(peakRssMiB) };
  } finally {
    await pool.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function report(rows, cores) {
  const line = (name, rs) => {
    const tps = rs.map((r) => r.tokens / r.seconds);
    const eff = rs.map((r) => r.tokens / r.cpuSeconds);
    const m = median(tps);
    return `${name.padEnd(44)} ${fmt(m).padStart(11)} ${fmt(m / cores).padStart(11)} ${fmt(median(eff)).padStart(11)} ${fmt(median(rs.map((r) => r.cpuSeconds / r.seconds)), 2).padStart(6)}   [${tps.map((t) => fmt(t / 1e6, 3)).join(' ')}]`;
  };
  console.log(`${'method'.padEnd(44)} ${'tok/s'.padStart(11)} ${'tok/s/core'.padStart(11)} ${'tok/CPU-s'.padStart(11)} ${'cores'.padStart(6)}   [each round, Mtok/s]`);
  for (const [name, rs] of rows) console.log(line(name, rs));
}

async function main() {
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 20000);
  const batch = Number(opt(args, '--batch', '256'));
  const rounds = Number(opt(args, '--rounds', '1'));
  const naiveN = Math.min(n, Number(opt(args, '--naive-texts', '2000')));
  const { TokenizerPool, defaultWorkers } = await import('../dist/tokens/index.js');
  const { allowedCpus } = await import('../dist/base/index.js');
  const cpus = allowedCpus();
  const cores = cpus.length;
  const texts = makeTexts(n);
  const batches = batchesOf(texts, batch);
  const window = (workers) => Math.max(4, 4 * workers);
  console.log(`node ${process.version}, allowed CPUs [${cpus.join(',')}] (${cores}), ${n} texts, batches of ${batch}, ${rounds} round(s)`);

  if (args.includes('--piscina')) return comparePiscina(args, TokenizerPool, cores);
  if (args.includes('--compare-blocks')) return compareBlocks(TokenizerPool, cpus, batches, rounds, window);

  const require = createRequire(import.meta.url);
  const { Tokenizer } = require('tokenizers');
  const rows = new Map([
    [`(a) TokenizerPool, ${defaultWorkers('native', cores)} worker(s)`, []],
    ['(b) one process, encodeBatch, sequential', []],
    [`(c) naive per-text encode (${naiveN} texts)`, []],
  ]);
  const [ra, rb, rc] = [...rows.values()];
  let parentPeakAfterPool = NaN;
  let childPeaks = [];
  let tokenizer = null;
  for (let round = 0; round < rounds; round++) {
    const a = await runPool(TokenizerPool, { backend: 'native' }, batches, window);
    ra.push(a);
    childPeaks = a.childPeakMiB;
    if (round === 0) parentPeakAfterPool = peakRssMiB(process.pid);
    // (b): the parent itself, texts already in memory.
    tokenizer ??= Tokenizer.fromFile(FILES.tokenizerJson);
    const b = await timed(async () => {
      let tokens = 0;
      for (let i = 0; i < texts.length; i += batch) {
        const encs = await tokenizer.encodeBatch(texts.slice(i, i + batch), { addSpecialTokens: false });
        for (const e of encs) tokens += e.getLength();
      }
      return tokens;
    }, ownCpuSeconds);
    rb.push(b);
    if (a.tokens !== b.tokens) throw new Error(`pool counted ${a.tokens} tokens, encodeBatch ${b.tokens}`);
    if (round === 0) {
      const c = await timed(async () => {
        let tokens = 0;
        for (let i = 0; i < naiveN; i++) tokens += (await tokenizer.encode(texts[i], null, { addSpecialTokens: false })).getLength();
        return tokens;
      }, ownCpuSeconds);
      rc.push(c);
    }
  }
  console.log(`total tokens: ${fmt(ra[0].tokens)} (pool and encodeBatch agree); naive loop: ${fmt(rc[0].tokens)} tokens on ${naiveN} texts`);
  report(rows, cores);
  const ratio = ra.map((a, i) => a.tokens / a.seconds / (rb[i].tokens / rb[i].seconds));
  console.log(`ratio a/b (tok/s): median ${fmt(median(ratio), 3)} [${ratio.map((x) => fmt(x, 3)).join(' ')}]`);
  console.log(`pool blocks: ${JSON.stringify(ra[0].blocks)}`);
  console.log(`peak RSS: parent ${fmt(parentPeakAfterPool)} MiB during (a) (texts in memory, no tokenizer); ` + `parent ${fmt(peakRssMiB(process.pid))} MiB after (b)/(c) (tokenizer loaded); workers ${childPeaks.map((m) => `${fmt(m)} MiB`).join(', ')}`);
}

async function compareBlocks(TokenizerPool, cpus, batches, rounds, window) {
  const require = createRequire(import.meta.url);
  const { Tokenizer } = require('tokenizers');
  const tokenizer = Tokenizer.fromFile(FILES.tokenizerJson);
  const configs = [
    [`pool: 1 worker x ${cpus.length} CPUs (rayon ${cpus.length}), depth 2`, { workers: 1, depth: 2 }],
    [`pool: ${cpus.length} workers x 1 CPU (rayon 1), depth 2`, { workers: cpus.length, depth: 2 }],
    [`pool: ${cpus.length} workers x 1 CPU (rayon 1), depth 1`, { workers: cpus.length, depth: 1 }],
  ];
  const rows = new Map();
  const add = (k, r) => (rows.get(k) ?? rows.set(k, []).get(k)).push(r);
  const peaks = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const [name, opts] of configs) {
      const r = await runPool(TokenizerPool, { backend: 'native', ...opts }, batches, window);
      add(name, r);
      peaks.set(name, r.childPeakMiB);
    }
    // Why a worker counts one batch at a time: 1 vs 2 encodeBatch calls in flight in one process.
    for (const inflight of [1, 2]) {
      const texts = batches.map((b) => b.map((i) => i.text));
      add(`in-process encodeBatch, ${inflight} call(s) in flight`, await timed(() => drive(async (b) => {
        const encs = await tokenizer.encodeBatch(b, { addSpecialTokens: false });
        return { counts: encs.map((e) => e.getLength()) };
      }, texts, inflight), ownCpuSeconds));
    }
  }
  console.log(`total tokens: ${fmt([...rows.values()][0][0].tokens)}`);
  report(rows, cpus.length);
  for (const [name, p] of peaks) console.log(`worker peak RSS, ${name}: ${p.map((m) => `${fmt(m)} MiB`).join(', ')}`);
}

async function comparePiscina(args, TokenizerPool, cores) {
  const { Piscina } = await import('piscina');
  const jsN = Number(opt(args, '--js-texts', '2000'));
  const batch = Number(opt(args, '--batch', '256'));
  const rounds = Number(opt(args, '--rounds', '1'));
  const batches = batchesOf(makeTexts(jsN), batch);
  const threads = Math.max(2, cores);
  const rows = new Map();
  const add = (k, r) => (rows.get(k) ?? rows.set(k, []).get(k)).push(r);
  let piscinaPeak = NaN;
  for (let round = 0; round < rounds; round++) {
    for (const backend of ['js', 'native']) {
      const piscina = new Piscina({ filename: import.meta.url, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, workerData: { backend } });
      // Load the tokenizer in every thread before timing (a pool starts its workers before timing too).
      await Promise.all(Array.from({ length: threads }, () => piscina.run({ inputs: [{ kind: 'text', text: 'warm up' }] })));
      add(`piscina ${backend}, ${threads} threads`, await timed(() => drive((b) => piscina.run({ inputs: b }), batches, 4 * threads), ownCpuSeconds));
      piscinaPeak = Math.max(piscinaPeak || 0, peakRssMiB(process.pid));
      await piscina.destroy();
      const r = await runPool(TokenizerPool, { backend, workers: threads }, batches, () => 4 * threads);
      add(`TokenizerPool ${backend}, ${threads} processes`, r);
    }
  }
  console.log(`${jsN} texts, total tokens: ${fmt([...rows.values()][0][0].tokens)}`);
  report(rows, cores);
  console.log(`peak RSS: this process with piscina threads ${fmt(piscinaPeak)} MiB`);
}

if (isMainThread && !workerData) await main();
