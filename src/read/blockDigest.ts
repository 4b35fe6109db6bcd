// The log's digest in the manifest: the SHA-256 of the SHA-256s of the log's
// 1 MiB blocks, in order (the last block may be short; an empty log has none).
// One SHA-256 of the whole log is sequential, ~1.5 GB/s on one thread, which
// would cap a replay of a line-per-chunk log near 30 M tokens/s; blocks hash
// independently, so the shards hash theirs where they read them. To check one:
//   python3 -c "import hashlib,sys; f=open(sys.argv[1],'rb'); print(hashlib.sha256(b''.join(hashlib.sha256(b).digest() for b in iter(lambda: f.read(1<<20), b''))).hexdigest())" events.jsonl
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export const DIGEST_BLOCK_BYTES = 1 << 20;
const DIGEST_BYTES = 32;

/** The manifest's `input.digest`. */
export interface LogDigest {
  algorithm: 'sha256 of block sha256s';
  block_bytes: number;
  hex: string;
}

export function logDigest(hex: string): LogDigest {
  return { algorithm: 'sha256 of block sha256s', block_bytes: DIGEST_BLOCK_BYTES, hex };
}

/** The digest of bytes seen in order: a stream's. */
export class BlockDigest {
  private readonly blocks = createHash('sha256');
  private block: Hash = createHash('sha256');
  private filled = 0;

  update(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(bytes.length - at, DIGEST_BLOCK_BYTES - this.filled);
      this.block.update(bytes.subarray(at, at + n));
      this.filled += n;
      at += n;
      if (this.filled === DIGEST_BLOCK_BYTES) this.endBlock();
    }
  }

  /** Hex; call once, after the last update. */
  hex(): string {
    if (this.filled > 0) this.endBlock();
    return this.blocks.digest('hex');
  }

  private endBlock(): void {
    this.blocks.update(this.block.digest());
    this.block = createHash('sha256');
    this.filled = 0;
  }
}

let buffer: Buffer | null = null;

/**
 * The SHA-256s, back to back, of the file's blocks that begin in [start, end):
 * a shard's share. Each block is read whole, past `end` if it runs on, up to
 * `fileBytes` (the size the replay split). Throws if the file is shorter now.
 */
export function blockDigestsIn(path: string, start: number, end: number, fileBytes: number): Uint8Array {
  const first = Math.ceil(start / DIGEST_BLOCK_BYTES);
  const count = Math.max(0, Math.ceil(Math.min(end, fileBytes) / DIGEST_BLOCK_BYTES) - first);
  const out = new Uint8Array(count * DIGEST_BYTES);
  if (count === 0) return out;
  // One buffer reused: a block is hashed from the cache it was just read into.
  buffer ??= Buffer.allocUnsafe(DIGEST_BLOCK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let i = 0; i < count; i++) {
      const at = (first + i) * DIGEST_BLOCK_BYTES;
      const size = Math.min(DIGEST_BLOCK_BYTES, fileBytes - at);
      for (let got = 0; got < size; ) {
        const n = readSync(fd, buffer, got, size - got, at + got);
        if (n === 0) throw new Error(`${path}: the file became shorter while it was read (${fileBytes} bytes at the start)`);
        got += n;
      }
      out.set(createHash('sha256').update(buffer.subarray(0, size)).digest(), i * DIGEST_BYTES);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** The digest from every block's SHA-256, in file order. */
export function combineBlockDigests(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}
