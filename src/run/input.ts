// The log as the replay reads it, and its digest for the manifest
// (read/blockDigest.ts). A file the shards read is hashed by them, block by
// block; one the sequential replay reads is decoded by threads (or on the main
// thread with 0) and hashed by a thread of its own beside the replay; a
// compressed file or stdin is hashed as it is read.
import { Transform, type Readable } from 'node:stream';
import { cpuCount } from '../base/cpus.js';
import { DecodeThreads, defaultDecodeThreads } from '../decode/parallel.js';
import type { DecodedSource } from '../pipeline/replay.js';
import { BlockDigest } from '../read/blockDigest.js';
import { openLog, splittable } from '../read/open.js';

export interface RunInput {
  /** Threads decoding the log (0: the main thread decodes, or shards do). */
  decodeThreads: number;
  /** A plain file: the sharded replay reads its byte ranges itself (null: a stream, from open). */
  path: string | null;
  /** The source to hand replayLog; `warn` hears of a damaged compressed stream. Throws what opening throws. */
  open(warn: (why: string) => void): Readable | DecodedSource;
  /** The log's digest, once the replay has read all of it; null for a file the shards hash (replaySharded's logDigest). */
  digest(): Promise<string> | null;
  close(): Promise<void>;
}

/** `events`: a path, or '-' for stdin. `decodeThreads` applies to a plain file read by the sequential replay only (`sharded`: shards decode). */
export function runInput(events: string, decodeThreads?: number, sharded = false): RunInput {
  const plainFile = splittable(events);
  const threads = plainFile && !sharded ? (decodeThreads ?? defaultDecodeThreads(cpuCount())) : 0;
  const threaded = plainFile && !sharded ? new DecodeThreads(threads) : null;
  const threadedDigest = threaded?.digest(events);
  const streamDigest = new BlockDigest();
  return {
    decodeThreads: threads,
    path: plainFile ? events : null,
    open(warn) {
      if (threads > 0) return { decoded: threaded!.batches(events) };
      if (plainFile) return openLog(events, warn);
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          streamDigest.update(chunk);
          cb(null, chunk);
        },
      });
      const source = openLog(events, warn);
      source.on('error', (err) => hashing.destroy(err));
      return source.pipe(hashing);
    },
    digest: () => threadedDigest ?? (plainFile ? null : Promise.resolve(streamDigest.hex())),
    close: async () => {
      await threaded?.close();
    },
  };
}
