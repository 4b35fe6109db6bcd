// Open an events log as a byte stream: a path (.gz decompressed), or '-' for stdin.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const CHUNK = 1 << 20;

export function openLog(path: string): Readable {
  if (path === '-') return process.stdin;
  const file = createReadStream(path, { highWaterMark: CHUNK });
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip({ chunkSize: CHUNK });
    file.on('error', (err) => gunzip.destroy(err));
    return file.pipe(gunzip);
  }
  return file;
}
