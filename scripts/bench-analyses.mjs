#!/usr/bin/env node
// CPU cost of the after-the-run analyses (--slo, --mlperf, --openmetrics) over a
// sample table of N tracked requests, as recompute hands it to them: the table
// is filled through the SampleTable API the aggregator uses (issue, first chunk,
// completion, TTFT/latency/TPOT, ISL/OSL), with log-normal latencies, 2% errors
// and 1% single-token outputs. Each analysis runs in this one thread; the figure
// is its CPU seconds (process.cpuUsage, user + system), the best of --repeat runs.
//
//   npm run build && node scripts/bench-analyses.mjs [--samples 200000,1000000] [--repeat 3] [--dist DIR]
// --dist: another build's dist/ (e.g. an older commit's), to measure it in the same run.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const distIndex = process.argv.indexOf('--dist');
const DIST = distIndex > 0 ? process.argv[distIndex + 1] : join(ROOT, 'dist');
const dist = (p) => import(pathToFileURL(join(DIST, p)).href);
// An older build (--dist) may predate aggregate's entry point exporting the table.
const { SampleTable } = (await dist('aggregate/index.js')).SampleTable ? await dist('aggregate/index.js') : await dist('aggregate/sampleTable.js');
// The old builds --dist measures have no analyze/index.js: the modules by name there.
const analyze = await dist('analyze/index.js').catch(async () => ({
  ...(await dist('analyze/fromSampleTable.js')), ...(await dist('analyze/slo.js')), ...(await dist('analyze/mlperf.js')), ...(await dist('analyze/openmetrics.js')),
}));
const { requestsFromSampleTable, analyzeSlo, parseSloSpec, sloJson, checkMlperf, mlperfJson, renderMetrics } = analyze;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('--samples', '200000,1000000').split(',').map(Number);
const repeat = Number(opt('--repeat', '3'));

/** A deterministic generator (mulberry32) and a log-normal draw from it. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, logNormal: (median, sigma) => median * Math.exp(sigma * normal()) };
}

function buildTable(n) {
  const r = rng(n);
  const table = new SampleTable();
  const ev = (uuid, ts) => ({ eventType: 'sample.issued', timestampNs: ts, sampleUuid: uuid, conversationId: uuid, turn: null, data: null, finishReason: 'stop', workerId: undefined });
  const qps = 200;
  for (let i = 0; i < n; i++) {
    const uuid = `s${i}`;
    const issued = BigInt(Math.round((i / qps) * 1e9));
    const row = table.noteIssued(ev(uuid, issued), undefined, 0);
    const ttft = Math.round(r.logNormal(0.4e9, 0.6));
    const osl = r.next() < 0.01 ? 1 : 20 + Math.floor(r.next() * 800);
    const tpot = r.logNormal(30e6, 0.3);
    const decode = Math.round(tpot * (osl - 1));
    const first = issued + BigInt(ttft);
    table.noteChunk(ev(uuid, first), row, true);
    if (r.next() < 0.02) table.noteError({ ...ev(uuid, first), eventType: 'error.generic' }, row);
    table.noteComplete(ev(uuid, first + BigInt(decode)), row);
    table.setTiming(row, 'ttft', BigInt(ttft));
    table.setTiming(row, 'latency', BigInt(ttft + decode));
    table.setIsl(row, 50 + Math.floor(r.next() * 4000));
    table.setOsl(row, osl);
    if (osl > 1) table.setTpot(row, decode / (osl - 1), osl - 1);
  }
  return table;
}

function cpuSeconds(fn) {
  let best = Infinity;
  let out;
  for (let k = 0; k < repeat; k++) {
    const t0 = process.cpuUsage();
    out = fn();
    const d = process.cpuUsage(t0);
    best = Math.min(best, (d.user + d.system) / 1e6);
  }
  return { s: best, out };
}

const spec = parseSloSpec('ttft=2s,tpot=80ms,latency=30s');
const duration = { ns: null, source: 'tracked' };
const rows = [];
for (const n of sizes) {
  const table = buildTable(n);
  duration.ns = table.completeNs.get(n - 1);
  const req = cpuSeconds(() => requestsFromSampleTable(table, 0n));
  const requests = req.out;
  const slo = cpuSeconds(() => sloJson(analyzeSlo(requests, spec, duration)));
  const mlperf = cpuSeconds(() => mlperfJson(checkMlperf(requests, { benchmark: 'llama2-70b', scenario: 'server' })));
  const metrics = cpuSeconds(() => renderMetrics(requests, {}));
  const total = req.s + slo.s + mlperf.s + metrics.s;
  rows.push({ n, requests: req.s, slo: slo.s, mlperf: mlperf.s, openmetrics: metrics.s, total, promBytes: metrics.out.openMetrics.length });
}
const f = (s) => s.toFixed(3).padStart(8);
process.stdout.write(`CPU seconds, best of ${repeat} (node ${process.version}, one thread; ${DIST})\n`);
process.stdout.write(`${'samples'.padStart(9)} ${'table->req'.padStart(10)} ${'slo'.padStart(8)} ${'mlperf'.padStart(8)} ${'openmetr'.padStart(8)} ${'total'.padStart(8)}  metrics.prom\n`);
for (const r of rows) {
  process.stdout.write(`${String(r.n).padStart(9)} ${f(r.requests).padStart(10)} ${f(r.slo)} ${f(r.mlperf)} ${f(r.openmetrics)} ${f(r.total)}  ${(r.promBytes / 1e6).toFixed(1)} MB\n`);
}
