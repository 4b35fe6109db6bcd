// replay compare on real runs: which summary it read for each input (replay/ or
// performance/), labels from config.yaml (or --label), every incomplete input
// flagged (complete: false, interrupted, tokenizations left pending by the drain
// or not counted by a replay), and a one-line error for what is no summary.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareRun } from '../../src/summary/compare.js';
import { replay } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');

const cli = (...args: string[]) => replay(args);

/** A run directory as the benchmark leaves it: config.yaml, the log, performance/, metrics/. */
function runDir(opts: { summary: string; pending: number | null; concurrency: number; runConfig: 'from config.yaml' | 'own' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-run-'));
  copyFileSync(join(GOLDEN, 'tiny-streaming', 'events.jsonl'), join(dir, 'events.jsonl'));
  writeFileSync(join(dir, 'config.yaml'), `model_params:\n  name: org/model-a\nsettings:\n  load_pattern:\n    type: concurrency\n    target_concurrency: ${opts.concurrency}\n`);
  mkdirSync(join(dir, 'performance'));
  // The summary's run_config says how the run was loaded; without one, config.yaml does.
  const summary = readFileSync(opts.summary, 'utf8');
  const loadPattern = `"load_pattern": {\n      "type": "concurrency",\n      "target_qps": null,\n      "target_concurrency": ${opts.concurrency}\n    }`;
  const edited = opts.runConfig === 'own' ? summary.replace(/"load_pattern": \{[^}]*\}/, loadPattern) : summary.replace(/"run_config": \{[\s\S]*\}\s*\}\s*$/, '"run_config": null\n}\n');
  expect(edited).not.toBe(summary);
  writeFileSync(join(dir, 'performance', 'result_summary.json'), edited);
  if (opts.pending !== null) {
    mkdirSync(join(dir, 'metrics'));
    writeFileSync(join(dir, 'metrics', 'final_snapshot.json'), JSON.stringify({ n_pending_tasks: opts.pending }));
  }
  return dir;
}

describe('replay compare', () => {
  it('says which summary it read, labels each run from its config, flags each incomplete one', async () => {
    // A run whose own summary is complete on its face but whose drain left 7 tokenizations pending.
    const drained = runDir({ summary: join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json'), pending: 7, concurrency: 24, runConfig: 'own' });
    // A run that was interrupted (its summary says so).
    const cut = runDir({ summary: join(GOLDEN, 'no-ended-eof', 'expected_result_summary.json'), pending: null, concurrency: 48, runConfig: 'from config.yaml' });
    // A replay output whose manifest records tokenizations it could not count.
    const replayed = mkdtempSync(join(tmpdir(), 'cmp-replayed-'));
    cpSync(drained, replayed, { recursive: true });
    const out = join(replayed, 'replay');
    const r0 = await cli('recompute', replayed, '--no-tokenizer', '--quiet');
    expect(r0.status, r0.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'replay_manifest.json'), 'utf8'));
    manifest.tokenization.not_counted = 3;
    writeFileSync(join(out, 'replay_manifest.json'), JSON.stringify(manifest));

    const r = await cli('compare', drained, cut, replayed, '--json');
    expect(r.status, r.stderr).toBe(0);
    const { runs } = JSON.parse(r.stdout) as { runs: CompareRun[] };
    // Shown in load order: the two c=24 runs in their input order, then c=48.
    expect(runs.map((x) => [x.file, x.origin, x.label, x.inputIndex])).toEqual([
      [join(drained, 'performance', 'result_summary.json'), 'performance', 'org/model-a · concurrency c=24', 0],
      [join(out, 'result_summary.json'), 'replay', 'org/model-a · concurrency c=24', 2],
      [join(cut, 'performance', 'result_summary.json'), 'performance', 'org/model-a · concurrency c=48', 1],
    ]);
    expect(runs.map((x) => x.problems)).toEqual([
      ['7 tokenization(s) left pending by the drain (metrics/final_snapshot.json)'],
      ['3 tokenization(s) not counted (replay_manifest.json)'],
      ['complete: false', 'interrupted (the log ends before session.ended)'],
    ]);
    expect(runs.map((x) => x.complete)).toEqual([false, false, false]);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);

    const text = await cli('compare', drained, replayed, '--label', 'before', '--label', 'after');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(`#1 before: ${join(drained, 'performance', 'result_summary.json')} (the run's own summary)`);
    expect(text.stdout).toContain(`#2 after: ${join(out, 'result_summary.json')} (replay output)`);
    expect(text.stdout).toContain('   * incomplete: 7 tokenization(s) left pending by the drain');
  }, 60_000);

  it('a complete pair: no flag, no warning', async () => {
    const r = await cli('compare', join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json'), join(GOLDEN, 'early-stopping', 'expected_result_summary.json'), '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { runs: CompareRun[] }).runs.every((x) => x.complete && x.origin === 'file')).toBe(true);
  });

  describe('what is no summary: one line naming the file, exit 2', () => {
    const good = join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json');
    const dir = mkdtempSync(join(tmpdir(), 'cmp-bad-'));
    const cases: Array<[string, string, string]> = [
      ['broken JSON', 'cut.json', readFileSync(good, 'utf8').slice(0, 300)],
      ['JSON that is no summary', 'other.json', '{"hello": "world"}'],
      ['a JSON array', 'list.json', '[1, 2, 3]'],
      ['an empty file', 'empty.json', ''],
    ];
    it.each(cases)('%s', async (_what, name, text) => {
      writeFileSync(join(dir, name), text);
      const r = await cli('compare', good, join(dir, name));
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^replay: ${join(dir, name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not (valid JSON|a result_summary\\.json)`));
      expect(lines.length).toBeLessThanOrEqual(2);
    });

    it('more labels than inputs', async () => {
      const r = await cli('compare', good, good, '--label', 'a', '--label', 'b', '--label', 'c');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^replay: 3 --label values for 2 inputs/);
    });
  });
});
