/**
 * Issue 9 (workspace): the data and the view are kept in the browser's private storage (OPFS)
 * across reloads; loading over data asks whether to replace it or add to it; a loaded file can
 * be removed, and the counts become those of the remaining files; one tab at a time holds the
 * stored data, and a second tab can take it over. Counts are node's on the same files.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { VIEWPORT, launch, openPage, screenshot, watch } from './browser.ts';
import {
  T,
  TRIANGLE_CELLS,
  expectFacts,
  expectFiles,
  idle,
  loadSample,
  nodeIngest,
  nodeRun,
  sampleFiles,
  showView,
  wavesTable,
} from './helpers.ts';

const filesTableRows = (p: Page) => p.getByTestId('files-table').locator('tbody tr').count();
const storage = async (p: Page) =>
  ((await p.getByTestId('storage-summary').textContent()) ?? '').trim();
/** Wait until the data is saved in the browser's private storage (it saves in the background). */
const stored = (p: Page) =>
  p
    .getByTestId('storage-summary')
    .filter({ hasText: "stored in this browser's private storage" })
    .waitFor(T);

/**
 * Wait until the background save to the browser's storage is over (the app mirrors it on
 * <html data-saving>): a reload before then brings back the previous stored copy.
 */
const saved = (p: Page) =>
  p.waitForFunction(() => (document.documentElement.dataset.saving ?? '0') === '0', null, T);

/** The view kept next to the stored data (read from the page's own database). */
const savedView = (p: Page) =>
  p.evaluate<string | null>(`(async () => {
    const { browserEngine } = await import('/src/db/browser-engine.ts');
    const { readSetting } = await import('/src/ingest/app-state.ts');
    return readSetting(await browserEngine(), 'view');
  })()`);

