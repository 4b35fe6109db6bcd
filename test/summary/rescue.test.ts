// Rescuing a run whose original summary was incomplete: the differences are
// reported field by field, and --in-place replaces the original after a backup.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recompute } from '../../src/commands/recompute.js';

const ROOT = join(__dirname, '..', '..');
const DS = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const TINY = join(ROOT, 'fixtures', 'golden', 'tiny-streaming', 'events.jsonl');

/** A run dir whose original summary is real but incomplete: replay itself on the first 60% of the log. */
async function incompleteRun(): Promise<{ run: string; originalText: string }> {
  const run = mkdtempSync(join(tmpdir(), 'rescue-'));
  const lines = readFileSync(TINY, 'utf8').split('\n');
  const cut = join(run, 'cut.jsonl');
  writeFileSync(cut, lines.slice(0, Math.floor(lines.length * 0.6)).join('\n'));
  const partial = await recompute({ input: cut, tokenizer: DS, workers: 0, out: join(run, 'partial') });
  expect(partial.summary['complete']).toBe(false);
  copyFileSync(TINY, join(run, 'events.jsonl'));
  writeFileSync(join(run, 'config.yaml'), `model_params:\n  name: ${DS}\n  streaming: 'on'\n`);
  mkdirSync(join(run, 'performance'));
  const originalText = readFileSync(partial.summaryPath, 'utf8');
  writeFileSync(join(run, 'performance', 'result_summary.json'), originalText);
  return { run, originalText };
}

describe('rescue', () => {
  it('says the original was incomplete and lists what changed, with correct deltas', async () => {
    const { run, originalText } = await incompleteRun();
    const result = await recompute({ input: run, workers: 0 });
    const original = JSON.parse(originalText);
    const corrected = JSON.parse(readFileSync(result.summaryPath, 'utf8'));
    expect(result.rescue!.originalProblems.join(' ')).toMatch(/complete: false/);
    const byField = new Map(result.rescue!.changes.map((c) => [c.field, c]));
    for (const f of ['n_samples_completed', 'duration_ns', 'qps']) {
      expect(byField.get(f)).toMatchObject({ original: original[f], corrected: corrected[f], delta: corrected[f] - original[f] });
    }
    expect(byField.get('latency.total')!.delta).toBe(corrected.latency.total - original.latency.total);
    expect(byField.get('complete')).toMatchObject({ original: false, corrected: true });
    // Unchanged fields are not listed.
    expect(byField.has('n_samples_failed') === (original.n_samples_failed !== corrected.n_samples_failed)).toBe(true);
  });

  it('--in-place keeps a byte-identical backup and writes the corrected summary over the original', async () => {
    const { run, originalText } = await incompleteRun();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', run, '--in-place', '--workers=0'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/original result_summary.json was incomplete/);
    const backups = readdirSync(join(run, 'performance')).filter((f) => f.startsWith('result_summary.json.orig-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(run, 'performance', backups[0]!), 'utf8')).toBe(originalText);
    expect(readFileSync(join(run, 'performance', 'result_summary.json'), 'utf8')).toBe(readFileSync(join(run, 'replay', 'result_summary.json'), 'utf8'));
    // A second run keeps the first backup (of the real original) untouched.
    spawnSync(process.execPath, [join(ROOT, 'bin', 'replay.js'), 'recompute', run, '--in-place', '--workers=0', '--quiet']);
    expect(readFileSync(join(run, 'performance', backups[0]!), 'utf8')).toBe(originalText);
    expect(existsSync(join(run, 'performance', 'result_summary.json'))).toBe(true);
  });
});
