// Write files so a reader never sees half of one: temp file in the same
// directory, then rename over the target.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temp files written but not yet renamed; removed on interrupt. */
const pending = new Set<string>();

export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  pending.add(tmp);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } finally {
    pending.delete(tmp);
    rmSync(tmp, { force: true });
  }
}

/** Remove temp files of writes in progress (for signal handlers). */
export function removePendingWrites(): void {
  for (const tmp of pending) rmSync(tmp, { force: true });
  pending.clear();
}
