// replay compare on sweeps and on what can be wrong with the files it reads:
// runs shown in load order (or as given), changes and better/worse against the
// first run or --baseline (checked against the summaries read here directly),
// a malformed summary or manifest is a one-line error naming it (exit 2), a
// config.yaml or final_snapshot.json that cannot be read is a warning, and a
// run without samples.arrow keeps its place in the page without CDFs (a note).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CompareRow, CompareRun, SweepPoint } from '../../src/summary/compare.js';
import { replay } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(ROOT, 'fixtures', 'golden');
const cli = (...args: string[]) => replay(args);
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

type Json = { order: string; baseline: number; runs: CompareRun[]; rows: CompareRow[]; points: SweepPoint[] };

/** A golden summary with its run_config's load pattern replaced. */
function summaryWithLoad(dir: string, name: string, source: string, load: Record<string, unknown>): string {
  const s = JSON.parse(readFileSync(join(GOLDEN, source, 'expected_result_summary.json'), 'utf8'));
  s.run_config = { ...(s.run_config ?? {}), load_pattern: load };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(s, null, 2));
  return path;
}

describe('a sweep: load order and baseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-sweep-'));
  const c8 = summaryWithLoad(dir, 'c8.json', 'tiny-streaming', { type: 'concurrency', target_concurrency: 8, target_qps: null });
  const q3 = summaryWithLoad(dir, 'q3.json', 'early-stopping', { type: 'poisson', target_qps: 3.0, target_concurrency: null });
  const c2 = summaryWithLoad(dir, 'c2.json', 'streaming-reasoning-toolcalls', { type: 'concurrency', target_concurrency: 2, target_qps: null });
  const inputs = [c8, q3, c2];
  const read = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

  it('orders by concurrency, then QPS; changes and verdicts against the first shown', async () => {
    const r = await cli('compare', ...inputs, '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.order).toBe('load');
    expect(out.runs.map((x) => x.file)).toEqual([c2, c8, q3]);
    expect(out.runs.map((x) => x.inputIndex)).toEqual([2, 0, 1]);
    expect(out.baseline).toBe(0);
    const shown = [c2, c8, q3].map(read);
    const tps = out.rows.find((x) => x.metric === 'TPS')!;
    expect(tps.values).toEqual(shown.map((s) => s.tps));
    expect(tps.change[0]).toBeNull();
    for (const i of [1, 2]) {
      expect(tps.change[i]).toBeCloseTo((shown[i].tps - shown[0].tps) / shown[0].tps, 12);
      expect(tps.verdict[i]).toBe(shown[i].tps > shown[0].tps ? 'better' : 'worse');
    }
    const p99 = out.rows.find((x) => x.metric === 'latency p99')!;
    for (const i of [1, 2]) expect(p99.verdict[i]).toBe(shown[i].latency.percentiles['99.0'] < shown[0].latency.percentiles['99.0'] ? 'better' : 'worse');
    expect(out.rows.find((x) => x.metric === 'duration')!.verdict).toEqual([null, null, null]);
    // The sweep points: tokens/s per user is 1e9 / median TPOT (ns).
    expect(out.points.map((p) => [p.load, p.tps, p.perUser])).toEqual(shown.map((s, i) => [['c=2', 'c=8', '3 QPS'][i], s.tps, 1e9 / s.tpot.median]));
  });

  it('--order input keeps the command line; --baseline by position, path or label', async () => {
    const asGiven = JSON.parse((await cli('compare', ...inputs, '--json', '--order', 'input')).stdout) as Json;
    expect(asGiven.runs.map((x) => x.file)).toEqual(inputs);
    // Input #1 (c8) is shown second in load order.
    for (const which of ['1', c8, 'mid']) {
      const r = await cli('compare', ...inputs, '--json', '--label', 'mid', '--baseline', which);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Json;
      expect(out.baseline).toBe(1);
      const tps = out.rows.find((x) => x.metric === 'TPS')!;
      expect(tps.change[1]).toBeNull();
      expect(tps.change[0]).toBeCloseTo((read(c2).tps - read(c8).tps) / read(c8).tps, 12);
    }
    const bad = await cli('compare', ...inputs, '--baseline', '7');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^replay: --baseline 7: no such input/);
  });

  it('the table marks the baseline and says better or worse', async () => {
    const r = await cli('compare', ...inputs);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^metric\s+#1 \(base\)\s+#2 \(Δ\)\s+#3 \(Δ\)$/);
    const tps = lines.find((l) => l.startsWith('TPS'))!;
    expect(tps).toMatch(/\((\+|-)\d+\.\d% (better|worse)\)/);
    expect(lines.find((l) => l.startsWith('duration'))!).not.toMatch(/better|worse/);
    expect(r.stdout).toContain(`#1 concurrency c=2: ${c2} (summary file)`);
  });
});

