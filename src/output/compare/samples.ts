// The per-sample values a comparison draws CDFs from: TTFT, TPOT and latency
// of the tracked samples in a replay output's samples.arrow. The file is
// optional and untrusted: anything wrong with it (absent, not a regular file,
// too large, not Arrow, missing columns) becomes a note and the run's CDFs are
// left out; it never stops the comparison. Read batch by batch; only the three
// value columns are kept, as doubles.
import { constants, promises as fsp } from 'node:fs';
import { RecordBatchReader, Type, type RecordBatch } from '../../vendor/arrow.js';
import { FILE_LIMITS, fileTypeName } from '../../base/files.js';
import { cdfPoints, type CdfPoint } from './cdf.js';

export const CDF_METRICS = ['ttft', 'tpot', 'latency'] as const;
export type CdfMetric = (typeof CDF_METRICS)[number];

/** The largest samples.arrow read, as for replay report (a 1M-sample run's is ~140 MB). */
export const SAMPLES_FILE_LIMIT = FILE_LIMITS['samples table'];
/** The most tracked rows kept per metric (8 bytes each). */
export const SAMPLES_ROW_LIMIT = 1 << 24;

export type RunCdfs = { ok: true; cdfs: Record<CdfMetric, CdfPoint[]>; counts: Record<CdfMetric, number> } | { ok: false; note: string };

const COLUMNS: Record<CdfMetric, { name: string; type: Type }> = {
  ttft: { name: 'ttft_ns', type: Type.Int },
  tpot: { name: 'tpot_ns', type: Type.Float },
  latency: { name: 'latency_ns', type: Type.Int },
};

/** Appends the tracked, non-null values (ms) of one batch to `into`; false when the row limit is passed. */
function collect(batch: RecordBatch, into: Record<CdfMetric, number[]>): boolean {
  const tracked = batch.getChild('tracked')!;
  for (const m of CDF_METRICS) {
    const col = batch.getChild(COLUMNS[m].name)!;
    const out = into[m];
    for (let i = 0; i < batch.numRows; i++) {
      if (tracked.get(i) !== true) continue;
      const v = col.get(i) as bigint | number | null;
      if (v === null) continue;
      const ms = Number(v) / 1e6;
      if (Number.isFinite(ms)) out.push(ms);
    }
    if (out.length > SAMPLES_ROW_LIMIT) return false;
  }
  return true;
}

/** CDF points of TTFT, TPOT and latency (ms) of the tracked samples in `path`, or why there are none. */
export async function readRunCdfs(path: string): Promise<RunCdfs> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, note: code === 'ENOENT' ? `no ${path}` : `${path}: cannot read (${code ?? (err as Error).message})` };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, note: `${path} is ${fileTypeName(st)}, not a regular file` };
    if (st.size > SAMPLES_FILE_LIMIT) return { ok: false, note: `${path} is ${(st.size / 1024 ** 3).toFixed(1)} GB, more than the ${(SAMPLES_FILE_LIMIT / 1024 ** 3).toFixed(0)} GB read for CDFs` };
    const into: Record<CdfMetric, number[]> = { ttft: [], tpot: [], latency: [] };
    try {
      const reader = await RecordBatchReader.from(fh);
      await reader.open();
      const fields = new Map(reader.schema.fields.map((f) => [f.name, f.type.typeId]));
      const want: Array<[string, Type]> = [['tracked', Type.Bool], ...CDF_METRICS.map((m): [string, Type] => [COLUMNS[m].name, COLUMNS[m].type])];
      const bad = want.filter(([name, type]) => fields.get(name) !== type).map(([name]) => name);
      if (bad.length) return { ok: false, note: `${path}: no ${bad.join(', ')} column${bad.length > 1 ? 's' : ''} of the expected type (not replay's samples table?)` };
      for await (const batch of reader) {
        if (!collect(batch, into)) return { ok: false, note: `${path}: more than ${SAMPLES_ROW_LIMIT} tracked samples, more than read for CDFs` };
      }
    } catch (err) {
      return { ok: false, note: `${path}: not a readable Arrow IPC file (${String((err as Error).message ?? err).split('\n')[0]!.slice(0, 200)})` };
    }
    const cdfs = {} as Record<CdfMetric, CdfPoint[]>;
    const counts = {} as Record<CdfMetric, number>;
    for (const m of CDF_METRICS) {
      const sorted = Float64Array.from(into[m]).sort();
      cdfs[m] = cdfPoints(sorted);
      counts[m] = sorted.length;
    }
    return { ok: true, cdfs, counts };
  } finally {
    await fh.close();
  }
}
