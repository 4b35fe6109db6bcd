#!/usr/bin/env node
// Generate a realistic endpoints events.jsonl of any size from real text
// (fixtures/corpus: real DeepSeek-R1 outputs and prompts), deterministically.
//
//   node scripts/gen-log.mjs --samples 10000 --out /tmp/run/events.jsonl [--seed 1]
//     [--no-streaming] [--chars-per-chunk 4] [--output-chars 4000] [--reasoning-frac 0.2]
//     [--tool-call-frac 0.05] [--warmup 32] [--error-frac 0.01] [--retry-frac 0.005]
//     [--concurrency 64] [--damage] [--prompt-chars 0 --prompts 1000]
//     [--latency-profile steady|ramp|drift|shift] [--shape default|chunk-lines]
//
// --shape: the text of every output is then built of sentences drawn at random from the
// whole corpus (outputs, prompts), so each sample's text is its own; and
//   default      the endpoints' default log: sample.recv_first only (no line per later chunk),
//                the output logged as its first chunk and the rest;
//   chunk-lines  a sample.recv_non_first line per streamed chunk, the output as every chunk.
// Without --shape, outputs are slices of the long outputs, a line per chunk (as before the option).
//
// --prompt-chars N: prompts of about N characters of real text, drawn from a pool of
// --prompts distinct ones (datasets are cycled); by default, the corpus's short prompts.
//
// --latency-profile: scale each tracked request's TTFT and inter-chunk gaps by its position in
// issue order (LATENCY_PROFILES below; a function (k, n) => ({ ttft, tpot }) when called from code);
// without it the log is byte-for-byte what it was before the option existed.
//
// Streams to the file, so a million samples needs no more memory than a few.
// Also writes <out>.stats.json: what was generated, counted independently of replay.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const a = {
    samples: 1000, seed: 1, out: 'events.jsonl', streaming: true, charsPerChunk: 4, outputChars: 4000,
    reasoningFrac: 0.2, toolCallFrac: 0.05, warmup: 32, errorFrac: 0.01, retryFrac: 0.005, concurrency: 64, damage: false,
    promptChars: 0, prompts: 1000,
  };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    switch (k) {
      case '--samples': a.samples = Number(v()); break;
      case '--seed': a.seed = Number(v()); break;
      case '--out': a.out = v(); break;
      case '--streaming': a.streaming = true; break;
      case '--no-streaming': a.streaming = false; break;
      case '--chars-per-chunk': a.charsPerChunk = Number(v()); break;
      case '--output-chars': a.outputChars = Number(v()); break;
      case '--reasoning-frac': a.reasoningFrac = Number(v()); break;
      case '--tool-call-frac': a.toolCallFrac = Number(v()); break;
      case '--warmup': a.warmup = Number(v()); break;
      case '--error-frac': a.errorFrac = Number(v()); break;
      case '--retry-frac': a.retryFrac = Number(v()); break;
      case '--concurrency': a.concurrency = Number(v()); break;
      case '--damage': a.damage = true; break;
      case '--prompt-chars': a.promptChars = Number(v()); break;
      case '--prompts': a.prompts = Number(v()); break;
      case '--latency-profile': a.latencyProfile = v(); break;
      case '--shape': a.shape = v(); if (!['default', 'chunk-lines'].includes(a.shape)) throw new Error(`--shape: default or chunk-lines (got ${a.shape})`); break;
      case '--help': case '-h':
        process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 13).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
        process.exit(0);
      default: throw new Error(`unknown option ${k}`);
    }
  }
  return a;
}

/** mulberry32: small, fast, seedable. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadCorpus() {
  const read = (f) => readFileSync(join(ROOT, 'fixtures', 'corpus', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const ds = read('ds_samples.jsonl');
  const dummy = read('dummy_1k.jsonl');
  return {
    long: ds.map((r) => r.ref_output).join('\n\n'),
    sentences: [...ds.map((r) => r.ref_output), ...dummy.map((r) => r.text_input), ...ds.map((r) => r.question ?? r.text_input).filter(Boolean)]
      .join('\n')
      .split(/(?<=[.!?。\n])\s+/)
      .filter((x) => x.length > 1),
    prompts: [...dummy.map((r) => r.text_input), ...ds.map((r) => r.question ?? r.text_input).filter(Boolean)],
  };
}

/** Latency multipliers by tracked issue position k of n: a ramp-up then plateau, a slow drift, a level shift. */
export const LATENCY_PROFILES = {
  steady: () => ({ ttft: 1, tpot: 1 }),
  ramp: (k, n) => {
    const left = Math.max(0, 1 - k / (0.25 * n));
    return { ttft: 1 + 3 * left, tpot: 1 + 0.6 * left };
  },
  drift: (k, n) => ({ ttft: 1 + 1.5 * (k / n), tpot: 1 + (k / n) }),
  shift: (k, n) => (k >= 0.6 * n ? { ttft: 1.3, tpot: 1.6 } : { ttft: 1, tpot: 1 }),
};

