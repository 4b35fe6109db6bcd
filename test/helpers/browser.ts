// A real headless Chromium for the page tests, from npm: @sparticuz/chromium
// ships the binary inside the package (unpacked to the temp dir on first use),
// driven by playwright-core. Nothing is installed outside node_modules.
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The package's own flag list is made for AWS Lambda and turns web security
 * off (--disable-web-security, ...); the pages under test must run under the
 * browser's normal rules (CSP included), so only these are passed: no sandbox
 * (root in a container), software GL, and nothing that reaches the network.
 */
const ARGS = [
  '--no-sandbox',
  '--no-zygote',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await sparticuz.executablePath(), args: ARGS, headless: true });
}

export interface OfflinePage {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every request other than the page's own file: each was refused. */
  requests: string[];
}

/**
 * Opens `file` (an absolute path) offline: every request but the page's own
 * file is refused and recorded; console errors/warnings and page errors are
 * collected; resolves once the page says its charts are rendered (or failed).
 */
export async function openOffline(browser: Browser, file: string, viewport?: { width: number; height: number }): Promise<OfflinePage> {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.documentElement.dataset['chartsRendered'] !== undefined, null, { timeout: 60_000 });
  return { page, problems, requests };
}
