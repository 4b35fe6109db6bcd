#!/usr/bin/env node
// Reading and decoding events.jsonl, side by side in one run on the same file
// (warm page cache), for the choice documented in the README (Dependencies):
//   (1) replay: our line splitter + event decoder (dist/read/index.js, dist/decode/index.js)
//   (2) replay's line splitter + JSON.parse per line (no event decoding)
//   (3) stream-json's JSONL parser (jsonl/parser.asStream), objects per line
//   (4) node:readline + JSON.parse per line
//   (5) (1) on line-aligned byte ranges (dist/read/index.js), one worker thread each, --threads
//       of them (default: one per CPU): how decoding scales when a file is split
// Prints MB/s for each and its ratio to (1). Rounds alternate the methods.
//
//   npm run build && node scripts/bench-parse.mjs [events.jsonl] [--rounds 3] [--threads N]
//   (default log: node scripts/gen-log.mjs --samples 2000 --out /tmp/bench-parse/events.jsonl)
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import jsonl from 'stream-json/jsonl/parser.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;
const threadsArg = args.indexOf('--threads');
let file = args.find((a) => a.endsWith('.jsonl'));
if (!file) {
  file = '/tmp/bench-parse/events.jsonl';
  if (!existsSync(file)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'gen-log.mjs'), '--samples', '2000', '--out', file], { stdio: 'inherit' });
}
const { readLines, splitRanges } = await import('../dist/read/index.js');
const { decodeLogLine } = await import('../dist/decode/index.js');
const { cpuCount } = await import('../dist/base/index.js');
const threads = threadsArg >= 0 ? Number(args[threadsArg + 1]) : cpuCount();

// One range per thread: the same reader and decoder as (1), on the range's bytes only.
const RANGE_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  (async () => {
    const { openRange, readLines } = await import(workerData.dist + '/read/index.js');
    const { decodeLogLine } = await import(workerData.dist + '/decode/index.js');
    let n = 0;
    for await (const lines of readLines(openRange(workerData.file, workerData.range))) for (const l of lines) if (decodeLogLine(l).ok) n++;
    parentPort.postMessage(n);
  })();
`;
const mb = statSync(file).size / 1e6;

const methods = {
  '(1) replay reader + event decoder': async () => {
    let n = 0;
    for await (const lines of readLines(createReadStream(file, { highWaterMark: 1 << 20 }))) for (const l of lines) if (decodeLogLine(l).ok) n++;
    return n;
  },
  '(2) replay reader + JSON.parse': async () => {
    let n = 0;
    for await (const lines of readLines(createReadStream(file, { highWaterMark: 1 << 20 }))) for (const l of lines) if (l.text !== null && JSON.parse(l.text)) n++;
    return n;
  },
  '(3) stream-json jsonl parser': async () => {
    let n = 0;
    for await (const _item of createReadStream(file).pipe(jsonl.asStream())) n++;
    return n;
  },
  '(4) readline + JSON.parse': async () => {
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line && JSON.parse(line)) n++;
    return n;
  },
  [`(5) (1) on ${threads} ranges in ${threads} threads`]: async () => {
    const dist = join(ROOT, 'dist');
    const counts = await Promise.all(
      splitRanges(file, threads).map(
        (range) =>
          new Promise((resolve, reject) => {
            const w = new Worker(RANGE_WORKER, { eval: true, workerData: { dist, file, range } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  },
};

const times = new Map(Object.keys(methods).map((k) => [k, []]));
const counts = new Map();
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(methods)) {
    const t0 = performance.now();
    counts.set(name, await fn());
    times.get(name).push((performance.now() - t0) / 1000);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = mb / median(times.get('(1) replay reader + event decoder'));
console.log(`${file}: ${mb.toFixed(1)} MB, ${rounds} round(s), node ${process.version}`);
for (const [name, ts] of times) {
  const rate = mb / median(ts);
  console.log(`${name.padEnd(36)} ${rate.toFixed(1).padStart(7)} MB/s   ${(rate / base).toFixed(2)}x   (${counts.get(name)} lines)`);
}
