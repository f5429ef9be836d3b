/**
 * Uploading messy multi-file exports through the file input: each file is guessed to the right
 * table, the report's per-file accounting and rejected rows match node's ingestFiles on the same
 * files in the same order, and cancelling a large load keeps the earlier data and says so.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, openPage, screenshot } from './browser.ts';
import { FIXTURES, expectAccessible, expectReport, nodeIngest, tableOf } from './helpers.ts';

/** Posts first on purpose: the page must load signups first, keeping each table's order. */
const MESSY = ['posts_web.csv', 'signups_global.csv', 'posts_app.csv', 'signups_cn.csv'];
/** Headers as the "Columns" cell of the pending table shows them (BOM stripped). */
const HEADERS: Record<string, string> = {
  'signups_cn.csv': 'User ID, Sign-up Time, Country, Source',
  'signups_global.csv': 'uid, signup_at, country, note',
  'posts_app.csv': 'post_id, author_id, created_ms, topic, language',
  'posts_web.csv': 'Post ID, uid, Timestamp, Category, Text',
};

/** The page's load order: signups first, each table in the order the files were given. */
const loadOrder = (files: readonly string[]) => [
  ...files.filter((f) => tableOf(f) === 'signups'),
  ...files.filter((f) => tableOf(f) === 'posts'),
];

/**
 * Choose files in the input, check the guessed tables, press "Load N files" (and, when data is
 * loaded already, the choice given: replace it or add to it).
 */
async function uploadAndLoad(
  page: Page,
  files: readonly string[],
  dir = FIXTURES,
  mode?: 'Replace the current data' | 'Add to the current data',
): Promise<void> {
  await page.getByLabel('Choose CSV files').setInputFiles(files.map((f) => path.join(dir, f)));
  const pending = page.locator('table', {
    has: page.locator('caption', { hasText: 'Files to load' }),
  });
  await expect.poll(() => pending.locator('tbody tr').count()).toBe(files.length);
  for (const f of files) {
    expect(await page.getByLabel(`Table for ${f}`).inputValue(), f).toBe(tableOf(f));
  }
  await page
    .getByRole('button', { name: `Load ${files.length} file${files.length > 1 ? 's' : ''}` })
    .click();
  if (mode) {
    const choice = page.getByRole('group', { name: `Load ${files.length} file` });
    expect(await choice.textContent()).toContain('Data is already loaded.');
    await choice.getByRole('button', { name: mode }).click();
  }
}

describe('uploading CSV exports', () => {
  let browser: Browser;
  let tmp: string;
  beforeAll(async () => {
    browser = await launch();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'surgescope-upload-'));
    await writeBigSignups(path.join(tmp, 'signups_big.csv'), 40 * 1024 * 1024);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads four messy files in four dialects with the same accounting as node', async () => {
    const ordered = loadOrder(MESSY);
    const expected = await nodeIngest(ordered.map((f) => ({ path: path.join(FIXTURES, f) })));
    // The fixtures are built to exercise every kind of reject and duplicate.
    expect(expected.files.every((f) => f.rows_rejected > 0)).toBe(true);
    expect(expected.files.filter((f) => f.duplicates > 0).length).toBeGreaterThanOrEqual(3);
    for (const f of expected.files) {
      expect(f.rows_read).toBe(f.rows_loaded + f.rows_rejected + f.duplicates);
      expect(f.error, f.file).toBeUndefined();
    }

    const { page, errors, external } = await openPage(browser, inject('baseUrl'));
    await page
      .getByLabel('Choose CSV files')
      .setInputFiles(MESSY.map((f) => path.join(FIXTURES, f)));
    await page.getByRole('button', { name: 'Load 4 files' }).waitFor();
    for (const f of MESSY) {
      const row = page.locator('tr', { has: page.getByLabel(`Table for ${f}`) });
      expect(await row.locator('td').nth(1).textContent(), f).toBe(HEADERS[f]);
      expect(await page.getByLabel(`Table for ${f}`).inputValue(), f).toBe(tableOf(f));
      // Every required role is found by synonyms: no "Missing:" note.
      expect(await row.textContent(), f).not.toContain('Missing');
    }
    await screenshot(page, 'upload-pending');
    await expectAccessible(page, 'Files to load');
    await page.getByRole('button', { name: 'Load 4 files' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 60_000 });
    await expectReport(page, expected);
    await screenshot(page, 'upload-report');
    await expectAccessible(page, 'Ingest report of the messy upload');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });

  /** Cancel the load in progress once DuckDB reads the big file; wait until it has stopped. */
  async function cancelWhileReading(page: Page, slug: string) {
    const status = page.getByRole('status').filter({ has: page.getByRole('progressbar') });
    await status.waitFor({ timeout: 30_000 });
    // Cancel while DuckDB reads the file: the statement in flight must be interrupted.
    await status.filter({ hasText: 'Reading signups_big.csv' }).waitFor({ timeout: 30_000 });
    await screenshot(page, `upload-progress-${slug}`);
    await status.getByRole('button', { name: 'Cancel' }).click();
    await status.waitFor({ state: 'detached', timeout: 60_000 });
    await screenshot(page, `upload-cancelled-${slug}`);
    const alerts = await page.getByRole('alert').allTextContents();
    expect(
      alerts.some((t) => /loading was cancelled/i.test(t)),
      `a message that the load was cancelled; alerts shown: ${JSON.stringify(alerts)}`,
    ).toBe(true);
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 10_000 });
  }

  /**
   * Cancel a large load started over loaded data (once the views are prepared): the earlier
   * data and report stay, and the page says the load was cancelled, whether it adds or replaces.
   */
  for (const [mode, slug] of [
    ['Add to the current data', 'add'],
    ['Replace the current data', 'replace'],
  ] as const) {
    it(`cancels a large load (${mode}) and keeps the data loaded before it`, async () => {
      const small = ['signups_cn.csv', 'posts_app.csv'];
      const expected = await nodeIngest(small.map((f) => ({ path: path.join(FIXTURES, f) })));
      const { page, errors } = await openPage(browser, inject('baseUrl'));
      await uploadAndLoad(page, small);
      await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 60_000 });
      await expectReport(page, expected);
      await page.getByText('The views are ready.').waitFor({ timeout: 60_000 });

      await uploadAndLoad(page, ['signups_big.csv'], tmp, mode);
      await cancelWhileReading(page, slug);
      // The earlier report is still the one shown, and nothing of the big file is listed.
      await expectReport(page, expected);
      expect(errors).toEqual([]);
    });
  }
});

/** A signups CSV of about `bytes` bytes, written in chunks. */
async function writeBigSignups(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => out.write(s, (err) => (err ? reject(err) : resolve())));
  await write('user_id,signup_at,country,source\n');
  let size = 0;
  let i = 0;
  const start = Date.UTC(2025, 0, 1);
  while (size < bytes) {
    const lines: string[] = [];
    for (let j = 0; j < 10_000; j++, i++) {
      const t = new Date(start + i * 7_000).toISOString();
      lines.push(`big_${String(i).padStart(8, '0')},${t},${i % 2 ? 'CN' : 'US'},app_store`);
    }
    const chunk = lines.join('\n') + '\n';
    size += chunk.length;
    await write(chunk);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}
