// report.html in real headless Chromium, offline: the demo run and a golden
// case (warm-up, two tracking blocks) with every analysis file beside it. No
// request may leave the page (all are intercepted and counted), no console
// error or warning, every chart goes live; hovering a mark shows its
// tooltip; the wheel zooms. Expected numbers come from the log itself or the
// reference's own summary. Screenshots go to test-artifacts/.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recompute } from '../../src/commands/recompute.js';
import { runSteadyState } from '../../src/commands/steadyState.js';
import { launchBrowser, openOffline, type OfflinePage } from '../helpers/browser.js';
import { replay } from '../helpers/cli.js';
import { goldenArgs } from '../helpers/golden.js';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const DEEPSEEK = join(ROOT, 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => browser?.close());

/** Opens `file` with every request but the page itself intercepted and refused; waits for the charts. */
const open = (file: string): Promise<OfflinePage> => openOffline(browser, file, { width: 1400, height: 1100 });

/** Hovers each mark of chart `id` (selector inside its live view) and returns the tooltip texts seen. */
async function tooltips(page: Page, id: string, marks: string, limit = 40, thin = false): Promise<string[]> {
  const seen: string[] = [];
  const all = await page.locator(`[data-chart="${id}"] .vega-live ${marks}`).all();
  const sized = [];
  for (const mark of all) {
    const box = await mark.boundingBox();
    if (box && box.width >= 1 && (thin || box.height >= 1)) sized.push(mark);
  }
  for (const mark of sized.slice(0, limit)) {
    await mark.hover({ force: true });
    const tip = page.locator('.replay-tooltip');
    if (await tip.isVisible()) seen.push(await tip.innerText());
  }
  return seen;
}

