// Write files so a reader never sees half of one: temp file in the same
// directory, then rename over the target.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReplayError } from './errors.js';

const WRITE_HINTS: Record<string, string> = {
  EACCES: 'no permission to write there: choose another --out',
  EPERM: 'no permission to write there: choose another --out',
  EROFS: 'the file system is read-only: choose another --out',
  ENOSPC: 'the disk is full: free space or choose another --out',
  EDQUOT: 'the disk quota is exhausted: free space or choose another --out',
  ENOTDIR: 'a path component is a file, not a directory: choose another --out',
  EISDIR: 'the target is a directory: choose another --out',
};

/** Temp files written but not yet renamed; removed on interrupt. */
const pending = new Set<string>();

const tempPath = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);

function writeError(path: string, err: unknown): ReplayError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new ReplayError(`${path}: cannot write (${code || (err as Error).message})`, WRITE_HINTS[code] ?? 'check the output directory');
}

export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempPath(path);
  pending.add(tmp);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    throw writeError(path, err);
  } finally {
    pending.delete(tmp);
    removeQuietly(tmp);
  }
}

/** A file written piece by piece into a temp file; appears at `path` only on commit(). */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | null;

  constructor(readonly path: string) {
    this.tmp = tempPath(path);
    pending.add(this.tmp);
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      this.abort();
      throw writeError(path, err);
    }
  }

  write(data: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path}: write after commit or abort`);
    try {
      for (let off = 0; off < data.byteLength; ) off += writeSync(this.fd, data, off);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err);
    }
  }

  commit(): void {
    if (this.fd === null) throw new Error(`${this.path}: commit after abort`);
    try {
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err);
    }
    pending.delete(this.tmp);
  }

  /** Drop the temp file (idempotent). */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    pending.delete(this.tmp);
    removeQuietly(this.tmp);
  }
}

/** Remove temp files of writes in progress (for signal handlers). */
export function removePendingWrites(): void {
  for (const tmp of pending) removeQuietly(tmp);
  pending.clear();
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    /* nothing was there to remove */
  }
}
