import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { IngestReport } from '../../src/ingest/report.ts';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { launch, openPage, screenshot } from './browser.ts';
import { expectReport, reportTime } from './helpers.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';

const SAMPLE = 'data/sample';

describe('the first page', () => {
  let browser: Browser;
  let samplePage: Page | undefined;
  let sampleExpected: IngestReport | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('loads the sample into duckdb-wasm in a worker and shows the same report as node', async () => {
    const files = readdirSync(SAMPLE)
      .filter((f) => f.endsWith('.csv'))
      .sort();
    const ordered = [
      ...files.filter((f) => f.startsWith('signups')),
      ...files.filter((f) => !f.startsWith('signups')),
    ];
    const engine = await openNodeEngine({ allowedPaths: ordered.map((f) => path.join(SAMPLE, f)) });
    const expected = await ingestFiles(
      engine,
      ordered.map((f) => ({
        input: pathInput(path.join(SAMPLE, f)),
        options: { table: f.startsWith('signups') ? 'signups' : 'posts' },
      })),
    );
    await engine.close();

    const { page, errors, external } = await openPage(browser, inject('baseUrl'));
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('fact-signups').textContent()).toBe(
      expected.signups.toLocaleString('en-US'),
    );
    expect(await page.getByTestId('fact-posts').textContent()).toBe(
      expected.posts.toLocaleString('en-US'),
    );
    expect(await page.getByTestId('fact-end').textContent()).toBe(reportTime(expected.dataset_end));
    const rows = await page.getByTestId('files-table').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(expected.files.length);
    for (const f of expected.files) {
      const row = page.getByTestId('files-table').locator('tbody tr', { hasText: f.file });
      expect(await row.locator('th').textContent()).toBe(f.file);
      // Table, read, loaded, rejected, duplicates (then the Remove button).
      const cells = (await row.locator('td').allTextContents()).slice(0, 5);
      expect([cells[0], ...cells.slice(1).map((c) => Number(c.replaceAll(',', '')))]).toEqual([
        f.table,
        f.rows_read,
        f.rows_loaded,
        f.rows_rejected,
        f.duplicates,
      ]);
    }
    await screenshot(page, 'ingest-report');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    sampleExpected = expected;
    samplePage = page;
  });

  // Known app bug: the sample is registered with duckdb-wasm as a buffer, which the worker takes
  // over (the ArrayBuffer is transferred), so the scan that finds each reject's line and text,
  // and the line map, reads nothing: the report counts the rejects but lists none, and the
  // duplicates download is empty (a file from the input has both).
  it('lists every rejected row of the sample with its text, and downloads its duplicates', async () => {
    const page = samplePage;
    if (!page || !sampleExpected) throw new Error('runs on the page of the previous test');
    const web = sampleExpected.files.find((f) => f.file === 'signups_web.csv');
    expect(web?.duplicates).toBeGreaterThan(0);
    const details = page.locator('details.file-details', {
      has: page.locator('summary', { hasText: 'signups_web.csv:' }),
    });
    await details.locator('summary').click();
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      details.getByRole('button', { name: 'Download duplicates of signups_web.csv (CSV)' }).click(),
    ]);
    const lines = readFileSync(await dl.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe('Line,User ID,Kept in file,Kept on line');
    expect(lines.length - 1, 'duplicate rows in the download').toBe(web?.duplicates);
    expect(sampleExpected.files.some((f) => f.rejects.length > 0)).toBe(true);
    await expectReport(page, sampleExpected);
  });

  it('keeps SQL away from the network: an http read fails at once without a request', async () => {
    const { page, external } = await openPage(browser, inject('baseUrl'));
    // A string, so the test runner does not rewrite the dynamic import for node.
    const message = await page.evaluate<string>(`(async () => {
      const { browserEngine } = await import('/src/db/browser-engine.ts');
      const engine = await browserEngine();
      try {
        await engine.query("SELECT * FROM read_csv('https://example.com/data.csv')");
        return 'no error';
      } catch (e) {
        return e.message;
      }
    })()`);
    expect(message).toMatch(/Permission|disabled/);
    expect(external).toEqual([]);
  });
});
