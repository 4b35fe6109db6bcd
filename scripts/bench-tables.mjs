#!/usr/bin/env node
// Cost of the table formats on one log: `replay recompute` once per --format
// list, each time the peak RSS (VmHWM) and CPU seconds (utime+stime) of every
// process in its tree, polled from /proc, the manifest's phases_s, and the
// size of every table file written.
//
//   npm run build && node scripts/gen-log.mjs --samples 1000000 --output-chars 100 --chars-per-chunk 20 --out /tmp/t1m/events.jsonl
//   node scripts/bench-tables.mjs --log /tmp/t1m/events.jsonl [--formats arrow:arrow,parquet,csv] [--chunks] [--workers N] [--out DIR: keep the output]
//
// With --convert DIR (a replay output directory holding the .arrow tables), each table is
// instead rewritten from its Arrow file in each format, one process each (table x format),
// for the cost of one format alone: CPU seconds and peak RSS of that process, file size.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOK = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const log = opt('--log', null);
const convertDir = opt('--convert', null);
if (!log && !convertDir) throw new Error('--log events.jsonl or --convert DIR is required');
const formatRuns = opt('--formats', 'arrow:arrow,parquet,csv').split(':');
const extra = [...(args.includes('--chunks') ? ['--chunks'] : []), ...(opt('--workers', null) !== null ? [`--workers=${opt('--workers')}`] : [])];

const CLK_TCK = 100;
/** utime+stime (s) and VmHWM (MiB) of a live process, or null once it is gone. */
function sample(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK;
    const hwm = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)[1]) / 1024;
    const name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ').slice(-60);
    return { cpu, hwm, name };
  } catch {
    return null;
  }
}

function children(pid) {
  const out = [];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(' ').map(Number));
    }
  } catch {
    /* gone */
  }
  return out;
}

async function run(formats) {
  const keep = opt('--out', null);
  const out = keep ?? mkdtempSync(join(tmpdir(), 'bench-tables-'));
  const argv = [join(ROOT, 'bin', 'replay.js'), 'recompute', log, `--tokenizer=${TOK}`, `--out=${out}`, `--format=${formats}`, '--quiet', ...extra];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  const seen = new Map();
  const poll = () => {
    const stack = [child.pid];
    while (stack.length) {
      const pid = stack.pop();
      const s = sample(pid);
      if (s) seen.set(pid, { ...s, name: seen.get(pid)?.name ?? s.name });
      stack.push(...children(pid));
    }
  };
  const timer = setInterval(poll, 50);
  const started = Date.now();
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const wall = (Date.now() - started) / 1000;
  const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
  const files = Object.fromEntries(
    manifest.outputs.files.filter((f) => /^(samples|timeseries|chunks)\./.test(f)).map((f) => [f, `${(statSync(join(out, f)).size / 1e6).toFixed(1)} MB`]),
  );
  const procs = [...seen.entries()].map(([pid, s]) => ({ pid, name: s.name, peak_rss_mib: Math.round(s.hwm), cpu_s_at_last_poll: s.cpu }));
  if (!keep) rmSync(out, { recursive: true, force: true });
  return { formats, exit: code, wall_s: wall, phases_s: manifest.phases_s, files, processes: procs };
}

/** One table rewritten from its Arrow file in one format, in a child process of its own. */
async function convert(stem, format) {
  const out = mkdtempSync(join(tmpdir(), 'bench-convert-'));
  const code = `
    const { arrowFileBatches, writeTable } = await import(${JSON.stringify(join(ROOT, 'dist', 'output', 'index.js'))});
    const { RecordBatchReader } = await import('apache-arrow');
    const { open } = await import('node:fs/promises');
    const src = ${JSON.stringify(join(convertDir ?? '', `${stem}.arrow`))};
    const h = await open(src); const reader = await RecordBatchReader.from(h); await reader.open(); const schema = reader.schema; await h.close();
    const t0 = process.cpuUsage();
    await writeTable(${JSON.stringify(out)}, ${JSON.stringify(stem)}, schema, arrowFileBatches(src), [${JSON.stringify(format)}]);
    const u = process.cpuUsage(t0);
    const hwm = Number((await import('node:fs')).readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\\s+(\\d+)/)[1]) / 1024;
    process.stdout.write(JSON.stringify({ cpu_s: (u.user + u.system) / 1e6, peak_rss_mib: Math.round(hwm) }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  await new Promise((resolve) => child.on('exit', resolve));
  const size = statSync(join(out, `${stem}.${format}`)).size;
  rmSync(out, { recursive: true, force: true });
  return { table: stem, format, ...JSON.parse(text), size_mb: Number((size / 1e6).toFixed(1)) };
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
if (convertDir) {
  process.stdout.write(`convert the tables of ${convertDir}; load average before: ${load}\n`);
  for (const stem of ['samples', 'chunks']) {
    for (const format of ['arrow', 'parquet', 'csv']) process.stdout.write(`${JSON.stringify(await convert(stem, format))}\n`);
  }
} else {
  process.stdout.write(`log ${log} (${(statSync(log).size / 1e9).toFixed(2)} GB); load average before: ${load}\n`);
  for (const f of formatRuns) process.stdout.write(`${JSON.stringify(await run(f), null, 1)}\n`);
}
process.stdout.write(`load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