describe('the workspace', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  beforeAll(async () => void (browser = await launch()));
  afterAll(async () => browser?.close());

  it('a reload keeps the data and the view; the bare address brings back the last view', async () => {
    const expected = await nodeIngest(sampleFiles().map((p) => ({ path: p })));
    const { page, errors } = await openPage(browser, base);
    await loadSample(page);
    await stored(page);
    expect(await storage(page)).toMatch(
      /^4 files, 21,126 signups and 41,261 posts, stored in this browser's private storage/,
    );
    await showView(page, 'Retention');
    const cells = await page.locator(TRIANGLE_CELLS).count();
    expect(cells).toBeGreaterThan(10);
    // The view is saved with the data shortly after it changes.
    await expect.poll(() => savedView(page), T).toMatch(/(^|&)view=retention(&|$)/);
    await saved(page);

    await page.reload();
    await showView(page, 'Retention', false);
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Retention');
    expect(await page.locator(TRIANGLE_CELLS).count()).toBe(cells);
    expect(await page.getByTestId('open-elsewhere').count()).toBe(0);
    await screenshot(page, 'workspace-reloaded');

    // No view in the address: the last one comes back, with the stored data.
    await expect.poll(() => savedView(page), T).toMatch(/(^|&)view=retention(&|$)/);
    await saved(page);
    await page.goto(base);
    await showView(page, 'Retention', false);
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Retention');
    expect(await page.locator(TRIANGLE_CELLS).count()).toBe(cells);
    await expect.poll(() => new URL(page.url()).searchParams.get('view'), T).toBe('retention');
    await showView(page, 'Data');
    await expectFacts(page, expected);
    await expectFiles(page, expected);
    expect(errors).toEqual([]);
  });

  it('loading the sample over data asks: add (every row a duplicate) or replace', async () => {
    const once = sampleFiles().map((p) => ({ path: p }));
    const [single, twice] = await Promise.all([nodeIngest(once), nodeIngest([...once, ...once])]);
    const { page, errors } = await openPage(browser, base);
    await loadSample(page);
    await showView(page, 'Data', false);
    expect(await filesTableRows(page)).toBe(4);

    const choose = async (button: string) => {
      await page.getByRole('button', { name: 'Load sample data' }).click();
      const choice = page.getByRole('group', { name: 'Load the sample data' });
      await choice.waitFor(T);
      expect(await choice.textContent()).toContain('Data is already loaded. Load the sample data:');
      // Replace is first and has the focus; Cancel leaves everything as it is.
      expect(await page.evaluate(() => document.activeElement?.textContent ?? null)).toBe(
        'Replace the current data',
      );
      await choice.getByRole('button', { name: button }).click();
    };
    await choose('Cancel');
    expect(await page.getByRole('group', { name: 'Load the sample data' }).count()).toBe(0);
    expect(await filesTableRows(page)).toBe(4);

    await choose('Add to the current data');
    await expect.poll(() => filesTableRows(page), T).toBe(8);
    await idle(page);
    await expectFacts(page, twice);
    await expectFiles(page, twice);
    // The second copy adds nothing: every row it did not reject is a duplicate.
    for (const f of twice.files.slice(4)) {
      expect(f.rows_loaded, f.file).toBe(0);
      expect(f.duplicates, f.file).toBe(f.rows_read - f.rows_rejected);
      expect(f.duplicates, f.file).toBeGreaterThan(0);
    }
    await stored(page);
    expect(await storage(page)).toMatch(/^8 files, 21,126 signups and 41,261 posts/);
    await screenshot(page, 'workspace-added');

    await choose('Replace the current data');
    await expect.poll(() => filesTableRows(page), T).toBe(4);
    await idle(page);
    await expectFacts(page, single);
    await expectFiles(page, single);
    expect(errors).toEqual([]);
  });

  it('removing a file recounts: the report and the views are those of the other files', async () => {
    const rest = sampleFiles().filter((f) => path.basename(f) !== 'signups_web.csv');
    expect(rest).toHaveLength(3);
    const [expected, analysis] = await Promise.all([
      nodeIngest(rest.map((p) => ({ path: p }))),
      nodeRun(rest).then((r) => r.analysis),
    ]);
    const { page, errors } = await openPage(browser, base);
    await loadSample(page);
    await showView(page, 'Data', false);
    const before = Number(
      ((await page.getByTestId('fact-signups').textContent()) ?? '').replace(/,/g, ''),
    );

    await page
      .getByTestId('files-table')
      .getByRole('button', { name: 'Remove signups_web.csv' })
      .click();
    await expect.poll(() => filesTableRows(page), T).toBe(3);
    await idle(page);
    expect(
      await page
        .getByTestId('files-table')
        .locator('tbody tr', { hasText: 'signups_web.csv' })
        .count(),
    ).toBe(0);
    expect(expected.signups).toBeLessThan(before);
    await expectFacts(page, expected);
    await expectFiles(page, expected);
    await screenshot(page, 'workspace-removed');

    // The views read the remaining data.
    await page.getByRole('button', { name: 'Go to Waves' }).click();
    await showView(page, 'Waves', false);
    expect(await wavesTable(page)).toEqual(
      (analysis.waves?.waves ?? []).map((w) => ({
        start: w.start,
        end: w.end,
        peak_signups: w.peak_signups,
        signups: w.signups,
      })),
    );
    expect(errors).toEqual([]);
  });

  it('a second tab is told the data is open elsewhere, and can take it over', async () => {
    const expected = await nodeIngest(sampleFiles().map((p) => ({ path: p })));
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const a = await context.newPage();
      const wa = watch(a);
      await a.goto(base);
      await loadSample(a);
      await stored(a);

      const b = await context.newPage();
      const wb = watch(b);
      await b.goto(base);
      const elsewhere = b.getByTestId('open-elsewhere');
      await elsewhere.waitFor(T);
      expect(await elsewhere.textContent()).toContain(
        'Surgescope is open in another tab, which holds your stored data.',
      );
      // The first tab keeps working on its data meanwhile.
      expect(await a.getByTestId('open-elsewhere').count()).toBe(0);
      await screenshot(b, 'workspace-open-elsewhere');

      await elsewhere.getByRole('button', { name: 'Use the stored data here' }).click();
      await a.getByText('Another tab took over the stored data.').waitFor(T);
      // The second tab reloads into the stored data: the sample, without loading anything.
      await b.getByRole('heading', { name: 'Ingest report' }).waitFor(T);
      await idle(b);
      expect(await b.getByTestId('open-elsewhere').count()).toBe(0);
      await stored(b);
      await expectFacts(b, expected);
      await expectFiles(b, expected);
      await screenshot(a, 'workspace-handed-over');
      expect([wa.errors, wb.errors]).toEqual([[], []]);
    } finally {
      await context.close();
    }
  });
});
