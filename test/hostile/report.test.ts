// `replay report` on a hostile output directory: an HTML/script payload in
// every string of every file it reads (summary, manifest, conventions, the
// analyses' files, config.yaml), scripted SVG and HTML planted among the
// charts. The page must show the payloads as text, paste none of the planted
// files, and run no script but its own in real Chromium. Malformed or
// non-regular files: a one-line error naming the file, exit 2.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, Table, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { replay } from '../helpers/cli.js';
import { goldenArgs } from '../helpers/golden.js';

const ROOT = join(__dirname, '..', '..');
const CASE = 'warmup-accuracy-2blocks';
const PAYLOAD = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2;document.title='pwned';alert(1)"><svg onload="window.__pwned=3"></svg><!-- &amp;`;
const SVG_MARK = 'planted-svg-7f3a';
const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=4;alert(4)" id="${SVG_MARK}"><script>window.__pwned=5</script><text>${SVG_MARK}</text></svg>`;

let base: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'hostile-report-'));
  cpSync(join(ROOT, 'fixtures', 'golden', CASE, 'events.jsonl'), join(base, 'events.jsonl'));
  const r = await replay(['recompute', base, ...goldenArgs(CASE), '--quiet']);
  expect(r.status, r.stderr).toBe(0);
}, 120_000);

/** A fresh copy of the clean run directory. */
function copyRun(): { run: string; out: string } {
  const run = mkdtempSync(join(tmpdir(), 'hostile-run-'));
  cpSync(base, run, { recursive: true });
  return { run, out: join(run, 'replay') };
}

const readJson = (p: string): any => JSON.parse(readFileSync(p, 'utf8'));
const writeJson = (p: string, v: unknown): void => writeFileSync(p, JSON.stringify(v, null, 2));

/** Puts PAYLOAD in every string the report reads, and scripted SVG/HTML among the charts. */
function plant(run: string, out: string): void {
  writeFileSync(join(run, 'config.yaml'), `model_params:\n  name: ${JSON.stringify(PAYLOAD)}\n  streaming: 'on'\n`);
  const s = readJson(join(out, 'result_summary.json'));
  Object.assign(s, { state: PAYLOAD, version: PAYLOAD, git_sha: PAYLOAD, test_started_at: PAYLOAD });
  s.finish_reason_counts = { [PAYLOAD]: 3, stop: 1 };
  s.ttft.percentiles[PAYLOAD] = 123;
  s.run_config = { load_pattern: { type: PAYLOAD, target_qps: null, target_concurrency: 8 }, warmup: { enabled: true, n_requests: 4 } };
  writeJson(join(out, 'result_summary.json'), s);

  const m = readJson(join(out, 'replay_manifest.json'));
  m.replay_version = PAYLOAD;
  m.warnings = [PAYLOAD];
  Object.assign(m.input, { events: PAYLOAD, digest: { hex: PAYLOAD } });
  m.tokenizer = { file: PAYLOAD, sha256: PAYLOAD, backend: PAYLOAD, chat_template: { source: PAYLOAD } };
  m.settings[PAYLOAD] = { value: PAYLOAD, source: PAYLOAD };
  m.rescue = { originalProblems: [PAYLOAD], changes: [{ field: PAYLOAD, original: PAYLOAD, corrected: 1, delta: null, relative: 0.5 }] };
  writeJson(join(out, 'replay_manifest.json'), m);

  const conv = readJson(join(out, 'conventions.json'));
  for (const row of conv) Object.assign(row, { tool: PAYLOAD, metric: PAYLOAD, formula: PAYLOAD });
  writeJson(join(out, 'conventions.json'), conv);

  writeJson(join(out, 'slo.json'), {
    slo_ns: { ttft: 2e9 },
    requests: { completed: 1, succeeded: 1, failed: 0 },
    per_metric: { [PAYLOAD]: { slo_ns: 2e9, met: 1, missing: 0, attainment: 1 } },
    conventions: { [PAYLOAD]: { good: 1, attainment: 1, goodput_rps: 1, goodput_tps: 1 } },
    curves: { [PAYLOAD]: { n: 2, thresholds_ns: [1e6, 2e6], met: [1, 2], fraction: [0.5, 1] } },
  });
  writeJson(join(out, 'mlperf.json'), { benchmark: PAYLOAD, scenario: PAYLOAD, pass: false, limits: [{ metric: PAYLOAD, limit_ns: 1, n: 1, p99_ns: 2, margin_fraction: -1, pass_loadgen: false, pass_submission_checker: false, early_stopping: null }] });
  writeJson(join(out, 'metrics_p99.json'), [{ name: PAYLOAD, count: 1, exact_p99: 1, histogram_quantile_p99: 2 }]);
  writeFileSync(join(out, 'steady_state.json'), JSON.stringify({ n_super_passes: 1, superpass_size: 5, warmup: 0, steady_state: { found: false, reason: PAYLOAD, window: null, drifting_up: [PAYLOAD] } }));

  for (const f of readdirSync(join(out, 'charts'))) writeFileSync(join(out, 'charts', f), f.endsWith('.svg') ? EVIL_SVG : JSON.stringify({ $schema: PAYLOAD, mark: PAYLOAD }));
  writeFileSync(join(out, 'charts', 'evil.svg'), EVIL_SVG);
  writeFileSync(join(out, 'payload.html'), `<html><body>${PAYLOAD}${EVIL_SVG}</body></html>`);
}

