/**
 * Sharing: links reproduce views and numbers on a fresh page, back/forward walk view states,
 * tampered links fall back with a notice, snapshots need no data and hold no user ids.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, screenshot } from './browser.ts';
import { addFilter, bodyRows, settle, wavesTable } from './helpers.ts';

type Tab = 'Data' | 'Waves' | 'Retention';
const TRIANGLE = '[data-testid="retention-triangle"] td[data-cohort]';
const T = { timeout: 90_000 };

/** Open a view by its tab (unless `click` is false) and wait for its main content. */
async function showView(page: Page, view: Tab, click = true) {
  if (click) await page.getByRole('tab', { name: view, exact: true }).click();
  const ready = {
    Data: page.getByRole('heading', { name: 'Ingest report' }),
    Waves: page.getByTestId('baseline-summary'),
    Retention: page.locator(TRIANGLE).first(),
  }[view];
  await ready.waitFor(T);
  await settle(page);
}

/** Load the sample from the upload panel and wait for the data's fingerprint in the URL. */
async function loadSample(page: Page) {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.waitForFunction(() => /[?&]fp=v1-/.test(location.search), null, T);
}

/** A labelled control; a select's accessible name also holds its value, so match the start. */
const control = (p: Page, label: string) => p.getByLabel(new RegExp(`^${label}(\\s|$)`));
const values = (p: Page, ls: string[]) => Promise.all(ls.map((l) => control(p, l).inputValue()));
const text = async (p: Page, id: string) => ((await p.getByTestId(id).textContent()) ?? '').trim();
const checked = (p: Page, radio: string) => p.getByRole('radio', { name: radio, exact: true });
const notice = (p: Page) => p.locator('.notice[role="alert"]');
const failed = (p: Page) => p.getByRole('alert').filter({ hasText: 'Could not compute' }).count();
const wavesNumbers = async (p: Page) => ({
  ...{ median: await text(p, 'baseline-median'), threshold: await text(p, 'baseline-threshold') },
  ...{ summary: await text(p, 'baseline-summary'), rows: await bodyRows(p, 'waves-table') },
});
/**
 * Every triangle cell: its attributes (cohort, period, completeness, tooltip, shade; in a fixed
 * order, without generated aria ids) and its content.
 */
const triangle = (p: Page) =>
  p.locator(TRIANGLE).evaluateAll((tds) =>
    tds.map((td) => {
      const attrs = [...td.attributes]
        .filter((a) => !a.name.startsWith('aria-'))
        .map((a) => `${a.name}=${a.value}`)
        .sort();
      return `${attrs.join(' ')} | ${td.innerHTML}`;
    }),
  );
/** The values ticked in a segment filter's checkbox list. */
const ticked = (p: Page, column: string) =>
  p
    .getByRole('list', { name: `Values of ${column}` })
    .getByRole('checkbox', { checked: true })
    .evaluateAll((boxes) =>
      boxes.map((b) => b.closest('label')?.querySelector('.cell-text')?.textContent ?? ''),
    );