describe('report.html of the demo run', () => {
  let out: string;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'report-demo-'));
    const r = await replay(['recompute', join(ROOT, 'fixtures', 'demo-run'), '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const rep = await replay(['report', out]);
    expect(rep.status, rep.stderr).toBe(0);
    expect(rep.stdout).toBe(`wrote ${join(out, 'report.html')}\n`);
  }, 120_000);

  it('opens offline with zero console errors, every chart live, a tooltip on hover, zoom on the wheel', async () => {
    const { page, problems, requests } = await open(join(out, 'report.html'));
    const holders = await page.locator('[data-chart]').count();
    expect(holders).toBeGreaterThanOrEqual(14);
    expect(await page.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe(String(holders));
    expect(await page.locator('[data-chart] .vega-live svg').count()).toBe(holders);
    expect(await page.locator('#completeness').innerText()).toBe('complete');
    expect(await page.locator('h1').innerText()).toContain('deepseek-ai/DeepSeek-V3');

    // Finish reasons, counted from the log: tracked completions by finish_reason (tracking starts on line 2).
    const lines = readFileSync(join(ROOT, 'fixtures', 'demo-run', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines[1].event_type).toBe('session.start_performance_tracking');
    const stops = lines.filter((e) => e.event_type === 'sample.complete' && e.finish_reason === 'stop').length;
    const tips = await tooltips(page, 'finish_reasons', '.mark-rect path');
    expect(tips).toContain(`samples: ${stops}\nreason: stop`);
    await page.screenshot({ path: join(ARTIFACTS, 'report-demo-tooltip.png') });

    // A request's lane: its tooltip names its sample row and status.
    const lane = await tooltips(page, 'lanes', '.mark-rule.role-mark line', 5, true);
    expect(lane.length).toBeGreaterThan(0);
    expect(lane[0]).toMatch(/^sample_row: \d+\nstatus: (ok|failed)\nttft_ms: /);

    // The wheel over the throughput chart zooms its x axis.
    const axis = async () => (await page.locator('[data-chart="throughput"] .vega-live .role-axis-label text').allTextContents()).join(' ');
    await page.locator('[data-chart="throughput"]').scrollIntoViewIfNeeded();
    const before = await axis();
    const box = (await page.locator('[data-chart="throughput"] .vega-live svg').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.mouse.wheel(0, -400);
    await expect.poll(axis).not.toEqual(before);

    await page.screenshot({ path: join(ARTIFACTS, 'report-demo.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120_000);
  it('draws the same charts from samples.parquet when there is no samples.arrow, and says so without either', async () => {
    const charts = (dir: string) => /<script type="application\/json" id="replay-charts">(.*?)<\/script>/s.exec(readFileSync(join(dir, 'report.html'), 'utf8'))![1];
    for (const format of ['parquet', 'csv']) {
      const other = mkdtempSync(join(tmpdir(), `report-demo-${format}-`));
      const r = await replay(['recompute', join(ROOT, 'fixtures', 'demo-run'), '--out', other, '--format', format, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      expect((await replay(['report', other])).status).toBe(0);
      if (format === 'parquet') expect(charts(other)).toBe(charts(out));
      else expect(readFileSync(join(other, 'report.html'), 'utf8')).toContain('No samples table (samples.arrow or samples.parquet)');
    }
  }, 120_000);
});

describe('report.html of a golden case with every analysis beside it', () => {
  const CASE = 'warmup-accuracy-2blocks';
  const golden = join(ROOT, 'fixtures', 'golden', CASE);
  let run: string;
  let out: string;
  beforeAll(async () => {
    run = mkdtempSync(join(tmpdir(), 'report-golden-'));
    cpSync(join(golden, 'events.jsonl'), join(run, 'events.jsonl'));
    writeFileSync(join(run, 'config.yaml'), 'model_params:\n  name: meta-llama/Llama-2-70b-chat-hf\n');
    out = join(run, 'replay');
    const args = goldenArgs(CASE);
    const runConfig = args.find((a) => a.startsWith('--run-config='))!.slice('--run-config='.length);
    // The analyses as `recompute --slo … --mlperf --openmetrics` writes them (mlperf's model from config.yaml).
    await recompute({ input: run, out, tokenizer: DEEPSEEK, workers: 0, streaming: true, earlyStopping: false, legacyLoadgenWindow: false, runConfig, analyses: { slo: 'ttft=500ms,tpot=60ms', mlperf: '', openmetrics: true } });
    for (const f of ['slo.json', 'mlperf.json', 'metrics.prom', 'metrics_p99.json']) expect(existsSync(join(out, f)), f).toBe(true);
    const steady = await runSteadyState({ input: join(run, 'events.jsonl'), datasetSize: 10, warmup: 1, tokenizer: DEEPSEEK });
    writeFileSync(join(out, 'steady_state.json'), steady.json);
    const rep = await replay(['report', run]);
    expect(rep.status, rep.stderr).toBe(0);
  }, 240_000);

  it('shows the reference summary\'s numbers, the shaded windows and every analysis section, offline and clean', async () => {
    const expected = JSON.parse(readFileSync(join(golden, 'expected_result_summary.json'), 'utf8'));
    const { page, problems, requests } = await open(join(out, 'report.html'));
    expect(await page.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe(String(await page.locator('[data-chart]').count()));
    // Cards and the metrics table, from the reference's own summary.
    const card = (k: string) => page.locator('.card', { has: page.locator('.k', { hasText: new RegExp(`^${k}$`) }) }).locator('.v').innerText();
    const msOf = (ns: number) => (ns / 1e6).toLocaleString('en-US', { maximumFractionDigits: 2 });
    expect(await card('TTFT p99')).toBe(`${msOf(expected.ttft.percentiles['99.0'])} ms`);
    expect(await card('latency p50')).toBe(`${msOf(expected.latency.percentiles['50.0'])} ms`);
    const head = await page.locator('h2:has-text("Metrics") + .table-wrap tr').first().innerText();
    for (const p of Object.keys(expected.ttft.percentiles)) expect(head).toContain(`p${p.replace(/\.0$/, '')}`);
    // Warm-up and both tracking blocks shaded (the region legend of the throughput chart).
    const legend = (await page.locator('[data-chart="throughput"] .vega-live .role-legend-label text').allTextContents()).join('|');
    expect(legend).toContain('warm-up');
    expect(legend).toContain('tracking block 0');
    expect(legend).toContain('tracking block 1');
    // The analyses' sections, each with its file's numbers.
    const slo = JSON.parse(readFileSync(join(out, 'slo.json'), 'utf8'));
    const body = await page.locator('body').innerText();
    expect(body).toContain('SLO attainment');
    expect(body).toContain(`${(slo.per_metric.ttft.attainment * 100).toFixed(1)}%`);
    expect(body).toContain('MLPerf limits: llama2-70b server');
    expect(body).toContain('Bucket-quantized vs exact p99');
    expect(body).toContain('Steady state');
    expect(await page.locator('[data-chart="slo_curves"] .vega-live svg').count()).toBe(1);
    const sloTips = await tooltips(page, 'slo_curves', '.mark-symbol path', 3);
    expect(sloTips.join('\n')).toMatch(/threshold \(ms\): /);
    await page.screenshot({ path: join(ARTIFACTS, 'report-golden-warmup-2blocks.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  }, 120_000);
});
