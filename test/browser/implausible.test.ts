/**
 * Issue 11 point 7: rows whose timestamps lie outside 2000-01-01..2099-12-31 (epoch 0, 9999-12-31,
 * 0001-01-01) are loaded and counted, left out of the charts, and every analysis view says so.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import path from 'node:path';
import { launch, openPage } from './browser.ts';
import { FIXTURES, T, showView } from './helpers.ts';

const FILES = ['signups_implausible.csv', 'posts_implausible.csv'];

describe('implausible timestamps', () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launch()));
  afterAll(async () => browser?.close());

  it('are counted in the report and named above every analysis view', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page
      .getByLabel('Choose CSV files')
      .setInputFiles(FILES.map((f) => path.join(FIXTURES, f)));
    await page.getByRole('button', { name: 'Load 2 files' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor(T);
    expect(await page.getByTestId('fact-signups').textContent()).toBe('202');
    expect(await page.getByTestId('fact-implausible').textContent()).toBe('2 signups, 1 posts');
    // The data's span is the plausible rows' own.
    expect(await page.getByTestId('implausible-notice').count()).toBe(0);
    for (const view of ['Waves', 'Content mix', 'Retention'] as const) {
      await showView(page, view);
      expect(await page.getByTestId('implausible-notice').textContent(), view).toMatch(
        /^Left out of these charts: 2 signups and 1 post with a timestamp outside 2000-01-01\.\.2099-12-31 \(UTC\)/,
      );
    }
    // The Waves axis runs over January 2025 only, not from 1970.
    await showView(page, 'Waves');
    const ticks = await page
      .locator(
        'figure[aria-label^="Signups over time"] [data-export="main"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value',
      )
      .allTextContents();
    const dated = ticks.filter((t) => t !== '');
    expect(dated.length).toBeGreaterThan(1);
    expect(dated.filter((t) => !t.startsWith('2025-01'))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
