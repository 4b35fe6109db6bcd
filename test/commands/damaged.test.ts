// A damaged log (corrupt lines, invalid UTF-8, a cut last line, no
// session.ended) still gives a summary, with warnings naming the lines — and
// the generator behind the benchmarks writes what it says it writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/gen-log.mjs';

const ROOT = join(__dirname, '..', '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');

const OPTS = { samples: 120, seed: 3, streaming: true, charsPerChunk: 8, outputChars: 300, reasoningFrac: 0.1, toolCallFrac: 0.1, warmup: 8, errorFrac: 0.05, retryFrac: 0.05, concurrency: 16 };

describe('generated logs', () => {
  it('are deterministic for a seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-'));
    await generate({ ...OPTS, out: join(dir, 'a.jsonl'), damage: false });
    await generate({ ...OPTS, out: join(dir, 'b.jsonl'), damage: false });
    expect(readFileSync(join(dir, 'a.jsonl')).equals(readFileSync(join(dir, 'b.jsonl')))).toBe(true);
  });

  it('replay to the counts the generator recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-'));
    const stats = await generate({ ...OPTS, out: join(dir, 'events.jsonl'), damage: false });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', join(dir, 'events.jsonl'), `--tokenizer=${DS}`, '--workers=0', `--out=${join(dir, 'out')}`, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, 'out', 'result_summary.json'), 'utf8'));
    expect(s.n_samples_issued).toBe(stats.tracked_issued);
    expect(s.n_samples_completed).toBe(stats.tracked_completed);
    expect(s.n_samples_failed).toBe(stats.tracked_failed);
    expect(s.complete).toBe(true);
  });
});

describe('a damaged log', () => {
  it('gives a summary, warnings naming every corrupt line, complete false, exit 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'damaged-'));
    const stats = await generate({ ...OPTS, out: join(dir, 'events.jsonl'), damage: true });
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', join(dir, 'events.jsonl'), `--tokenizer=${DS}`, '--workers=0', `--out=${join(dir, 'out')}`, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(3);
    for (const n of stats.damaged_lines) expect(r.stderr).toContain(`line ${n}:`);
    expect(r.stderr).toContain(`${stats.damaged_lines.length} line(s) skipped as undecodable`);
    expect(r.stderr).toMatch(/ends before session.ended/);
    const s = JSON.parse(readFileSync(join(dir, 'out', 'result_summary.json'), 'utf8'));
    expect(s.state).toBe('interrupted');
    expect(s.complete).toBe(false);
    expect(s.n_samples_completed).toBe(stats.tracked_completed);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'replay_manifest.json'), 'utf8'));
    expect(manifest.lines.corrupt).toBe(stats.damaged_lines.length);
    expect(manifest.lines.corrupt_examples.map((c: { line: number }) => c.line)).toEqual(stats.damaged_lines);
  });
});
