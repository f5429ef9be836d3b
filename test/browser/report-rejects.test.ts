/**
 * Issue 9: the ingest report shows every listed reject with its line, reason and the record's
 * text, for each kind of reject (too many fields, too few, empty user id, empty time, bad time,
 * a quote never closed); and each file's duplicates download as CSV with the line of the
 * duplicate and the file and line of the row kept. Everything is compared with node's ingest.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { launch, openPage, screenshot } from './browser.ts';
import { FIXTURES, T, expectReport, tableOf } from './helpers.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { duplicateRows } from '../../src/ingest/duplicates.ts';
import type { DuplicateRow } from '../../src/ingest/duplicates.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import type { IngestReport } from '../../src/ingest/report.ts';

const INGEST = 'test/fixtures/ingest';
/** Signups first, as the page loads them. */
const FILES = [
  path.join(FIXTURES, 'signups_rejects.csv'),
  path.join(INGEST, 'signups_ragged.csv'),
  path.join(INGEST, 'signups_rereg_1.csv'),
  path.join(INGEST, 'posts_overlap_a.csv'),
  path.join(INGEST, 'posts_overlap_b.csv'),
];
const KINDS = [
  /^wrong number of fields: expected 3, found 4$/,
  /^wrong number of fields: expected 3, found 2$/,
  /^empty user_id/,
  /^empty signup_at/,
  /^unparseable signup_at "not a time"/,
  /^a quoted field is never closed/,
];

/** Node's report and every file's duplicates (with the kept row's file and line). */
async function nodeReference(): Promise<{
  report: IngestReport;
  duplicates: Map<string, DuplicateRow[]>;
}> {
  const engine = await openNodeEngine({ allowedPaths: FILES });
  try {
    const report = await ingestFiles(
      engine,
      FILES.map((f) => ({ input: pathInput(f), options: { table: tableOf(f) } })),
    );
    const duplicates = new Map<string, DuplicateRow[]>();
    for (const f of report.files)
      if (f.duplicates > 0 && f.table && f.file_id !== undefined)
        duplicates.set(f.file, await duplicateRows(engine, f.table, f.file_id));
    return { report, duplicates };
  } finally {
    await engine.close();
  }
}

describe('rejects and duplicates in the report', () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launch()));
  afterAll(async () => browser?.close());

  it('lists every reject with its text, and downloads each file’s duplicates', async () => {
    const { report, duplicates } = await nodeReference();
    const reasons = report.files.flatMap((f) => f.rejects.map((r) => r.reason));
    for (const kind of KINDS)
      expect(
        reasons.some((r) => kind.test(r)),
        String(kind),
      ).toBe(true);
    expect(duplicates.size).toBeGreaterThanOrEqual(3);

    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByLabel('Choose CSV files').setInputFiles(FILES);
    await page.getByRole('button', { name: `Load ${FILES.length} files` }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor(T);
    await expectReport(page, report);

    // Every listed reject shows the record's text, whatever its kind.
    const rows = await page
      .locator('table.rejects tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    expect(rows.length).toBe(report.files.reduce((n, f) => n + f.rejects.length, 0));
    for (const [line, reason, text] of rows)
      expect((text ?? '').trim().length, `line ${line}: ${reason}`).toBeGreaterThan(0);
    for (const kind of KINDS)
      expect(
        rows.some((r) => kind.test(r[1] ?? '')),
        String(kind),
      ).toBe(true);
    await page.locator('details.file-details').first().locator('summary').click();
    await screenshot(page, 'report-rejects');

    for (const [file, expected] of duplicates) {
      const table = tableOf(file);
      const details = page.locator('details.file-details', {
        has: page.locator('summary', { hasText: `${file}:` }),
      });
      if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open)))
        await details.locator('summary').click();
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        details.getByRole('button', { name: `Download duplicates of ${file} (CSV)` }).click(),
      ]);
      expect(dl.suggestedFilename()).toBe(`${file.replace(/\.csv$/, '')}-duplicates.csv`);
      const csv = Papa.parse<string[]>(readFileSync(await dl.path(), 'utf8').trim(), {
        skipEmptyLines: true,
      }).data;
      const key = table === 'signups' ? 'User ID' : 'Post ID';
      expect(csv[0], file).toEqual(['Line', key, 'Kept in file', 'Kept on line']);
      expect(csv.slice(1), file).toEqual(
        expected.map((d) => [
          String(d.line),
          d.key,
          d.kept_file ?? '',
          d.kept_line === null ? '' : String(d.kept_line),
        ]),
      );
      expect(csv.length - 1, file).toBe(report.files.find((f) => f.file === file)?.duplicates);
    }
    expect(errors).toEqual([]);
  });
});
