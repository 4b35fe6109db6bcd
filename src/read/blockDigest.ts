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

/**
 * The SHA-256s, back to back, of a file's blocks that begin in [start, end): a
 * shard's share. The range's bytes are hashed as the shard reads them (update,
 * in order from `start`); finish() reads only what the last block runs on past
 * `end`, up to `fileBytes` (the size the replay split), and throws if the file
 * is shorter now.
 */
export class RangeBlockDigests {
  private readonly first: number;
  private readonly count: number;
  private readonly out: Uint8Array;
  /** File offset of the next byte. */
  private pos: number;
  private done = 0;
  private hash: Hash | null = null;

  constructor(
    private readonly path: string,
    start: number,
    end: number,
    private readonly fileBytes: number,
  ) {
    this.first = Math.ceil(start / DIGEST_BLOCK_BYTES);
    this.count = Math.max(0, Math.ceil(Math.min(end, fileBytes) / DIGEST_BLOCK_BYTES) - this.first);
    this.out = new Uint8Array(this.count * DIGEST_BYTES);
    this.pos = start;
  }

  /** The range's next bytes. */
  update(bytes: Uint8Array): void {
    // Bytes before the first block belong to the block the shard before hashes.
    let at = Math.min(bytes.length, Math.max(0, this.first * DIGEST_BLOCK_BYTES - this.pos));
    this.pos += at;
    while (at < bytes.length && this.done < this.count) {
      const n = Math.min(bytes.length - at, this.blockEnd() - this.pos);
      this.add(bytes.subarray(at, at + n));
      at += n;
    }
  }

  /** Every block's SHA-256; call once, after the last update. */
  finish(): Uint8Array {
    if (this.done === this.count) return this.out;
    this.pos = Math.max(this.pos, this.first * DIGEST_BLOCK_BYTES);
    const buffer = Buffer.allocUnsafe(DIGEST_BLOCK_BYTES);
    const fd = openSync(this.path, 'r');
    try {
      while (this.done < this.count) {
        const n = readSync(fd, buffer, 0, this.blockEnd() - this.pos, this.pos);
        if (n === 0) throw new Error(`${this.path}: the file became shorter while it was read (${this.fileBytes} bytes at the start)`);
        this.add(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return this.out;
  }

  private blockEnd(): number {
    return Math.min((this.first + this.done + 1) * DIGEST_BLOCK_BYTES, this.fileBytes);
  }

  /** Bytes of the current block, from `pos` on. */
  private add(bytes: Uint8Array): void {
    (this.hash ??= createHash('sha256')).update(bytes);
    this.pos += bytes.length;
    if (this.pos === this.blockEnd()) {
      this.out.set(this.hash.digest(), this.done * DIGEST_BYTES);
      this.hash = null;
      this.done++;
    }
  }
}

/** RangeBlockDigests of [start, end), every byte read from the file. */
export function blockDigestsIn(path: string, start: number, end: number, fileBytes: number): Uint8Array {
  return new RangeBlockDigests(path, start, end, fileBytes).finish();
}

/** The digest from every block's SHA-256, in file order. */
export function combineBlockDigests(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest('hex');
}
