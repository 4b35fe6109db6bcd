// The page shell every replay HTML page uses (report.html, compare pages):
// one self-contained file that works offline from file://. Charts are shown
// as static SVG rendered here with vega (headless) and replaced in the browser
// by live, interactive Vega views (tooltips, zoom/pan) when script runs. The
// only script is the bundled vega runtime (vega-runtime.js, built by
// scripts/bundle.mjs), inlined and allowed by its sha256 in the page's
// Content-Security-Policy; nothing else may run, load or connect.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { builtSibling } from '../../base/distPath.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { loadVega } from '../vega.js';

export { escapeHtml, jsonForScript } from './escape.js';

/** A Vega-Lite spec (charts.ts builds them). */
export type VegaLiteSpec = Record<string, unknown>;

/** One chart ready for a page: its compiled Vega spec (for the live view) and its static SVG (the fallback). */
export interface PageChart {
  id: string;
  vega: Record<string, unknown>;
  svg: string;
  /** The spec's title, when it is a string (the figure's accessible name). */
  title: string | null;
}

const CHART_ID = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Compiles `spec` to Vega and renders its static SVG. `id`: lower-case letters, digits, `_` or `-`, unique in the page.
 * Per-mark ARIA labels are off unless `opts.markAria` (on a chart of thousands of marks they are most of
 * the page's bytes); the figure is labelled by the chart's title instead.
 */
export async function prepareChart(id: string, spec: VegaLiteSpec, opts: { markAria?: boolean } = {}): Promise<PageChart> {
  if (!CHART_ID.test(id)) throw new Error(`chart id ${JSON.stringify(id)}: use lower-case letters, digits, _ or -`);
  const [vl, vega] = await loadVega();
  const config = { ...(opts.markAria ? {} : { aria: false }), ...((spec['config'] as Record<string, unknown> | undefined) ?? {}) };
  const compiled = vl.compile({ ...spec, config } as never).spec as unknown as Record<string, unknown>;
  const view = new vega.View(vega.parse(compiled as never), { renderer: 'none' });
  const svg = roundGeometry(await view.toSVG());
  view.finalize();
  const title = spec['title'];
  return { id, vega: roundData(compiled), svg, title: typeof title === 'string' ? title : null };
}

/** Data values to 7 significant digits (what a tooltip shows): a page of thousands of points halves. */
function roundData(spec: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) ? Number(v.toPrecision(7)) : v))) as Record<string, unknown>;
}

/** Coordinates in the static SVG's geometry attributes to 0.1 px (vega writes 15 digits); text is left alone. */
function roundGeometry(svg: string): string {
  return svg.replace(/(\s(?:d|transform|points|x|y|x1|x2|y1|y2|width|height)=")([^"]*)"/g, (_m, attr: string, value: string) => `${attr}${value.replace(/(\d+\.\d)\d+/g, '$1')}"`);
}

/** A chart's place in the page body: the static SVG until the runtime replaces it with the live view. */
export function chartFigure(chart: PageChart, opts: { caption?: string; wide?: boolean } = {}): string {
  const cls = opts.wide ? 'chart wide' : 'chart';
  const caption = opts.caption ? `<figcaption>${escapeHtml(opts.caption)}</figcaption>` : '';
  const label = chart.title ? ` aria-label="${escapeHtml(chart.title)}"` : '';
  return `<figure class="${cls}"${label}><div class="chart-holder" data-chart="${escapeHtml(chart.id)}"><div class="chart-fallback">${chart.svg}</div></div>${caption}</figure>`;
}

/** Styles shared by every page: cards, a responsive grid of charts, tables, badges. */
export const BASE_CSS = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#dde2ea;--bg:#f6f8fb;--card:#fff;--ok:#1e7b34;--warn:#a85a00;--bad:#b3261e;--accent:#2f5fb3}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:var(--fg);background:var(--bg)}
main{max-width:1480px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px}h3{font-size:14px;margin:16px 0 6px}
.muted{color:var(--muted)}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:12px;vertical-align:middle;color:#fff}
.badge.complete{background:var(--ok)}.badge.rescued{background:var(--accent)}.badge.incomplete{background:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin:14px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card .k{color:var(--muted);font-size:12px}.card .v{font-size:20px;font-weight:600;margin-top:2px}.card .u{font-size:12px;color:var(--muted);font-weight:400}
.identity{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:4px 24px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.identity div{display:flex;gap:8px;min-width:0}.identity dt{color:var(--muted);flex:0 0 150px}.identity dd{margin:0;min-width:0;overflow-wrap:anywhere}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:16px}
.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px;overflow-x:auto}
.chart.wide{grid-column:1/-1}.chart figcaption{color:var(--muted);font-size:12px;margin-top:4px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;margin:6px 0 16px;background:var(--card)}
td,th{border:1px solid var(--line);padding:4px 8px;text-align:right;white-space:nowrap}
th{background:#eef1f6;text-align:left;font-weight:600}td.l{text-align:left;white-space:normal}
.warn{color:var(--warn)}.bad{color:var(--bad)}.good{color:var(--ok)}
ul.notes{margin:6px 0 12px;padding-left:20px}
.replay-tooltip{position:fixed;z-index:10;display:none;pointer-events:none;background:#fff;border:1px solid #99a;border-radius:4px;padding:4px 8px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.15);max-width:420px}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

let runtime: { code: string; hash: string } | null = null;

/** The bundled vega runtime and its CSP hash (read once). */
export function vegaRuntime(): { code: string; hash: string } {
  if (!runtime) {
    const code = readFileSync(builtSibling(import.meta.url, 'vega-runtime.js'), 'utf8');
    // An inline script ends at the first `</script`; the bundle must not contain one.
    if (/<\/script|<!--/i.test(code)) throw new Error('vega-runtime.js contains </script or <!--: it cannot be inlined');
    runtime = { code, hash: createHash('sha256').update(code, 'utf8').digest('base64') };
  }
  return runtime;
}

/**
 * The page's CSP: no source at all by default; script only the inlined code
 * with these sha256 hashes (base64); inline style; images only as data: URLs.
 */
export function contentSecurityPolicy(scriptHashes: string[]): string {
  const scripts = scriptHashes.length ? scriptHashes.map((h) => `'sha256-${h}'`).join(' ') : "'none'";
  return `default-src 'none'; script-src ${scripts}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
}

export interface PageOptions {
  title: string;
  /** The page body's HTML: every value from a file already escaped (escapeHtml). */
  body: string;
  /** The charts placed in `body` with chartFigure; without any, the page has no script at all. */
  charts: PageChart[];
  /** Styles added after BASE_CSS. */
  css?: string;
}

/** The whole page. */
export function renderPage(opts: PageOptions): string {
  const ids = new Set<string>();
  for (const c of opts.charts) {
    if (ids.has(c.id)) throw new Error(`chart id ${c.id} used twice in one page`);
    ids.add(c.id);
  }
  const rt = opts.charts.length ? vegaRuntime() : null;
  const specs = Object.fromEntries(opts.charts.map((c) => [c.id, c.vega]));
  const scripts = rt ? `<script type="application/json" id="replay-charts">${jsonForScript(specs)}</script>\n<script>${rt.code}</script>\n` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(rt ? [rt.hash] : []))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(opts.title)}</title>
<style>${BASE_CSS}${opts.css ?? ''}</style>
</head><body><main>
${opts.body}
</main>
${scripts}</body></html>
`;
}
