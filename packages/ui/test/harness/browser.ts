/**
 * @module
 * A real browser for the tests: Debian's chromium (`scripts/chromium.sh`
 * finds it, installing the package when it is missing; never a download),
 * driven by playwright-core, headless. A page's uncaught errors and
 * console errors are collected, so a test can check there were none.
 * Screenshots go to `.cache/screenshots/` (CI keeps them).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO, SHOTS } from './project.ts';

let path: string | undefined;

/** The chromium binary. */
export function chromiumPath(): string {
  path ??= execFileSync('bash', [join(REPO, 'scripts/chromium.sh')], { encoding: 'utf8' }).trim();
  return path;
}

/** Starts a headless chromium (without its sandbox when running as root, which it refuses otherwise). */
export function launch(): Promise<Browser> {
  const root = process.getuid?.() === 0;
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: root ? ['--no-sandbox'] : [],
  });
}

/** A new page whose errors are collected into `errors`. */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused request (401, 404) is logged by the browser; the tests expect some.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`console: ${m.text()}`);
  });
  return { page, errors };
}

/** Saves a screenshot of the page as `.cache/screenshots/<name>.png`. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
