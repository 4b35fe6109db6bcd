// Open an events log as a byte stream: a path (.gz decompressed), or '-' for stdin.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { ReplayError } from '../base/errors.js';
import { PassThrough, type Readable } from 'node:stream';

const CHUNK = 1 << 20;

/**
 * `onTruncated` is told when a compressed log ends in a damaged block (a killed
 * run's .gz is usually cut): the stream then ends cleanly with what decompressed.
 */
export function openLog(path: string, onTruncated?: (why: string) => void): Readable {
  const s = openRaw(path);
  if (!onTruncated || !compressed(path)) return s;
  const out = new PassThrough({ highWaterMark: CHUNK });
  s.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') return out.destroy(err);
    onTruncated(`${path}: compressed stream ends early (${err.message}); replayed what decompressed`);
    out.end();
  });
  s.pipe(out);
  return out;
}

const compressed = (path: string): boolean => path.endsWith('.gz') || path.endsWith('.zst');

/** Whether the log at `path` is read as it lies on disk (a plain file, not stdin nor compressed), so it can be split into byte ranges. */
export function splittable(path: string): boolean {
  if (path === '-' || compressed(path)) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function openRaw(path: string): Readable {
  if (path === '-') return process.stdin;
  const file = createReadStream(path, { highWaterMark: CHUNK });
  if (path.endsWith('.gz')) {
    const gunzip = zlib.createGunzip({ chunkSize: CHUNK });
    file.on('error', (err) => gunzip.destroy(err));
    return file.pipe(gunzip);
  }
  if (path.endsWith('.zst')) return openZstd(path, file);
  return file;
}

/** .zst: node's own zstd where it has one (Node >= 22.15), else the zstd program. */
function openZstd(path: string, file: Readable): Readable {
  const native = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  if (native) {
    const z = native() as unknown as Readable & NodeJS.WritableStream;
    file.on('error', (err) => z.destroy(err));
    return file.pipe(z);
  }
  file.destroy();
  const bin = ['/usr/bin/zstd', '/usr/local/bin/zstd', '/bin/zstd'].find((p) => existsSync(p));
  if (!bin) throw new ReplayError(`${path}: this Node has no zstd and the zstd program is not installed`, 'install zstd (apt-get install zstd), or decompress first and pipe: zstd -dc LOG | replay recompute -');
  const child = spawn(bin, ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => {
    if (code !== 0) child.stdout.destroy(new ReplayError(`${path}: zstd failed (${stderr.trim().split('\n')[0] || `exit ${code}`})`, 'check that the file is a complete .zst archive'));
  });
  return child.stdout;
}
