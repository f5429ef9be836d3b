/** Launch Debian's Chromium with the flags this machine and CI need, and collect console errors. */
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Record a page's console errors, page errors and any request leaving localhost. */
export function watch(page: Page): { errors: string[]; external: string[] } {
  const errors: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (
      !['127.0.0.1', 'localhost'].includes(u.hostname) &&
      !['data:', 'blob:'].includes(u.protocol)
    )
      external.push(r.url());
  });
  return { errors, external };
}

export const VIEWPORT = { width: 1280, height: 900 };

/** A page (in a fresh context) that records console errors, page errors and external requests. */
export async function openPage(browser: Browser, url: string) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const { errors, external } = watch(page);
  await page.goto(url);
  return { page, errors, external };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}
