// A real headless Chromium for the page tests, from npm: @sparticuz/chromium
// ships the binary inside the package (unpacked to the temp dir on first use),
// driven by playwright-core. Nothing is installed outside node_modules.
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

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
