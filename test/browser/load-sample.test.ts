import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { launch, openPage, screenshot } from './browser.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';

const SAMPLE = 'data/sample';

describe('the first page', () => {
  let browser: Browser;
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
    expect(await page.getByTestId('fact-end').textContent()).toBe(expected.dataset_end);
    const rows = await page.getByTestId('files-table').locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(expected.files.length);
    for (const f of expected.files) {
      const row = page.getByTestId('files-table').locator('tbody tr', { hasText: f.file });
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(1).map((c) => Number(c.replaceAll(',', '')))).toEqual([
        f.rows_read,
        f.rows_loaded,
        f.rows_rejected,
        f.duplicates,
      ]);
    }
    await screenshot(page, 'ingest-report');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
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
