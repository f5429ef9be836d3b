/**
 * The working database suits the data's size (browser-engine.ts `sizeFor`): DuckDB's compressed
 * in-memory database for large data, the plain one (faster to load) otherwise, chosen only while
 * the workspace is empty, with the app's settings moved along.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from './browser.ts';

/** Run SQL or sizeFor on the page's own engine (a string: the runner must not rewrite it). */
const onEngine = (page: Page, body: string) =>
  page.evaluate<string>(`(async () => {
    const { browserEngine } = await import('/src/db/browser-engine.ts');
    const engine = await browserEngine();
    const q = async (sql) => engine.query(sql);
    ${body}
  })()`);

const catalog = (page: Page) =>
  onEngine(page, `return (await q('SELECT current_database() AS c'))[0].c;`);

describe('the working database', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('is compressed for large data, plain for small, and never moves once data is in it', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByRole('button', { name: 'Load sample data' }).waitFor();
    expect(await catalog(page)).toBe('work');
    // A setting written before the choice goes along with it.
    await onEngine(
      page,
      `const { saveSetting } = await import('/src/ingest/app-state.ts');
       await saveSetting(engine, 'probe', 'kept');`,
    );
    await onEngine(page, 'await engine.sizeFor(2 * 1024 ** 3);');
    expect(await catalog(page)).toBe('work_z');
    expect(
      await onEngine(
        page,
        `const { readSetting } = await import('/src/ingest/app-state.ts');
         return readSetting(engine, 'probe');`,
      ),
    ).toBe('kept');
    await onEngine(page, 'await engine.sizeFor(1000);');
    expect(await catalog(page)).toBe('work');

    // The sample (3 MB) loads into the plain one; once loaded, a size asks for nothing.
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 90_000 });
    expect(await catalog(page)).toBe('work');
    await onEngine(page, 'await engine.sizeFor(2 * 1024 ** 3);');
    expect(await catalog(page)).toBe('work');
    expect(await page.getByTestId('fact-signups').textContent()).toBe('21,126');
    expect(errors).toEqual([]);
  });
});
