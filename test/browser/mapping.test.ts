/**
 * The mapping dialog ("Map columns for <file>"): a posts file whose category column has an
 * unrecognised header is refused until "Role of kind" is set to category, and a signups file of
 * naive China times is shifted by -8 h once its "Time zone of naive timestamps" is Asia/Shanghai.
 * The numbers are checked against node's ingestFiles with the same overrides.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { launch, openPage, screenshot } from './browser.ts';
import { FIXTURES, expectAccessible, expectReport, nodeIngest } from './helpers.ts';

/** Choose one fixture in the file input and wait for its row in "Files to load". */
async function choose(page: Page, file: string): Promise<void> {
  await page.getByLabel('Choose CSV files').setInputFiles(path.join(FIXTURES, file));
  await page.getByLabel(`Table for ${file}`).waitFor();
}

/** The row of a pending file in the "Files to load" table. */
const pendingRow = (page: Page, file: string) =>
  page.locator('tr', { has: page.getByLabel(`Table for ${file}`) });

/** Open the mapping dialog of a pending file. */
async function openDialog(page: Page, file: string) {
  await page.getByRole('button', { name: `Map columns for ${file}` }).click();
  const dialog = page.getByRole('dialog', { name: `Columns of ${file}` });
  await dialog.waitFor();
  return dialog;
}

describe('the column mapping dialog', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('maps an unrecognised "kind" header to category, so the posts file loads', async () => {
    const file = 'posts_kind.csv';
    const refused = await nodeIngest([
      { path: path.join(FIXTURES, file), options: { table: 'posts' } },
    ]);
    expect(refused.files[0]?.error).toMatch(/Missing required column for posts: category/);
    const expected = await nodeIngest([
      {
        path: path.join(FIXTURES, file),
        options: { table: 'posts', overrides: { category: 'kind' } },
      },
    ]);
    expect(expected.files[0]?.error).toBeUndefined();
    expect(expected.files[0]?.rows_loaded).toBeGreaterThan(0);

    const { page, errors, external } = await openPage(browser, inject('baseUrl'));
    await choose(page, file);
    expect(await page.getByLabel(`Table for ${file}`).inputValue()).toBe('posts');
    expect(await pendingRow(page, file).textContent()).toContain('Missing: category');

    // Cancel leaves the mapping as it was.
    let dialog = await openDialog(page, file);
    await dialog.getByLabel('Role of kind').selectOption('category');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await pendingRow(page, file).textContent()).toContain('Missing: category');

    dialog = await openDialog(page, file);
    // The preview shows the first rows under the file's headers.
    const preview = dialog.locator('table');
    expect(await preview.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await preview.locator('tbody tr').first().textContent()).toContain('k_001');
    const role = dialog.getByLabel('Role of kind');
    const options = await role.locator('option').allTextContents();
    for (const o of ['segment', 'leave out', 'user_id', 'created_at', 'category', 'post_id']) {
      expect(options, `options of "Role of kind"`).toContain(o);
    }
    expect(await role.inputValue()).toBe('segment');
    expect(await dialog.getByLabel('Role of user_id').inputValue()).toBe('user_id');
    expect(await dialog.getByLabel('Role of created_at').inputValue()).toBe('created_at');
    expect(await dialog.getByLabel('Role of post_id').inputValue()).toBe('post_id');
    await role.selectOption('category');
    await screenshot(page, 'mapping-dialog');
    await expectAccessible(page, 'the mapping dialog');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await pendingRow(page, file).textContent()).not.toContain('Missing');

    await page.getByRole('button', { name: 'Load 1 file' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 60_000 });
    await expectReport(page, expected);
    expect(await page.getByTestId('files-table').locator('tr.has-error').count()).toBe(0);
    // The report names the mapping used: kind fed the category role.
    expect(await page.locator('.mapping-used').textContent()).toContain('kind → category');
    // The categories come from the "kind" column, not "(none)". (A string, so the test runner
    // does not rewrite the dynamic import for node.)
    const categories = await page.evaluate<string[]>(`(async () => {
      const { browserEngine } = await import('/src/db/browser-engine.ts');
      const rows = await (await browserEngine()).query(
        'SELECT DISTINCT category FROM posts ORDER BY category');
      return rows.map((r) => r.category);
    })()`);
    expect(categories).toEqual(['meme', 'outfit', 'recipe']);
    await screenshot(page, 'mapping-kind-loaded');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });

  it('reads naive timestamps in the chosen zone: Asia/Shanghai shifts them by -8 h', async () => {
    const file = 'signups_naive.csv';
    const input = { path: path.join(FIXTURES, file) };
    const utc = await nodeIngest([{ ...input, options: { table: 'signups' } }]);
    const expected = await nodeIngest([
      { ...input, options: { table: 'signups', timeZone: 'Asia/Shanghai' } },
    ]);
    // The latest naive time in the file is 2025-01-20 05:30:00 (China), 21:30 UTC the day before.
    expect(utc.dataset_end).toBe('2025-01-20T05:30:00Z');
    expect(expected.dataset_end).toBe('2025-01-19T21:30:00Z');

    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await choose(page, file);
    expect(await page.getByLabel(`Table for ${file}`).inputValue()).toBe('signups');
    const dialog = await openDialog(page, file);
    expect(await dialog.getByTestId('timestamp-format').textContent()).toMatch(/without offset/);
    const zone = dialog.getByLabel('Time zone of naive timestamps');
    expect(await zone.inputValue()).toBe('UTC');
    // A searchable zone field: an unknown zone says so and is not applied; a known one is.
    await zone.fill('Asia/Nowhere');
    expect(await dialog.getByRole('alert').textContent()).toContain(
      '"Asia/Nowhere" is not a time zone this browser knows.',
    );
    await zone.fill('Asia/Shanghai');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Reopening shows the zone that was applied.
    const again = await openDialog(page, file);
    expect(await again.getByLabel('Time zone of naive timestamps').inputValue()).toBe(
      'Asia/Shanghai',
    );
    await page.keyboard.press('Escape');
    await again.waitFor({ state: 'hidden' });
    // Esc sends focus back to the button that opened the dialog, not to the top of the page.
    expect(
      await page.evaluate(() =>
        (document.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ),
    ).toBe(`Map columns for ${file}`);

    await page.getByRole('button', { name: 'Load 1 file' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('fact-end').textContent()).toBe('2025-01-19 21:30:00 UTC');
    await expectReport(page, expected);
    const shift =
      Date.parse(expected.dataset_end as string) - Date.parse(utc.dataset_end as string);
    expect(shift).toBe(-8 * 3_600_000);
    expect(errors).toEqual([]);
  });
});
