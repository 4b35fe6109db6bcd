// Write files so a reader never sees half of one: temp file in the same
// directory, then rename over the target.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReplayError } from '../errors.js';

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

export function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  pending.add(tmp);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new ReplayError(`${path}: cannot write (${code || (err as Error).message})`, WRITE_HINTS[code] ?? 'check the output directory');
  } finally {
    pending.delete(tmp);
    removeQuietly(tmp);
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