describe('malformed inputs: one line naming the file, exit 2', () => {
  const good = join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json');
  const dir = mkdtempSync(join(tmpdir(), 'cmp-hostile-'));
  /** A replay output directory whose manifest is `manifest`. */
  const replayOut = (name: string, manifest: string): string => {
    const d = join(dir, name);
    mkdirSync(d);
    cpSync(good, join(d, 'result_summary.json'));
    writeFileSync(join(d, 'replay_manifest.json'), manifest);
    return d;
  };
  const cases: Array<[string, () => string, RegExp]> = [
    ['manifest: broken JSON', () => join(replayOut('m1', '{"tokenization": {"not_counted": 3'), 'replay_manifest.json'), /: not valid JSON/],
    ['manifest: a JSON array', () => join(replayOut('m2', '[1, 2]'), 'replay_manifest.json'), /: not a replay_manifest\.json \(not a JSON object\)/],
    ['manifest: not_counted is no count', () => join(replayOut('m3', '{"tokenization": {"not_counted": "many"}}'), 'replay_manifest.json'), /: malformed replay_manifest\.json \(tokenization\.not_counted is not a count\)/],
    ['manifest: a FIFO', () => { replayOut('m4', '{}'); const p = join(dir, 'm4', 'replay_manifest.json'); rmSync(p); execFileSync('mkfifo', [p]); return p; }, /: the replay_manifest\.json is a FIFO \(named pipe\), not a regular file/],
    ['summary: a FIFO', () => { const p = join(dir, 'fifo.json'); execFileSync('mkfifo', [p]); return p; }, /: the result_summary\.json is a FIFO \(named pipe\), not a regular file/],
    ['summary: 100 MB', () => { const p = join(dir, 'huge.json'); writeFileSync(p, ''); truncateSync(p, 100 << 20); return p; }, /: the result_summary\.json is 100 MB, more than the 64 MB replay reads for one/],
    ['summary: JSON of another kind', () => { const p = join(dir, 'manifest-given.json'); writeFileSync(p, '{"replay_version": "0.1.0", "input": {}}'); return p; }, /: not a result_summary\.json/],
  ];
  it.each(cases)('%s', async (_what, make, message) => {
    const file = make();
    const input = file.endsWith('replay_manifest.json') ? join(file, '..') : file;
    const r = await cli('compare', good, input);
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^replay: ${esc(file)}${message.source}`));
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.stdout).toBe('');
  });
});

describe('optional files that cannot be read: a warning, and what they would have told is unknown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-optional-'));
  const run = (name: string): string => {
    const d = join(dir, name);
    mkdirSync(join(d, 'performance'), { recursive: true });
    cpSync(join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json'), join(d, 'performance', 'result_summary.json'));
    return d;
  };

  it('config.yaml that does not parse, or is a FIFO: the label falls back to the input', async () => {
    const a = run('bad-yaml');
    writeFileSync(join(a, 'config.yaml'), 'model_params: [unclosed\n  name: x\n');
    const b = run('fifo-yaml');
    execFileSync('mkfifo', [join(b, 'config.yaml')]);
    const r = await cli('compare', a, b, '--json', '--order', 'input');
    expect(r.status, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(new RegExp(`^warning: ${esc(join(a, 'config.yaml'))}: not read \\(.+\\); its model and load are unknown$`));
    expect(warnings[1]).toMatch(new RegExp(`^warning: ${esc(join(b, 'config.yaml'))}: not read \\(.*FIFO.*\\); its model and load are unknown$`));
    const out = JSON.parse(r.stdout) as Json;
    // tiny-streaming's own run_config still names its load.
    expect(out.runs.map((x) => x.model)).toEqual([null, null]);
  });

  it('final_snapshot.json that does not parse: flagged incomplete, with a warning', async () => {
    const a = run('bad-snapshot');
    writeFileSync(join(a, 'config.yaml'), 'model_params:\n  name: org/m\n');
    mkdirSync(join(a, 'metrics'));
    writeFileSync(join(a, 'metrics', 'final_snapshot.json'), '{"n_pending_tasks": 1');
    const r = await cli('compare', a, join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json'), '--json', '--order', 'input');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Json;
    expect(out.runs[0]!.problems).toEqual(['metrics/final_snapshot.json unreadable: pending tokenizations unknown']);
    expect(out.runs[0]!.complete).toBe(false);
    expect(r.stderr).toMatch(new RegExp(`^warning: ${esc(join(a, 'metrics', 'final_snapshot.json'))}: .+; whether the drain left tokenizations pending is unknown\n`));
  });
});

describe('--report: runs without samples.arrow', () => {
  let outA: string;
  let outB: string;
  const dir = mkdtempSync(join(tmpdir(), 'cmp-report-'));
  beforeAll(async () => {
    outA = join(dir, 'a');
    outB = join(dir, 'b');
    for (const out of [outA, outB]) {
      const r = await cli('recompute', join(ROOT, 'fixtures', 'demo-run'), `--out=${out}`, '--workers=0', '--format=arrow', '--quiet');
      expect(r.status, r.stderr).toBe(0);
    }
    rmSync(join(outB, 'samples.arrow'));
  }, 120_000);

  it('CDFs of the runs that have samples.arrow; a note for the others', async () => {
    const perf = join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json');
    const page = join(dir, 'page.html');
    const r = await cli('compare', outA, outB, perf, `--report=${page}`, '--label', '<script>alert(1)</script>');
    expect(r.status, r.stderr).toBe(0);
    const notes = r.stderr.trim().split('\n').filter((l) => l.startsWith('note: '));
    expect(notes).toEqual([`note: #2: CDFs omitted (no ${join(outB, 'samples.arrow')})`, `note: #3: CDFs omitted (no ${join(GOLDEN, 'tiny-streaming', 'samples.arrow')})`]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain(`CDFs omitted (no ${join(outB, 'samples.arrow')})`);
    for (const id of ['ttft-vs-tps', 'tpot-vs-tps', 'pareto', 'cdf-ttft', 'cdf-tpot', 'cdf-latency', 'change']) expect(html).toContain(`data-chart="${id}"`);
    // The CDF captions count only #1's samples.
    expect(html).toMatch(/Samples: #1 \d+\./);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(existsSync(page)).toBe(true);
  });

  it('the same inputs give the same page, byte for byte', async () => {
    const pages = [join(dir, 'same1.html'), join(dir, 'same2.html')];
    for (const p of pages) expect((await cli('compare', outA, outB, `--report=${p}`)).status).toBe(0);
    expect(readFileSync(pages[0]!).equals(readFileSync(pages[1]!))).toBe(true);
  });

  it('no run with samples.arrow: no CDF chart, the others stay', async () => {
    const page = join(dir, 'none.html');
    const r = await cli('compare', outB, join(GOLDEN, 'tiny-streaming', 'expected_result_summary.json'), `--report=${page}`);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).not.toContain('data-chart="cdf-');
    expect(html).toContain('data-chart="pareto"');
  });
});
