// Reading the files replay is handed, none of which it trusts: a summary, a
// config.yaml or a tokenizer may be a FIFO, a device, or far larger than any
// real one. Each kind has a size limit; anything that is not a regular file,
// or is over its limit, is refused with a one-line error before it is read.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { ReplayError } from './errors.js';

/** What replay reads, and the most it will read of each (bytes). */
export const FILE_LIMITS = {
  'result_summary.json': 64 << 20,
  'replay_manifest.json': 64 << 20,
  'conventions.json': 64 << 20,
  'config.yaml': 8 << 20,
  'final_snapshot.json': 64 << 20,
  'tokenizer.json': 256 << 20,
  'tokenizer_config.json': 64 << 20,
  'chat template': 8 << 20,
  '--run-config file': 8 << 20,
  'HF cache ref': 4 << 10,
  'steady_state.json': 64 << 20,
  'slo.json': 16 << 20,
  'mlperf.json': 16 << 20,
  'metrics_p99.json': 16 << 20,
  /** samples.arrow / samples.parquet read back by `replay report` (~150 bytes a sample). */
  'samples table': 2 ** 31 - 1,
} as const;

export type FileKind = keyof typeof FILE_LIMITS;

/** What a non-regular file is, in words. */
export function fileTypeName(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const mb = (n: number): string => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(n >= 10 << 20 ? 0 : 1)} MB` : `${n} bytes`);

/**
 * The bytes of `path`, a regular file of at most FILE_LIMITS[kind] bytes.
 * Opened non-blocking, so a FIFO is refused instead of waiting for a writer;
 * the type and size are taken from the open descriptor, and reading stops at
 * the limit even if the file grows meanwhile.
 */
export function readBounded(path: string, kind: FileKind, opts: { noFollow?: boolean } = {}): Buffer {
  const limit = FILE_LIMITS[kind];
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (code === 'ELOOP' && opts.noFollow) throw new ReplayError(`${path}: the ${kind} is a symbolic link; replay does not follow it here`, `give the ${kind} itself`);
    throw new ReplayError(`${path}: cannot read the ${kind} (${code})`, 'check the path and that the file is readable');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReplayError(`${path}: the ${kind} is ${fileTypeName(st)}, not a regular file`, `give a regular ${kind} file`);
    if (st.size > limit) throw new ReplayError(`${path}: the ${kind} is ${mb(st.size)}, more than the ${mb(limit)} replay reads for one`, `is this really a ${kind}?`);
    const buf = Buffer.allocUnsafe(Math.min(st.size, limit) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > limit) throw new ReplayError(`${path}: the ${kind} grew past the ${mb(limit)} replay reads for one`, `is this really a ${kind}?`);
      if (n === buf.length) break;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** readBounded as UTF-8 text. */
export function readBoundedText(path: string, kind: FileKind, opts: { noFollow?: boolean } = {}): string {
  return readBounded(path, kind, opts).toString('utf8');
}

/** The file at `path` when it exists as a regular file (links followed), else an error naming what it is; null when absent. */
export function regularFileOrNull(path: string, kind: FileKind | 'events log'): string | null {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return null;
  }
  if (!st.isFile()) throw new ReplayError(`${path}: the ${kind} is ${fileTypeName(st)}, not a regular file`, `give a regular ${kind} file`);
  return path;
}
