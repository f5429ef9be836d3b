/**
 * Issue 9 (workspace): two signup exports that name the same segment differently ("Country" and
 * "country_code", "Acquisition Source" and "source") are merged into one column each, so a
 * breakdown by country holds both files' values and no "(missing)" for either.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { launch, openPage, screenshot } from './browser.ts';
import {
  FIXTURES,
  T,
  control,
  expectReport,
  idle,
  nodeIngest,
  showView,
  tableOf,
} from './helpers.ts';

const FILES = ['signups_merge_a.csv', 'signups_merge_b.csv', 'posts_merge.csv'];

/** Users per value of a column across the fixtures, read with a CSV parser. */
function usersBy(columns: Record<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [file, header] of Object.entries(columns)) {
    const rows = Papa.parse<Record<string, string>>(
      readFileSync(path.join(FIXTURES, file), 'utf8'),
      { header: true, skipEmptyLines: true },
    ).data;
    for (const r of rows) {
      const v = r[header] ?? '';
      out.set(v, (out.get(v) ?? 0) + 1);
    }
  }
  return out;
}

const legendOf = (p: Page, column: string) =>
  p
    .locator(`figure[aria-label="Signups by ${column}, stacked"] .recharts-legend-item-text`)
    .allTextContents();

describe('merged segment columns', () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launch()));
  afterAll(async () => browser?.close());

  it('one country and one source column across two exports, no "(missing)"', async () => {
    const expected = await nodeIngest(FILES.map((f) => ({ path: path.join(FIXTURES, f) })));
    const countries = usersBy({
      'signups_merge_a.csv': 'Country',
      'signups_merge_b.csv': 'country_code',
    });
    const sources = usersBy({
      'signups_merge_a.csv': 'Acquisition Source',
      'signups_merge_b.csv': 'source',
    });
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page
      .getByLabel('Choose CSV files')
      .setInputFiles(FILES.map((f) => path.join(FIXTURES, f)));
    for (const f of FILES)
      expect(await page.getByLabel(`Table for ${f}`).inputValue()).toBe(tableOf(f));
    await page.getByRole('button', { name: 'Load 3 files' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor(T);
    await expectReport(page, expected);
    // The report names the column each header was stored under.
    const mappings = await page.locator('.mapping-used').allTextContents();
    expect(mappings[0]).toContain('Country → segment country; Acquisition Source → segment source');
    expect(mappings[1]).toContain('country_code → segment country; source → segment source');

    await page.getByRole('button', { name: 'Go to Waves' }).click();
    await showView(page, 'Waves', false);
    const by = control(page, 'Break down signups by');
    expect(await by.locator('option').allTextContents()).toEqual(['(none)', 'country', 'source']);

    for (const [column, values] of [
      ['country', countries],
      ['source', sources],
    ] as const) {
      await by.selectOption(column);
      await page.locator(`figure[aria-label="Signups by ${column}, stacked"]`).waitFor(T);
      await idle(page);
      const legend = await legendOf(page, column);
      expect(legend, column).not.toContain('(missing)');
      expect([...legend].sort(), column).toEqual([...values.keys()].sort());
      await screenshot(page, `merged-breakdown-${column}`);
    }

    // The filter lists each merged value once, with the users of both files.
    await page
      .getByRole('group', { name: 'Filters' })
      .getByLabel('Add a filter')
      .selectOption('signups.country');
    const list = page.getByRole('list', { name: 'Values of country' });
    await list.getByRole('checkbox').first().waitFor(T);
    const listed = await list
      .locator('li label')
      .evaluateAll((ls) =>
        ls.map((l) => [
          l.querySelector('.cell-text')?.textContent ?? '',
          (l.querySelector('.muted')?.textContent ?? '').trim(),
        ]),
      );
    expect(Object.fromEntries(listed)).toEqual(
      Object.fromEntries([...countries].map(([v, n]) => [v, `${n} users`])),
    );
    expect(errors).toEqual([]);
  });
});
