// The tokenizer pool: same counts as in-process counting, every compute thread
// pinned to its worker's CPU block, and no batch lost when a worker dies or hangs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedCpus, parseCpuList, planBlocks } from '../../src/base/cpus.js';
import type { CountableInput } from '../../src/model/inputs.js';
import { MAX_ATTEMPTS, TokenizerPool } from '../../src/tokens/pool/pool.js';
import { loadTokenizer } from '../../src/tokens/tokenizer.js';

const ROOT = join(__dirname, '..', '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const FILES = { tokenizerJson: join(DS, 'tokenizer.json'), tokenizerConfig: join(DS, 'tokenizer_config.json'), backend: 'native' as const };

function corpusInputs(): CountableInput[] {
  const out: CountableInput[] = [];
  for (const file of ['ds_samples.jsonl', 'dummy_1k.jsonl']) {
    for (const line of readFileSync(join(ROOT, '..', 'shared', 'corpus', file), 'utf8').split('\n')) {
      if (!line) continue;
      for (const v of Object.values(JSON.parse(line) as Record<string, unknown>)) if (typeof v === 'string' && v) out.push({ kind: 'text', text: v });
    }
  }
  // Structured inputs go through the chat template inside the workers too.
  out.push({ kind: 'message', content: 'The answer is 42.', reasoning: 'Think first.', toolCalls: null });
  out.push({ kind: 'prompt', messages: [{ role: 'user', content: 'hi' }], tools: null, chatTemplateKwargs: null, chatTemplate: null, toolChoice: null });
  return out;
}

async function countAll(pool: TokenizerPool, inputs: CountableInput[], batch = 128): Promise<number[]> {
  const parts: Promise<{ counts: Int32Array }>[] = [];
  for (let i = 0; i < inputs.length; i += batch) parts.push(pool.count(inputs.slice(i, i + batch)));
  return (await Promise.all(parts)).flatMap((r) => [...r.counts]);
}

describe('cpu blocks', () => {
  it('parses kernel CPU lists and splits them into contiguous blocks', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(planBlocks([0, 1, 2, 3, 4], 2)).toEqual([[0, 1], [2, 3, 4]]);
    expect(planBlocks([0, 1], 4)).toEqual([[0], [1], [0], [1]]);
  });
});

describe('TokenizerPool', () => {
  const inputs = corpusInputs();
  let expected: number[];

  beforeAll(async () => {
    const tok = await loadTokenizer('native', FILES.tokenizerJson, FILES.tokenizerConfig);
    expected = [...(await tok.count(inputs)).counts];
  });

  it.each([1, 2])('counts like in-process counting with %i worker(s)', async (workers) => {
    const pool = await TokenizerPool.start({ ...FILES, workers });
    try {
      expect(pool.workers).toBe(workers);
      expect(await countAll(pool, inputs)).toEqual(expected);
    } finally {
      await pool.close();
    }
  });

  it('queues batches counted before the workers are ready, and fails them (never hangs) when a worker cannot start', async () => {
    const pool = TokenizerPool.launch({ ...FILES, workers: 2 });
    try {
      const early = countAll(pool, inputs);
      expect(pool.reportedCpus().every((c) => c === null)).toBe(true);
      expect(await early).toEqual(expected);
      await pool.ready;
    } finally {
      await pool.close();
    }
    const broken = TokenizerPool.launch({ ...FILES, tokenizerJson: join(ROOT, 'package.json'), workers: 1 });
    const pending = broken.count(inputs.slice(0, 2));
    await expect(broken.ready).rejects.toThrow(/failed to start/);
    const r = await pending;
    expect([...r.counts]).toEqual([-1, -1]);
    await broken.close();
  });

  it('pins every thread of every worker to its CPU block, and the encoding runs off the JS thread', async () => {
    const cpus = allowedCpus()!;
    const pool = await TokenizerPool.start({ ...FILES, workers: Math.min(2, cpus.length) });
    /** utime + stime of each thread of a process, in clock ticks. */
    const threadTicks = (pid: number): Map<string, number> =>
      new Map(
        readdirSync(`/proc/${pid}/task`).map((tid) => {
          const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return [tid, Number(f[11]) + Number(f[12])];
        }),
      );
    try {
      await countAll(pool, inputs); // rayon threads exist once a batch has run
      const pids = pool.pids();
      const before = pids.map(threadTicks);
      for (let i = 0; i < 3; i++) await countAll(pool, inputs);
      pids.forEach((pid, i) => {
        const tids = readdirSync(`/proc/${pid}/task`);
        expect(tids.length).toBeGreaterThan(1);
        for (const tid of tids) {
          const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
          const allowed = parseCpuList(status.match(/^Cpus_allowed_list:\s*(.+)$/m)![1]!);
          expect(allowed).toEqual(pool.blocks[i]);
        }
        // Where the counting CPU time went: mostly threads other than the JS (main)
        // thread. That is why pinning the process, not a JS thread, pins the compute.
        let main = 0;
        let others = 0;
        for (const [tid, ticks] of threadTicks(pid)) {
          const used = ticks - (before[i]!.get(tid) ?? 0);
          if (tid === String(pid)) main += used;
          else others += used;
        }
        expect(others, `worker ${pid}: JS thread ${main} ticks, other threads ${others}`).toBeGreaterThan(2 * main);
      });
    } finally {
      await pool.close();
    }
  });

  describe('fault tolerance', () => {
    let pool: TokenizerPool;
    beforeAll(async () => {
      pool = await TokenizerPool.start({ ...FILES, workers: 1, batchTimeoutMs: 3000 });
    });
    afterAll(async () => pool.close());

    it('replaces a worker killed mid-batch and still returns every count', async () => {
      const pending = countAll(pool, inputs);
      const victim = pool.pids()[0]!;
      process.kill(victim, 'SIGKILL');
      expect(await pending).toEqual(expected);
      expect(pool.pids()[0]).not.toBe(victim);
    });

    it('replaces a worker that hangs past the batch timeout and retries its batch', async () => {
      // A stopped process makes no progress: the watchdog must kill it (SIGKILL reaches it stopped).
      const before = pool.pids()[0]!;
      process.kill(before, 'SIGSTOP');
      expect(await countAll(pool, inputs.slice(0, 50))).toEqual(expected.slice(0, 50));
      expect(pool.pids()[0]).not.toBe(before);
    });

    it(`gives up after ${MAX_ATTEMPTS} failures and says so, without rejecting`, async () => {
      // Every worker of this pool dies on every batch.
      const doomed = await TokenizerPool.start({ ...FILES, workers: 1, script: join(__dirname, '..', 'helpers', 'crashingWorker.mjs') });
      try {
        const r = await doomed.count(inputs.slice(0, 3));
        expect([...r.counts]).toEqual([-1, -1, -1]);
        expect(Object.keys(r.notes)[0]).toMatch(/failed 3 times/);
      } finally {
        await doomed.close();
      }
    });
  });
});