/** Click a Share button and read the new "Link to share" (a different one than before). */
async function shareLink(page: Page, button: 'Copy link' | 'Snapshot link', before = '') {
  await page.getByRole('group', { name: 'Share' }).getByRole('button', { name: button }).click();
  const input = page.getByLabel('Link to share');
  const value = async () => ((await input.count()) ? input.inputValue() : before);
  await expect.poll(value).not.toBe(before);
  return input.inputValue();
}
/** A small CSV unlike the sample: 20 rows, one a day from 2025-01-10 (# is the row, @ the day). */
function csv(name: string, head: string, row: string) {
  const rows = Array.from({ length: 20 }, (_, i) =>
    row.replace(/#/g, `${i}`).replace('@', `2025-01-${10 + i}`),
  );
  return { name, mimeType: 'text/csv', buffer: Buffer.from([head, ...rows].join('\n')) };
}

describe('sharing views', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  beforeAll(async () => void (browser = await launch()));
  afterAll(async () => browser?.close());
  const open = (url: string) => openPage(browser, url);
  // Each page has its own context and DuckDB worker: close them after each test.
  let first: Awaited<ReturnType<typeof open>> | undefined; // lives on into the back/forward test
  afterEach(async () => {
    for (const c of browser.contexts()) if (c !== first?.page.context()) await c.close();
  });

  it('a copied link reproduces the controls and the numbers on a fresh page', async () => {
    first = await open(base);
    const a = first.page;
    await loadSample(a);
    await showView(a, 'Waves');
    await control(a, 'Granularity').selectOption('week');
    await control(a, 'From').fill('2024-12-08');
    await control(a, 'To').fill('2025-02-16');
    await addFilter(a, 'signups.country', ['US', 'CA']);
    await control(a, 'Break down signups by').selectOption('source');
    await showView(a, 'Waves', false);
    const wavesA = await wavesNumbers(a);
    expect(wavesA.rows.length, 'the filtered weekly series has waves').toBeGreaterThan(0);
    expect(wavesA.summary).toContain('signups per week');
    await showView(a, 'Retention');
    await checked(a, 'On or after').check();
    await a.getByRole('heading', { name: 'Retention by cohort (active in or after it)' }).waitFor();
    await settle(a);
    const triangleA = await triangle(a);
    expect(triangleA.length).toBeGreaterThan(10);
    const link = await shareLink(a, 'Copy link');
    const params = new URL(link).searchParams;
    expect(Object.fromEntries(params)).toMatchObject({
      ...{ view: 'retention', g: 'week', from: '2024-12-08', to: '2025-02-16' },
      ...{ by: 'source', rm: 'on_or_after', f: 'signups.country:US|CA' },
    });
    expect(params.get('fp')).toMatch(/^v1-\d+s-\d+p-[0-9a-f]{12}$/);
    const { page: b, errors } = await open(link);
    await b.getByTestId('link-data-missing').waitFor(T);
    await loadSample(b);
    await showView(b, 'Retention', false);
    expect(await checked(b, 'On or after').isChecked()).toBe(true);
    expect(await checked(b, 'On').isChecked()).toBe(false);
    expect(await triangle(b)).toEqual(triangleA);
    await showView(b, 'Waves');
    expect(await wavesNumbers(b)).toEqual(wavesA);
    const shown = await values(b, ['Granularity', 'Break down signups by', 'From', 'To']);
    expect(shown).toEqual(['week', 'source', '2024-12-08', '2025-02-16']);
    expect((await ticked(b, 'country')).sort()).toEqual(['CA', 'US']);
    expect(await b.getByTestId('link-data-missing').count()).toBe(0);
    expect(await notice(b).count(), 'same data: no notice').toBe(0);
    expect([errors, first.errors]).toEqual([[], []]);
  });

  it('back and forward restore earlier view states and their controls', async () => {
    if (!first) throw new Error('runs on the page of the previous test');
    const { page: a, errors } = first;
    first = undefined; // closed after this test
    await showView(a, 'Waves');
    const u0 = a.url();
    const steps = await a.evaluate(() => history.length);
    await control(a, 'Granularity').selectOption('month');
    await a.waitForFunction(() => location.search.includes('g=month'));
    const u1 = a.url();
    await control(a, 'Break down signups by').selectOption('country');
    await a.waitForFunction(() => location.search.includes('by=country'));
    const added = (await a.evaluate(() => history.length)) - steps;
    expect.soft(added, 'two view changes add two history entries').toBe(2);
    const expectState = async (url: string, g: string) => {
      await showView(a, 'Waves', false);
      expect(a.url()).toBe(url);
      expect(await values(a, ['Granularity', 'Break down signups by'])).toEqual([g, 'source']);
      expect(await text(a, 'baseline-summary')).toContain(`signups per ${g}`);
    };
    await a.goBack();
    await expectState(u1, 'month');
    await a.goBack();
    await expectState(u0, 'week');
    await a.goForward();
    await expectState(u1, 'month');
    expect(await failed(a)).toBe(0);
    expect(errors).toEqual([]);
  });

  /** The defaults on Waves: granularity, series, multipliers, breakdown, wave, time zone. */
  const defaultsOnWaves = async (p: Page) => {
    await showView(p, 'Waves');
    const labels = ['Granularity', 'Series', 'MAD multiplier', 'Median multiplier'];
    const more = ['Break down signups by', 'Surge start', 'Time zone'];
    const shown = await values(p, [...labels, ...more]);
    expect(shown).toEqual(['day', 'signups', '3', '2', '', '', 'UTC']);
    // No wave selected (no band pressed, no row current), no segment filter.
    expect(await p.locator('.wave-band[aria-pressed="true"]').count()).toBe(0);
    expect(await p.getByTestId('waves-table').locator('tr[aria-current]').count()).toBe(0);
    expect(await p.getByRole('group', { name: 'Filters' }).locator('fieldset').count()).toBe(0);
  };
  const invalid = (...names: string[]) => names.map((n) => new RegExp(`invalid value for "${n}"`));
  /** Each link, the notices it must give, and the view it lands on (the default: Data). */
  const TAMPERED: { name: string; search: string; notices: RegExp[]; lands?: Tab }[] = [
    { name: 'garbage', search: '?view=%%%&g=yearly&k=abc', notices: invalid('view', 'g', 'k') },
    { name: 'huge', search: `?view=waves&by=${'x'.repeat(20_000)}`, notices: [/too long/] },
    {
      name: 'unknown columns',
      search: '?view=waves&f=signups.nope:x&by=nope',
      notices: [
        /Ignored a filter on "nope" \(signups\): the loaded data has no such column/,
        /Ignored a breakdown by "nope": the loaded data has no such column/,
      ],
      lands: 'Waves',
    },
    {
      name: 'wrong types',
      search: '?k=-5&m=1e9&wave=1.5&c=notadate&rm=maybe&tz=Mars/Base',
      notices: invalid('k', 'm', 'wave', 'c', 'rm', 'tz'),
    },
    { name: 'unknown keys', search: '?hello=1', notices: [/unknown link setting "hello"/] },
  ];

  for (const t of TAMPERED) {
    it(`a tampered link (${t.name}) falls back to defaults with a notice, no error`, async () => {
      // Node's dev server refuses request heads over 16 KB: serve the app for the long URL.
      const { page, errors } = await open(base);
      await page.route(
        (u) => u.search.length > 1000,
        async (route) => route.fulfill({ response: await route.fetch({ url: base }) }),
      );
      await page.goto(`${base}${t.search}`);
      await loadSample(page);
      await showView(page, t.lands ?? 'Data', false);
      expect(await page.getByRole('tab', { selected: true }).textContent()).toBe(t.lands ?? 'Data');
      const said = (await notice(page).textContent()) ?? '';
      for (const n of t.notices) expect(said).toMatch(n);
      await defaultsOnWaves(page);
      expect([...new URL(page.url()).searchParams.keys()].sort()).toEqual(['fp', 'view']);
      await showView(page, 'Retention');
      expect(await checked(page, 'On').isChecked()).toBe(true);
      expect(await values(page, ['Cohort granularity'])).toEqual(['week']);
      expect(await failed(page)).toBe(0);
      // A document served by page.route cannot reach Vite's HMR socket: not the app's error.
      expect(errors.filter((e) => !/WebSocket|\[vite\]/.test(e))).toEqual([]);
    });
  }

  it('SQL text in a link is only a filter value: no rows, no error, the table intact', async () => {
    const search = "?view=waves&f=signups.country:US'%3B DROP TABLE signups%3B--&by=country";
    const { page, errors } = await open(`${base}${search}`);
    await loadSample(page);
    // The value matches no one: the breakdown is empty and every count in the frame is 0.
    await page.getByText('No signups in this range.').waitFor(T);
    await showView(page, 'Waves', false);
    expect(await text(page, 'baseline-median')).toBe('0');
    const zero = await wavesTable(page);
    expect(zero.length).toBeGreaterThan(0);
    expect(zero.every((w) => w.peak_signups === 0 && w.signups === 0)).toBe(true);
    const legends = page.getByRole('group', { name: 'Filters' }).locator('legend');
    expect(await legends.allTextContents()).toEqual(['country']);
    expect(await values(page, ['Break down signups by'])).toEqual(['country']);
    expect(await failed(page)).toBe(0);
    await page.getByRole('button', { name: 'Remove the filter on country' }).click();
    await showView(page, 'Waves', false);
    const all = await wavesTable(page);
    expect(all.length).toBe(zero.length);
    expect(all.every((w) => (w.signups ?? 0) > 0)).toBe(true);
    expect(await failed(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('snapshot links render the same numbers read-only, with no data and no user ids', async () => {
    const { page: a, errors } = await open(base);
    await loadSample(a);
    await showView(a, 'Waves');
    const wavesA = await wavesNumbers(a);
    // A title and a note go with it (text, never markup).
    await a.getByText('Title and note', { exact: true }).click();
    await a.getByLabel('Snapshot title').fill('The January wave');
    await a.getByLabel('Snapshot note').fill('<b>Jan 19</b>: TikTok goes dark');
    const wavesLink = await shareLink(a, 'Snapshot link');
    await a.getByLabel('Snapshot title').fill('');
    await a.getByLabel('Snapshot note').fill('');
    await showView(a, 'Retention');
    await control(a, 'Cohort granularity').selectOption('day');
    await showView(a, 'Retention', false);
    const triangleA = await triangle(a);
    const retentionLink = await shareLink(a, 'Snapshot link', wavesLink);
    const fragment = (link: string) => link.split('#snapshot=')[1] ?? '';
    for (const link of [wavesLink, retentionLink]) {
      // A string, so the test runner does not rewrite the dynamic import for node.
      const json = await a.evaluate<string>(`(async () => {
        const { decodeSnapshot } = await import('/src/share/snapshot.ts');
        return JSON.stringify(await decodeSnapshot(${JSON.stringify(fragment(link))}));
      })()`);
      expect((JSON.parse(json) as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
      expect(json, 'no sample user id (u_NNNNNN) in the snapshot').not.toMatch(/u_\d{6}/);
    }
    const openSnapshot = async (link: string, view: Tab, name: string) => {
      const s = await open(link);
      const banner = s.page.getByTestId('snapshot-banner');
      await banner.waitFor(T);
      expect(await banner.textContent()).toMatch(/^Snapshot, read-only/);
      await showView(s.page, view, false);
      await s.page.waitForTimeout(800); // chart entry animation, for the screenshot
      await screenshot(s.page, name);
      expect(await failed(s.page)).toBe(0);
      return s;
    };
    const w = await openSnapshot(wavesLink, 'Waves', 'share-snapshot-waves');
    expect(await wavesNumbers(w.page)).toEqual(wavesA);
    const titled = w.page.getByTestId('snapshot-title');
    expect(await titled.getByRole('heading').textContent()).toBe('The January wave');
    expect(await titled.locator('.snapshot-note').textContent()).toBe(
      '<b>Jan 19</b>: TikTok goes dark',
    );
    expect(await titled.locator('b').count()).toBe(0);
    // Controls that need the data are off, and say why; the chart exports stay on.
    const granularity = control(w.page, 'Granularity');
    expect(await granularity.isDisabled()).toBe(true);
    expect(await w.page.getByRole('group', { name: 'What to chart' }).getAttribute('title')).toBe(
      'A snapshot shows the view it was made with: load data to change it.',
    );
    expect(await control(w.page, 'Surge start').isDisabled()).toBe(true);
    expect(await w.page.getByRole('button', { name: 'SVG' }).first().isEnabled()).toBe(true);
    expect(await w.page.getByTestId('snapshot-banner').textContent()).toContain(
      'the controls that would need the data are turned off',
    );
    const r = await openSnapshot(retentionLink, 'Retention', 'share-snapshot-retention');
    expect(await values(r.page, ['Cohort granularity'])).toEqual(['day']);
    // The snapshot hides every cell counting 1-4 people (k = 5, the default); the rest are the
    // same cells, drawn the same.
    const shown = triangleA.filter((cell) => {
      const active = Number(/ret-count">\((\d+)\)/.exec(cell)?.[1] ?? NaN);
      const size = Number(/ of (\d+) users/.exec(cell)?.[1] ?? Infinity);
      return size >= 5 && (active === 0 || active >= 5);
    });
    expect(shown.length).toBeLessThan(triangleA.length);
    expect(await triangle(r.page)).toEqual(shown);
    // Pasted into the tab already showing the Waves snapshot (only the fragment changes), the
    // retention snapshot opens there too.
    await w.page.evaluate((l) => {
      window.location.href = l;
    }, retentionLink);
    await w.page.waitForFunction((l) => window.location.href === l, retentionLink);
    await w.page.waitForLoadState();
    await w.page.getByTestId('snapshot-banner').waitFor(T);
    await showView(w.page, 'Retention', false);
    expect(await values(w.page, ['Cohort granularity'])).toEqual(['day']);
    expect(await triangle(w.page)).toEqual(shown);
    for (const s of [w, r]) expect([s.errors, s.external]).toEqual([[], []]);
    expect(errors).toEqual([]);
    // The same snapshot as a file, opened from the Data tab of a fresh page: the saved view.
    const f = await open(base);
    await f.page.getByLabel('Open a snapshot file').setInputFiles({
      ...{ name: 'surgescope-snapshot.txt', mimeType: 'text/plain' },
      buffer: Buffer.from(fragment(retentionLink)),
    });
    await f.page.getByTestId('snapshot-banner').waitFor(T);
    const tab = f.page.getByRole('tab', { selected: true });
    await expect.poll(() => tab.textContent(), { timeout: 5000 }).toBe('Retention');
    await showView(f.page, 'Retention', false);
    expect(await triangle(f.page)).toEqual(shown);
    expect([f.errors, f.external]).toEqual([[], []]);
  });

  it('a link meets other data with a notice, and no data with "link-data-missing"', async () => {
    const { page: a } = await open(base);
    await loadSample(a);
    await showView(a, 'Waves');
    const link = await shareLink(a, 'Copy link');
    const { page: b, errors } = await open(link);
    await b.getByTestId('link-data-missing').waitFor(T);
    const signups = csv('s.csv', 'user_id,signup_at,country', 'x#,@T10:00:00Z,FR');
    const posts = csv('p.csv', 'post_id,user_id,created_at,category', 'q#,x#,@T12:00:00Z,food');
    await b.getByLabel('Choose CSV files').setInputFiles([signups, posts]);
    await b.getByRole('button', { name: 'Load 2 files' }).click();
    await notice(b).filter({ hasText: 'This link was made with other data' }).waitFor(T);
    expect(await notice(b).textContent()).toContain('(20 signups, 20 posts)');
    await expect.poll(() => new URL(b.url()).searchParams.get('fp')).toMatch(/^v1-20s-20p-/);
    await showView(b, 'Waves', false);
    expect(await b.getByTestId('link-data-missing').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
