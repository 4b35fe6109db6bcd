// Every file replay writes goes through here: a reader never sees half of one,
// and a link planted in the output directory cannot redirect a write.
// - The temp file is created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW) under a
//   random name in the target's directory: nothing can be waiting at its name.
// - The directory written into must be a real directory, not a symbolic link
//   (a planted `replay -> /elsewhere` is refused); the directories replay
//   creates are checked the same way after creating them.
// - The rename replaces the target's directory entry: a link planted at the
//   target's name is replaced by the file, never written through.
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ReplayError } from './errors.js';

/** Why a write failed, in words a user acts on; EACCES/EPERM on a directory one cannot write into is "read-only" to them. */
const WRITE_HINTS: Record<string, string> = {
  EACCES: 'read-only for this user (no write permission): choose another --out',
  EPERM: 'read-only for this user (not permitted): choose another --out',
  EROFS: 'the file system is read-only: choose another --out',
  ENOSPC: 'the disk is full: free space or choose another --out',
  EDQUOT: 'the disk quota is exhausted: free space or choose another --out',
  ENOTDIR: 'a path component is a file, not a directory: choose another --out',
  EISDIR: 'the target is a directory: choose another --out',
  EEXIST: 'a file appeared at the temporary name (another writer?): run again',
  ELOOP: 'a symbolic link is in the way: replay does not write through links; remove it or choose another --out',
};

const WHAT: Record<string, string> = {
  EACCES: 'read-only location',
  EPERM: 'read-only location',
  EROFS: 'read-only file system',
};

/** Temp files written but not yet renamed; removed on interrupt. */
const pending = new Set<string>();

const OPEN_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A temp name beside `path` that nobody can predict: `.<name>.<16 hex>.tmp`. */
const tempPath = (path: string): string => join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);

/** The one-line error for a failed write of `path` (exported for its unit test). */
export function writeError(path: string, err: unknown): ReplayError {
  if (err instanceof ReplayError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const what = WHAT[code] ? `${WHAT[code]}, ${code}` : code || (err as Error).message;
  return new ReplayError(`${path}: cannot write (${what})`, WRITE_HINTS[code] ?? 'check the output directory');
}

/** A symbolic link where replay would write: refused. */
function linkError(path: string): ReplayError {
  return new ReplayError(`${path}: is a symbolic link; replay does not write through links`, 'remove the link, or pass --out with a real directory');
}

/**
 * Makes `dir` (and missing parents) and checks it is a real directory, not a
 * link to one. Parents above a directory that already exists are the user's
 * and are not inspected; every directory created here is.
 */
export function ensureOutputDir(dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  for (let d = abs; ; d = dirname(d)) {
    let st;
    try {
      st = lstatSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(d, err);
      missing.push(d);
      if (dirname(d) === d) break;
      continue;
    }
    if (st.isSymbolicLink()) {
      // A link above what replay itself creates: the user's layout (e.g. /tmp -> /private/tmp), not replay's to judge,
      // unless it is the output directory itself.
      if (d === abs) throw linkError(d);
      break;
    }
    if (!st.isDirectory()) throw writeError(d, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(d, err);
    }
    const st = lstatSync(d);
    if (st.isSymbolicLink()) throw linkError(d);
    if (!st.isDirectory()) throw writeError(d, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  }
}

/**
 * Checks, creating nothing, that `dir` can be the output directory: not a link, a
 * directory if it exists, else under an existing directory this process may write in.
 * Run before the work, so a planted link or a read-only place is said at once.
 */
export function checkOutputDir(dir: string): void {
  let d = resolve(dir);
  let st;
  try {
    st = lstatSync(d, { throwIfNoEntry: false });
  } catch (err) {
    throw writeError(d, err);
  }
  if (st?.isSymbolicLink()) throw linkError(d);
  if (st && !st.isDirectory()) throw writeError(d, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    if (!statSync(d).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(d, constants.W_OK);
  } catch (err) {
    throw writeError(resolve(dir), err);
  }
}

/** Opens a fresh temp file for `path` in its (checked) directory. */
function openTemp(path: string): { tmp: string; fd: number } {
  ensureOutputDir(dirname(path));
  const tmp = tempPath(path);
  const fd = openSync(tmp, OPEN_FLAGS, 0o644);
  pending.add(tmp);
  return { tmp, fd };
}

/** Renames the temp over `path`, after checking the directory was not swapped for a link meanwhile. */
function commitTemp(tmp: string, fd: number, path: string): void {
  const dir = dirname(path);
  if (lstatSync(dir).isSymbolicLink()) throw linkError(dir);
  // The temp still is the file this process created (same inode), not something put in its place.
  const made = fstatSync(fd);
  const there = lstatSync(tmp);
  if (made.ino !== there.ino || made.dev !== there.dev) throw new ReplayError(`${tmp}: replaced while being written`, 'something else writes in the output directory: run again');
  const target = lstatSync(path, { throwIfNoEntry: false });
  if (target?.isDirectory()) throw writeError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  renameSync(tmp, path);
}

export function writeAtomic(path: string, data: string | Uint8Array): void {
  let tmp: string | null = null;
  let fd: number | null = null;
  try {
    ({ tmp, fd } = openTemp(path));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off);
    commitTemp(tmp, fd, path);
    closeSync(fd);
    fd = null;
    pending.delete(tmp);
    tmp = null;
  } catch (err) {
    throw writeError(path, err);
  } finally {
    if (fd !== null) closeQuietly(fd);
    if (tmp !== null) {
      pending.delete(tmp);
      removeQuietly(tmp);
    }
  }
}

/** A file written piece by piece into a temp file; appears at `path` only on commit(). */
export class AtomicFile {
  private tmp: string | null = null;
  private fd: number | null = null;

  constructor(readonly path: string) {
    try {
      ({ tmp: this.tmp, fd: this.fd } = openTemp(path));
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
    if (this.fd === null || this.tmp === null) throw new Error(`${this.path}: commit after abort`);
    try {
      commitTemp(this.tmp, this.fd, this.path);
      closeSync(this.fd);
      this.fd = null;
    } catch (err) {
      this.abort();
      throw writeError(this.path, err);
    }
    pending.delete(this.tmp);
    this.tmp = null;
  }

  /** Drop the temp file (idempotent). */
  abort(): void {
    if (this.fd !== null) closeQuietly(this.fd);
    this.fd = null;
    if (this.tmp !== null) {
      pending.delete(this.tmp);
      removeQuietly(this.tmp);
      this.tmp = null;
    }
  }
}

/** Remove temp files of writes in progress (for signal handlers). */
export function removePendingWrites(): void {
  for (const tmp of pending) removeQuietly(tmp);
  pending.clear();
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    /* nothing was there to remove */
  }
}
