// The page shell (src/output/html/page.ts): escaping, the CSP's hash of exactly
// the inlined script, and a page with a chart that goes live in real Chromium
// under that CSP, offline, with a text tooltip.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartFigure, escapeHtml, jsonForScript, prepareChart, renderPage } from '../../src/output/html/page.js';
import { launchBrowser, openOffline } from '../helpers/browser.js';

describe('escaping', () => {
  it('escapes text and attribute values', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&amp;`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;amp;');
    expect(escapeHtml(42)).toBe('42');
  });
  it('keeps JSON inside a script element from ending it, and parses back to the same value', () => {
    const value = { s: '</script><script>alert(1)</script><!-- \u2028 & >' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('page shell', () => {
  const spec = {
    width: 300,
    height: 200,
    data: { values: [{ x: 1, y: 2 }, { x: 2, y: 5 }, { x: 3, y: 3 }] },
    params: [{ name: 'zoom', select: 'interval', bind: 'scales' }],
    mark: { type: 'point', size: 400, filled: true, tooltip: true },
    encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
  };

  it('allows by CSP hash exactly the scripts it inlines', async () => {
    const chart = await prepareChart('points', spec);
    const html = renderPage({ title: 'a <title>', body: chartFigure(chart, { caption: 'cap <b>' }), charts: [chart] });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    const executable = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(executable).toHaveLength(1);
    const hashes = [...csp.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
    expect(hashes).toEqual(executable.map((code) => createHash('sha256').update(code).digest('base64')));
    expect(html).toContain('<title>a &lt;title&gt;</title>');
    expect(html).toContain('cap &lt;b&gt;');
    // Without charts there is no script at all.
    expect(renderPage({ title: 't', body: '<p>x</p>', charts: [] })).toMatch(/script-src 'none'|script-src &#39;none&#39;/);
  });

  it('goes live in Chromium offline from file://: no request, no console error, tooltip on hover', async () => {
    const chart = await prepareChart('points', spec);
    const dir = mkdtempSync(join(tmpdir(), 'page-'));
    writeFileSync(join(dir, 'p.html'), renderPage({ title: 't', body: chartFigure(chart), charts: [chart] }));
    const browser = await launchBrowser();
    try {
      const { page, problems, requests } = await openOffline(browser, join(dir, 'p.html'));
      expect(await page.evaluate(() => document.documentElement.dataset['chartsRendered'])).toBe('1');
      expect(await page.locator('.chart-fallback').count()).toBe(0);
      // The second point, (2, 5): its tooltip lists its fields.
      await page.locator('.vega-live .mark-symbol path').nth(1).hover();
      await expect.poll(() => page.locator('.replay-tooltip').innerText()).toBe('x: 2\ny: 5');
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