function latencyProfile(p) {
  if (p === undefined || p === null) return null;
  if (typeof p === 'function') return p;
  if (!(p in LATENCY_PROFILES)) throw new Error(`unknown latency profile ${p} (one of ${Object.keys(LATENCY_PROFILES).join(', ')})`);
  return LATENCY_PROFILES[p];
}

const TOOLS = [
  { name: 'search_web', args: (r) => ({ query: ['latest MLPerf results', '日本の首都', 'tokenizer "byte-level" BPE'][Math.floor(r() * 3)], max_results: 1 + Math.floor(r() * 10) }) },
  { name: 'get_weather', args: (r) => ({ location: ['Paris', 'Zürich', 'São Paulo'][Math.floor(r() * 3)], unit: 'celsius', temperature: 1.0, days: 1 + Math.floor(r() * 7) }) },
];

export async function generate(opts) {
  const r = rng(opts.seed);
  const corpus = loadCorpus();
  const mixed = (chars) => {
    let s = '';
    while (s.length < chars) s += (s ? ' ' : '') + corpus.sentences[Math.floor(r() * corpus.sentences.length)];
    return s.slice(0, chars);
  };
  const text = opts.shape ? mixed : (chars) => {
    const start = Math.floor(r() * Math.max(1, corpus.long.length - chars));
    let s = corpus.long.slice(start, start + chars);
    while (s.length < chars) s += corpus.long.slice(0, chars - s.length);
    return s;
  };
  const chunks = (s) => {
    const out = [];
    for (let i = 0; i < s.length; ) {
      const n = Math.max(1, Math.round(opts.charsPerChunk * (0.5 + r())));
      out.push(s.slice(i, i + n));
      i += n;
    }
    return out;
  };
  // Long prompts come from their own generator, so the rest of the log is the same with or without them.
  const promptPool = (() => {
    if (!opts.promptChars) return corpus.prompts;
    const pr = rng(opts.seed + 1);
    return Array.from({ length: opts.prompts ?? 1000 }, () => {
      const start = Math.floor(pr() * Math.max(1, corpus.long.length - opts.promptChars));
      return corpus.long.slice(start, start + Math.round(opts.promptChars * (0.5 + pr())));
    });
  })();
  const uuid = () => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const BASE = 9_300_000_000_000_000n; // beyond 2^53: timestamps must be read exactly
  const ts = (t) => String(BASE + BigInt(Math.round(t)));
  const profile = latencyProfile(opts.latencyProfile);
  const stats = { samples: opts.samples, warmup: opts.warmup, tracked_issued: 0, tracked_completed: 0, tracked_failed: 0, lines: 0, damaged_lines: [] };

  mkdirSync(dirname(opts.out), { recursive: true });
  const file = createWriteStream(opts.out);
  const write = async (line) => {
    stats.lines++;
    if (!file.write(`${line}\n`)) await new Promise((res) => file.once('drain', res));
  };
  const ev = (type, t, id, data, extra = '') => `{"event_type":"${type}","timestamp_ns":${ts(t)},"sample_uuid":"${id}","conversation_id":"","turn":null,"data":${data}${extra}}`;

  // Each in-flight request is a queue of [time, line] events; the earliest goes next.
  const inflight = [];
  let clock = 0;
  let issuedTotal = 0;
  const total = opts.warmup + opts.samples;
  let tracking = false;
  await write(ev('session.started', clock, '', 'null'));

  const startRequest = (t0, tracked, k) => {
    // Multiplying by 1 is exact, so without a profile every timestamp is unchanged.
    const scale = profile && tracked ? profile(k, opts.samples) : { ttft: 1, tpot: 1 };
    const id = uuid();
    const prompt = promptPool[Math.floor(r() * promptPool.length)];
    const events = [];
    // The first ISSUED is written at once (see fill): it must precede later session events.
    const issued = ev('sample.issued', t0, id, JSON.stringify(['PromptData', prompt, null, null, null, null, null, null]));
    if (r() < opts.retryFrac) events.push([t0 + 5e6, ev('sample.issued', t0 + 5e6, id, JSON.stringify(['PromptData', prompt, null, null, null, null, null, null]))]);
    const fails = r() < opts.errorFrac;
    const outChars = Math.max(8, Math.round(opts.outputChars * (0.25 + 1.5 * r())));
    const withReasoning = r() < opts.reasoningFrac;
    const withTools = r() < opts.toolCallFrac;
    let t = t0 + 100e6 * scale.ttft + 300e6 * r() * scale.ttft;
    let data = 'null';
    if (!fails) {
      const outputChunks = opts.streaming ? chunks(text(outChars)) : [text(outChars)];
      const reasoningChunks = withReasoning ? (opts.streaming ? chunks(text(outChars)) : [text(outChars)]) : null;
      const n = outputChunks.length + (reasoningChunks?.length ?? 0);
      if (opts.streaming) {
        events.push([t, ev('sample.recv_first', t, id, 'null')]);
        for (let i = 1; i < n; i++) {
          t += (5e6 + 25e6 * r()) * scale.tpot;
          if (opts.shape !== 'default') events.push([t, ev('sample.recv_non_first', t, id, 'null')]);
        }
      } else {
        t += n * 10e6 * scale.tpot;
      }
      let toolCalls = null;
      if (withTools) {
        const tool = TOOLS[Math.floor(r() * TOOLS.length)];
        const args = JSON.stringify(tool.args(r)).replace('"temperature":1', '"temperature":1.0');
        const call = { index: 0, id: `call_${id.slice(0, 12)}`, type: 'function', function: { name: tool.name, arguments: '' } };
        toolCalls = opts.streaming
          ? [[call], ...chunks(args).map((a) => [{ index: 0, function: { arguments: a } }])]
          : [{ id: call.id, type: 'function', function: { name: tool.name, arguments: args } }];
      }
      // The default shape logs a streamed field as its first chunk and the rest.
      const firstAndRest = (c) => (c.length > 1 ? [c[0], c.slice(1).join('')] : c);
      const logged = (c) => (opts.shape === 'default' ? firstAndRest(c) : c);
      const out = opts.streaming ? logged(outputChunks) : outputChunks[0];
      const reasoning = reasoningChunks ? (opts.streaming ? logged(reasoningChunks) : reasoningChunks[0]) : null;
      data = JSON.stringify(['TextModelOutput', out, reasoning, toolCalls]);
    } else {
      t += 1e9 * r();
      events.push([t, ev('error.generic', t, id, JSON.stringify(['ErrorData', 'httpx.ReadTimeout', 'timed out']))]);
      t += 1e3;
    }
    t += 1e6;
    const reason = fails ? '' : `,"finish_reason":"${withTools ? 'tool_calls' : r() < 0.9 ? 'stop' : 'length'}"`;
    events.push([t, ev('sample.complete', t, id, data, reason)]);
    if (tracked) {
      stats.tracked_issued += 1 + events.filter(([, l]) => l.includes('"sample.issued"')).length;
      stats.tracked_completed++;
      if (fails) stats.tracked_failed++;
    }
    return { issued, events, next: 0 };
  };

  const fill = async () => {
    while (inflight.length < opts.concurrency && issuedTotal < (tracking ? total : opts.warmup)) {
      const tracked = issuedTotal >= opts.warmup;
      issuedTotal++;
      const req = startRequest(clock, tracked, issuedTotal - 1 - opts.warmup);
      await write(req.issued);
      inflight.push({ req, tracked });
      clock += 1e5; // issue spacing
    }
  };
  const warm = () => issuedTotal < opts.warmup;
  for (;;) {
    if (!tracking && !warm()) {
      // Warm-up issued: start tracking (warm-up stragglers complete untracked, as in real runs).
      tracking = true;
      await write(ev('session.start_performance_tracking', clock, '', 'null'));
    }
    await fill();
    if (inflight.length === 0) break;
    let best = 0;
    for (let i = 1; i < inflight.length; i++) if (inflight[i].req.events[inflight[i].req.next][0] < inflight[best].req.events[inflight[best].req.next][0]) best = i;
    const f = inflight[best];
    const [t, line] = f.req.events[f.req.next++];
    clock = Math.max(clock, t);
    await write(line);
    if (f.req.next === f.req.events.length) inflight.splice(best, 1);
  }
  await write(ev('session.stop_performance_tracking', clock + 1e6, '', 'null'));
  if (opts.damage) {
    stats.damaged_lines.push(stats.lines + 1, stats.lines + 2, stats.lines + 3);
    await write('{"event_type":"sample.issued","timestamp_ns":1.5,"sample_uuid":"x"}');
    await write('not json at all');
    file.write(Buffer.from([0xff, 0xfe, 0x7b, 0x7d, 0x0a]));
    stats.lines++;
    // Cut mid-line, without session.ended: a killed run.
    file.write('{"event_type":"sample.issued","timestamp_ns":93000');
    stats.lines++;
    stats.damaged_lines.push(stats.lines);
    stats.ended = false;
  } else {
    await write(ev('session.ended', clock + 2e6, '', 'null'));
    stats.ended = true;
  }
  await new Promise((res) => file.end(res));
  writeFileSync(`${opts.out}.stats.json`, `${JSON.stringify(stats, null, 2)}\n`);
  return stats;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const opts = parseArgs(process.argv);
  const stats = await generate(opts);
  process.stderr.write(`wrote ${opts.out}: ${stats.lines} lines, ${stats.samples} tracked samples (+${stats.warmup} warm-up)\n`);
}
