// `replay report DIR`: reads a replay output directory — every file bounded,
// type-checked, none trusted — and writes report.html. Nothing found in the
// directory is pasted into the page: the charts are drawn anew from the
// samples table's numbers, and every string is escaped where shown.
import { constants, existsSync, lstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RecordBatchReader, tableFromIPC, type RecordBatch, type Vector } from '../vendor/arrow.js';
import { ReplayError } from '../base/errors.js';
import { writeAtomic } from '../base/atomic.js';
import { FILE_LIMITS, fileTypeName, readBounded, readBoundedText, type FileKind } from '../base/files.js';
import { buildReport, type ReportInput } from '../output/htmlReport.js';
import { parseConventions, parseManifest, parseMlperf, parseP99, parseSlo, parseSteadyState, parseSummary } from '../output/reportData.js';
import type { SampleColumns } from '../output/reportSeries.js';
import { readConfigYaml } from '../run/runDir.js';

/** A replay output directory: the directory itself, or a run directory's replay/. */
export function resolveOutDir(dir: string): string {
  if (existsSync(join(dir, 'result_summary.json')) && existsSync(join(dir, 'replay_manifest.json'))) return dir;
  if (existsSync(join(dir, 'replay', 'result_summary.json'))) return join(dir, 'replay');
  throw new ReplayError(`${dir}: not a replay output directory (no result_summary.json + replay_manifest.json, nor replay/)`, 'run replay recompute first');
}

/** An optional file: absent is null; anything else there is read bounded (a FIFO or device is an error). */
function optional(path: string, kind: FileKind): string | null {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) throw new ReplayError(`${path}: the ${kind} is a symbolic link; replay report reads only regular files`, `replace it with the file itself`);
  return readBoundedText(path, kind);
}

/** The columns the report needs and the Arrow type replay writes each with. */
const COLUMNS = {
  issued_ns: 'Int64',
  first_chunk_ns: 'Int64',
  complete_ns: 'Int64',
  ttft_ns: 'Int64',
  latency_ns: 'Int64',
  tpot_ns: 'Float64',
  isl: 'Int32',
  osl: 'Int32',
  chunks: 'Int32',
  tracked: 'Bool',
  tracking_block: 'Int32',
  error_type: 'Utf8',
} as const;

/** The samples table's batches, as its columns the report uses (NaN for null). */
function columnsOf(batches: RecordBatch[], file: string): SampleColumns {
  const n = batches.reduce((t, b) => t + b.numRows, 0);
  const f64 = (): Float64Array => new Float64Array(n);
  const c: SampleColumns = { n, issuedNs: f64(), firstChunkNs: f64(), completeNs: f64(), ttftNs: f64(), latencyNs: f64(), tpotNs: f64(), isl: f64(), osl: f64(), chunks: f64(), tracked: new Uint8Array(n), block: f64(), failed: new Uint8Array(n) };
  const numeric: Array<[keyof typeof COLUMNS, Float64Array]> = [
    ['issued_ns', c.issuedNs],
    ['first_chunk_ns', c.firstChunkNs],
    ['complete_ns', c.completeNs],
    ['ttft_ns', c.ttftNs],
    ['latency_ns', c.latencyNs],
    ['tpot_ns', c.tpotNs],
    ['isl', c.isl],
    ['osl', c.osl],
    ['chunks', c.chunks],
    ['tracking_block', c.block],
  ];
  let row = 0;
  for (const batch of batches) {
    const col = (name: keyof typeof COLUMNS): Vector => {
      const v = batch.getChild(name);
      const want = COLUMNS[name];
      const got = v ? String(v.type) : 'missing';
      if (!v || (got !== want && !(want === 'Utf8' && got === 'LargeUtf8'))) throw new ReplayError(`${file}: not replay's samples table: column ${name} is ${got}, not ${want}`, 'rerun replay recompute to rewrite it');
      return v;
    };
    for (const [name, out] of numeric) readNumbers(col(name), out, row);
    const tracked = col('tracked');
    const error = col('error_type');
    for (let k = 0; k < batch.numRows; k++) {
      c.tracked[row + k] = tracked.get(k) === true ? 1 : 0;
      c.failed[row + k] = error.isValid(k) ? 1 : 0;
    }
    row += batch.numRows;
  }
  return c;
}

