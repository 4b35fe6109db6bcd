// The compare page of a small concurrency sweep (three generated runs, one cut
// before session.ended), each recomputed by the CLI: every chart spec validates
// against the Vega-Lite v6 schema; in headless Chromium, offline from file://,
// no request is attempted, no console error or warning, every chart goes live,
// hovering a point shows its tooltip, and the incomplete run is flagged.
// Screenshot: test-artifacts/compare-sweep.png.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareCharts } from '../../src/output/compareReport.js';
import { readRunCdfs } from '../../src/output/compare/samples.js';
import type { Comparison } from '../../src/summary/compare.js';
import { launchBrowser, openOffline } from '../helpers/browser.js';
import { replay, run } from '../helpers/cli.js';

const ROOT = join(__dirname, '..', '..');
const TOKENIZER = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const LOADS = [16, 2, 6];
let dir: string;
let page: string;
let cmp: Comparison;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cmp-sweep-'));
  await Promise.all(
    LOADS.map(async (c, k) => {
      const runDir = join(dir, `c${c}`);
      mkdirSync(runDir);
      // The c=6 run is cut before session.ended (--damage): an incomplete run in the sweep.
      const gen = await run(process.execPath, [join(ROOT, 'scripts', 'gen-log.mjs'), '--samples', '120', '--warmup', '4', '--concurrency', String(c), '--seed', String(k + 1), '--output-chars', '300', '--out', join(runDir, 'events.jsonl'), ...(c === 6 ? ['--damage'] : [])]);
      expect(gen.status, gen.stderr).toBe(0);
      writeFileSync(join(runDir, 'config.yaml'), `model_params:\n  name: demo/model-<b>\n  streaming: 'on'\nsettings:\n  load_pattern:\n    type: concurrency\n    target_concurrency: ${c}\n`);
    }),
  );
  for (const c of LOADS) {
    const r = await replay(['recompute', join(dir, `c${c}`), `--tokenizer=${TOKENIZER}`, '--workers=0', '--format=arrow', '--quiet']);
    expect([0, 3], r.stderr).toContain(r.status);
  }
  page = join(dir, 'compare.html');
  const r = await replay(['compare', ...LOADS.map((c) => join(dir, `c${c}`)), '--json', `--report=${page}`]);
  expect(r.status, r.stderr).toBe(0);
  cmp = JSON.parse(r.stdout);
}, 240_000);

describe('compare page of a sweep', () => {
  it('orders the runs by concurrency and flags the cut one', () => {
    expect(cmp.runs.map((r) => r.load?.concurrency)).toEqual([2, 6, 16]);
    expect(cmp.runs.map((r) => r.complete)).toEqual([true, false, true]);
    expect(cmp.runs[1]!.problems).toContain('interrupted (the log ends before session.ended)');
  });

  it('every chart spec validates against the Vega-Lite v6 schema', async () => {
    const summaries = cmp.runs.map((r) => JSON.parse(readFileSync(r.file, 'utf8')));
    const cdfs = await Promise.all(cmp.runs.map((r) => readRunCdfs(join(r.file, '..', 'samples.arrow'))));
    // Each CDF spans its summary series: as many values, from its min to its max.
    cdfs.forEach((c, i) => {
      if (!c.ok) throw new Error(c.note);
      const s = summaries[i];
      expect(c.counts.latency).toBe(s.n_samples_completed);
      for (const m of ['ttft', 'tpot', 'latency'] as const) {
        expect(c.cdfs[m][0]!.v).toBeCloseTo(s[m].min / 1e6, 9);
        expect(c.cdfs[m].at(-1)!.v).toBeCloseTo(s[m].max / 1e6, 9);
        expect(c.cdfs[m].at(-1)!.p).toBe(1);
      }
    });
    const charts = compareCharts({ ...cmp, summaries }, cdfs);
    expect(charts.map((c) => c.id)).toEqual(['ttft-vs-tps', 'tpot-vs-tps', 'pareto', 'cdf-ttft', 'cdf-tpot', 'cdf-latency', 'change']);
    const validate = new Ajv({ allErrors: true, strict: false, logger: false }).compile(JSON.parse(readFileSync(join(ROOT, 'node_modules', 'vega-lite', 'build', 'vega-lite-schema.json'), 'utf8')));
    for (const { id, spec } of charts) expect(validate(spec), `${id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  });

  it('runs with nothing to plot (no tokenizer, not streamed, empty) and hostile labels: only the change chart, no script of theirs, no warning', async () => {
    const G = join(ROOT, 'fixtures', 'golden');
    const degenerate = join(dir, 'degenerate.html');
    const labels = ['<img src=x onerror="document.title=1">', '<script>document.title=2</script>', '</table><b>x'];
    const r = await replay(['compare', ...['no-tokenizer', 'offline-nonstreaming', 'empty-run'].map((c) => join(G, c, 'expected_result_summary.json')), `--report=${degenerate}`, ...labels.flatMap((l) => ['--label', l])]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: omitted: Pareto view: no run has both TPS and TPOT');
    const browser = await launchBrowser();
    try {
      const { page: tab, problems, requests } = await openOffline(browser, degenerate);
      expect(await tab.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe('1');
      expect(await tab.title()).toBe('replay compare');
      // The labels are text in the runs table, not elements.
      expect(await tab.locator('main img, main b').count()).toBe(0);
      expect(await tab.locator('table').first().innerText()).toContain(labels[0]);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('opens offline in Chromium: no request, no console error, live charts, a tooltip on hover', async () => {
    const html = readFileSync(page, 'utf8');
    // The model name from config.yaml is escaped, never markup.
    expect(html).toContain('demo/model-&lt;b&gt;');
    expect(html).not.toContain('demo/model-<b>');
    const browser = await launchBrowser();
    try {
      const { page: tab, problems, requests } = await openOffline(browser, page, { width: 1400, height: 1000 });
      expect(await tab.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe('7');
      expect(await tab.locator('.chart-fallback').count()).toBe(0);
      // The incomplete run is flagged in the tables.
      expect(await tab.locator('th .badge.incomplete').count()).toBe(1);
      expect(await tab.locator('tr.incomplete-run').innerText()).toContain('interrupted');
      // Points of the TTFT chart: p50 and p99 of each run; the first one drawn is a c=2 point.
      const points = tab.locator('[data-chart="ttft-vs-tps"] .vega-live .mark-symbol.role-mark path');
      expect(await points.count()).toBe(6);
      await points.first().scrollIntoViewIfNeeded();
      await points.first().hover({ force: true });
      await expect.poll(() => tab.locator('.replay-tooltip').innerText()).toMatch(/^run: #1 demo\/model-<b> · concurrency c=2\nload: c=2\nmetric: TTFT p50\nms: [\d.]+\ntokens\/s: [\d.]+\nstatus: complete$/);
      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      await tab.screenshot({ path: join(ROOT, 'test-artifacts', 'compare-sweep.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