describe('replay report on planted payloads', () => {
  it('shows every payload as text, pastes no planted file, and runs no script but its own (headless Chromium)', async () => {
    const { run, out } = copyRun();
    plant(run, out);
    const r = await replay(['report', run]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // (Booleans, not toContain: a failure would print the whole page.)
    expect(html.includes(SVG_MARK)).toBe(false);
    expect(html.includes('<img')).toBe(false);
    // Only the page's two script elements: the chart data block and the runtime.
    expect(html.match(/<script/g)?.length).toBe(2);

    /** Elements with an event-handler attribute (on...), and script elements, in the parsed DOM. */
    const handlers = () =>
      [...document.querySelectorAll('*')].flatMap((el) => [...el.getAttributeNames().filter((n) => n.toLowerCase().startsWith('on')).map((n) => `${el.tagName}[${n}]`), ...(el.tagName.toLowerCase() === 'script' && el.id !== 'replay-charts' && !el.textContent?.includes('replay-tooltip') ? ['script'] : [])]);
    const browser = await launchBrowser();
    try {
      // As parsed, with script off: the static SVG fallbacks and every table, before any runtime touches them.
      const still = await browser.newContext({ javaScriptEnabled: false });
      const parsed = await still.newPage();
      await parsed.goto(`file://${join(out, 'report.html')}`);
      expect(await parsed.locator('.chart-fallback svg').count()).toBeGreaterThanOrEqual(10);
      expect(await parsed.evaluate(handlers)).toEqual([]);
      await still.close();

      const page = await browser.newPage({ viewport: { width: 1400, height: 1200 } });
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const requests: string[] = [];
      await page.route('**/*', (route) => {
        if (route.request().url().startsWith('file://') && route.request().url().endsWith('report.html')) return route.continue();
        requests.push(route.request().url());
        return route.abort();
      });
      await page.goto(`file://${join(out, 'report.html')}`);
      await page.waitForFunction(() => document.documentElement.dataset['chartsRendered'] !== undefined);
      expect(await page.evaluate(() => document.documentElement.dataset['chartsRendered'])).not.toBe('failed');
      // Hover every chart so any handler a payload smuggled into a mark would fire.
      for (const holder of await page.locator('.vega-live svg').all()) await holder.hover();
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.title()).not.toBe('pwned');
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.evaluate(handlers)).toEqual([]);
      expect(await page.locator(`#${SVG_MARK}`).count()).toBe(0);
      // The payload is shown as the text it is: in the title, the header, the warnings, each table.
      const text = await page.locator('body').innerText();
      const shown = text.split(PAYLOAD).length - 1;
      expect(shown).toBeGreaterThanOrEqual(15);
      expect(await page.locator('h1').innerText()).toContain(PAYLOAD);
      expect(await page.title()).toContain(PAYLOAD);
      // In the charts too (a finish reason, an SLO curve's metric): as SVG text, not markup.
      const svgText = await page.locator('.vega-live svg text').allTextContents();
      expect(svgText.some((t) => t.includes('window.__pwned=2'))).toBe(true);
      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-artifacts', 'report-hostile.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('replay report on a samples table of extreme values', () => {
  it('draws what is finite, ignores the rest, and the page still goes live cleanly', async () => {
    const { run, out } = copyRun();
    const path = join(out, 'samples.arrow');
    const t = tableFromIPC(readFileSync(path));
    const n = t.numRows;
    const cols = Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name)!]));
    // Times far outside any run, both signs, and nulls; floats that are not numbers.
    cols['issued_ns'] = vectorFromArray(Array.from({ length: n }, (_, i) => [-(2n ** 62n), 2n ** 62n, null, BigInt(i) * 1_000_000n][i % 4]!), new Int64());
    cols['complete_ns'] = vectorFromArray(Array.from({ length: n }, (_, i) => [2n ** 63n - 1n, -1n, null, BigInt(i) * 2_000_000n][i % 4]!), new Int64());
    cols['tpot_ns'] = vectorFromArray(Array.from({ length: n }, (_, i) => [NaN, Infinity, -Infinity, 1e308, 5e6][i % 5]!), new Float64());
    writeFileSync(path, tableToIPC(new Table(cols), 'file'));
    const r = await replay(['report', run]);
    expect(r.status, r.stderr).toBe(0);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(`file://${join(out, 'report.html')}`);
      await page.waitForFunction(() => document.documentElement.dataset['chartsRendered'] !== undefined);
      expect(await page.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe(String(await page.locator('[data-chart]').count()));
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('replay report on malformed or non-regular files', () => {
  const cases: Array<[string, string, (out: string) => void, RegExp]> = [
    ['summary not JSON', 'result_summary.json', (out) => writeFileSync(join(out, 'result_summary.json'), '{"state": '), /not valid JSON/],
    ['summary an array', 'result_summary.json', (out) => writeFileSync(join(out, 'result_summary.json'), '[1, 2]'), /not a result_summary\.json/],
    ['summary complete as a string', 'result_summary.json', (out) => writeFileSync(join(out, 'result_summary.json'), JSON.stringify({ ...readJson(join(out, 'result_summary.json')), complete: PAYLOAD })), /"complete" is missing or not true\/false/],
    ['summary a series as a string', 'result_summary.json', (out) => writeFileSync(join(out, 'result_summary.json'), JSON.stringify({ ...readJson(join(out, 'result_summary.json')), ttft: PAYLOAD })), /"ttft" is not an object/],
    ['manifest warnings not a list', 'replay_manifest.json', (out) => writeFileSync(join(out, 'replay_manifest.json'), JSON.stringify({ ...readJson(join(out, 'replay_manifest.json')), warnings: PAYLOAD })), /"warnings" is not a list/],
    ['manifest not JSON', 'replay_manifest.json', (out) => writeFileSync(join(out, 'replay_manifest.json'), PAYLOAD), /not valid JSON/],
    ['a conventions count that is a string', 'conventions.json', (out) => writeFileSync(join(out, 'conventions.json'), JSON.stringify(readJson(join(out, 'conventions.json')).map((r: object) => ({ ...r, count: PAYLOAD })))), /row 1: "count" is not a number/],
    ['steady_state.json without its fields', 'steady_state.json', (out) => writeFileSync(join(out, 'steady_state.json'), JSON.stringify({ steady_state: PAYLOAD })), /not a steady_state\.json/],
    ['a samples table that is not one', 'samples.arrow', (out) => writeFileSync(join(out, 'samples.arrow'), PAYLOAD.repeat(50)), /samples\.arrow: not a readable samples table/],
    ['summary a FIFO', 'result_summary.json', (out) => (rmSync(join(out, 'result_summary.json')), execFileSync('mkfifo', [join(out, 'result_summary.json')])), /is a FIFO \(named pipe\), not a regular file/],
    ['manifest a directory', 'replay_manifest.json', (out) => (rmSync(join(out, 'replay_manifest.json')), mkdirSync(join(out, 'replay_manifest.json'))), /is a directory, not a regular file/],
  ];
  for (const [name, file, spoil, why] of cases) {
    it(`${name}: one line naming ${file}, exit 2, no report`, async () => {
      const { run, out } = copyRun();
      spoil(out);
      const r = await replay(['report', run]);
      expect(r.status, r.stderr).toBe(2);
      const first = r.stderr.split('\n')[0]!;
      expect(first).toContain(join(out, file));
      expect(first).toMatch(why);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(out)).not.toContain('report.html');
    }, 60_000);
  }
});
