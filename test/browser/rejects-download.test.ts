import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { launch, openPage } from './browser.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';

const FILE = path.resolve('data/sample/signups_app.csv');

describe('rejected rows download', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('downloads every rejected row of a file as CSV with the lines and reasons of the report', async () => {
    const engine = await openNodeEngine({ allowedPaths: [FILE] });
    const expected = (
      await ingestFiles(engine, [{ input: pathInput(FILE), options: { table: 'signups' } }])
    ).files[0];
    await engine.close();
    expect(expected?.rejects.length).toBeGreaterThan(0);

    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByLabel('Choose CSV files').setInputFiles([FILE]);
    await page.getByRole('button', { name: /^Load 1 file$/ }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 60_000 });
    await page.locator('summary', { hasText: 'signups_app.csv:' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rejected rows of signups_app.csv (CSV)' }).click(),
    ]);
    const text = readFileSync((await download.path()) as string, 'utf8');
    const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['Line', 'Reason', 'Text']);
    expect(rows.slice(1).map((r) => [Number(r[0]), r[1], r[2]])).toEqual(
      expected?.rejects.map((r) => [r.line, r.reason, r.raw ?? '']),
    );
    // Each reject's text is the record as it stands in the file.
    expect(rows.slice(1).every((r) => (r[2] ?? '').length > 0)).toBe(true);
    expect(errors).toEqual([]);
  });
});
