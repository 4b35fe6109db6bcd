// The log's digest is the same whoever computes it: streamed in any chunking,
// or hashed block by block by shards that split the file anywhere; and it is
// the value the manifest's definition gives, as Python's hashlib computes it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockDigest, DIGEST_BLOCK_BYTES as B, RangeBlockDigests, blockDigestsIn, combineBlockDigests } from '../../src/read/blockDigest.js';
import { pyLogDigest } from '../helpers/pyLogDigest.js';

const dir = mkdtempSync(join(tmpdir(), 'block-digest-'));
const file = (name: string, bytes: Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe('log digest', () => {
  it.each([0, 1, B - 1, B, B + 1, 3 * B + 17])('of %i bytes: streamed in any chunking, or from shards split anywhere, equals hashlib', (size) => {
    const bytes = randomBytes(size);
    const path = file(`f${size}`, bytes);
    const expected = pyLogDigest(path);
    for (const step of [1 << 16, 999_983, B, 5 * B]) {
      const d = new BlockDigest();
      for (let at = 0; at < size; at += step) d.update(bytes.subarray(at, at + step));
      expect(d.hex(), `streamed ${step} at a time`).toBe(expected);
    }
    for (const cuts of [[], [1], [B], [B - 1, B + 1], [7, B / 2, 2 * B + 3, 3 * B + 16]]) {
      const bounds = [0, ...cuts.filter((c) => c < size), size];
      const parts = bounds.slice(1).map((end, i) => blockDigestsIn(path, bounds[i]!, end, size));
      expect(combineBlockDigests(parts), `shards cut at ${cuts.join(', ')}`).toBe(expected);
      // A shard hashing its range's bytes as it reads them, in reads of any size (the last block's run past the range read at the end).
      for (const step of [1 << 16, 999_983, B + 1]) {
        const streamed = bounds.slice(1).map((end, i) => {
          const d = new RangeBlockDigests(path, bounds[i]!, end, size);
          for (let at = bounds[i]!; at < end; at += step) d.update(bytes.subarray(at, Math.min(end, at + step)));
          return d.finish();
        });
        expect(combineBlockDigests(streamed), `shards cut at ${cuts.join(', ')}, read ${step} at a time`).toBe(expected);
      }
    }
  });

  it('says when the file became shorter than the replay split it', () => {
    const path = file('shrunk', randomBytes(2 * B));
    truncateSync(path, B + 5);
    expect(() => blockDigestsIn(path, 0, 2 * B, 2 * B)).toThrow(`${path}: the file became shorter while it was read (${2 * B} bytes at the start)`);
    // A shard that read its range whole before the file shrank still needs the last block's run past it.
    const read = new RangeBlockDigests(path, 0, B + 1, 2 * B);
    read.update(new Uint8Array(B + 1));
    expect(() => read.finish()).toThrow(`${path}: the file became shorter while it was read (${2 * B} bytes at the start)`);
  });
});