/** A numeric column into `out` from `row` on, NaN where null: straight from its buffers (Vector.get per cell is ~10x slower). */
function readNumbers(v: Vector, out: Float64Array, row: number): void {
  let at = row;
  for (const d of v.data) {
    const values = d.values as Int32Array | Float64Array | BigInt64Array;
    const bits = d.nullBitmap;
    const off = d.offset;
    for (let k = 0; k < d.length; k++) {
      const valid = !bits || d.nullCount === 0 || (bits[(off + k) >> 3]! >> ((off + k) & 7)) & 1;
      out[at + k] = valid ? Number(values[off + k]!) : NaN;
    }
    at += d.length;
  }
}

/** samples.arrow (streamed from disk), else samples.parquet, else null. */
async function readSamples(dir: string): Promise<{ columns: SampleColumns; file: string } | null> {
  const arrow = join(dir, 'samples.arrow');
  const parquet = join(dir, 'samples.parquet');
  const unreadable = (file: string, err: unknown): never => {
    if (err instanceof ReplayError) throw err;
    throw new ReplayError(`${file}: not a readable samples table (${String((err as Error).message ?? err).split('\n')[0]})`, 'rerun replay recompute to rewrite it');
  };
  if (existsSync(arrow)) {
    const handle = await open(arrow, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: NodeJS.ErrnoException) => unreadable(arrow, err));
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new ReplayError(`${arrow}: the samples table is ${fileTypeName(st)}, not a regular file`, 'give a regular file');
      if (st.size > FILE_LIMITS['samples table']) throw new ReplayError(`${arrow}: the samples table is larger than replay report reads`, 'is this really a samples table?');
      const batches: RecordBatch[] = [];
      try {
        const reader = await RecordBatchReader.from(handle);
        for await (const b of reader) batches.push(b);
      } catch (err) {
        unreadable(arrow, err);
      }
      return { columns: columnsOf(batches, arrow), file: arrow };
    } finally {
      await handle.close();
    }
  }
  if (existsSync(parquet)) {
    const bytes = readBounded(parquet, 'samples table');
    let batches: RecordBatch[] = [];
    try {
      const { readParquet } = await import('parquet-wasm');
      batches = tableFromIPC(readParquet(bytes).intoIPCStream()).batches;
    } catch (err) {
      unreadable(parquet, err);
    }
    return { columns: columnsOf(batches, parquet), file: parquet };
  }
  return null;
}

/** Everything the report shows, read from `dir` (an output directory) and the run directory above it. */
export async function readReportInput(dir: string): Promise<ReportInput> {
  const summaryPath = join(dir, 'result_summary.json');
  const manifestPath = join(dir, 'replay_manifest.json');
  const summary = parseSummary(readBoundedText(summaryPath, 'result_summary.json'), summaryPath);
  const manifest = parseManifest(readBoundedText(manifestPath, 'replay_manifest.json'), manifestPath);
  const conventionsText = optional(join(dir, 'conventions.json'), 'conventions.json');
  const file = (name: string): string => join(dir, name);
  const parse = <T>(name: string, kind: FileKind, f: (text: string, file: string) => T): T | null => {
    const text = optional(file(name), kind);
    return text === null ? null : f(text, file(name));
  };
  // The run directory's config.yaml (the usual layout: <run>/replay/) names the model.
  let model: string | null = null;
  let configFile: string | null = null;
  // The run directory above, else the one the manifest names (a report from --out elsewhere).
  for (const runDir of [dirname(resolve(dir)), manifest.runDir]) {
    if (runDir === null || model !== null) continue;
    const cfgPath = join(runDir, 'config.yaml');
    const cfg = lstatSync(cfgPath, { throwIfNoEntry: false });
    if (!cfg?.isFile() || cfg.size > FILE_LIMITS['config.yaml']) continue;
    try {
      model = readConfigYaml(cfgPath).modelName;
      configFile = cfgPath;
    } catch {
      // An unparsable config.yaml only costs the model's name here; recompute reports it.
    }
  }
  return {
    dir,
    summary,
    manifest,
    conventions: conventionsText === null ? [] : parseConventions(conventionsText, file('conventions.json')),
    slo: parse('slo.json', 'slo.json', parseSlo),
    mlperf: parse('mlperf.json', 'mlperf.json', parseMlperf),
    p99: parse('metrics_p99.json', 'metrics_p99.json', parseP99),
    steady: parse('steady_state.json', 'steady_state.json', parseSteadyState),
    samples: await readSamples(dir),
    model,
    configFile,
  };
}

/** Builds `dir`/report.html; returns its path. */
export async function writeReport(dirArg: string): Promise<string> {
  const dir = resolveOutDir(dirArg);
  const html = await buildReport(await readReportInput(dir));
  const path = join(dir, 'report.html');
  writeAtomic(path, html);
  return path;
}
