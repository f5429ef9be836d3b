/**
 * Snapshots reveal no one. A small surge whose signups carry an e-mail column (mostly distinct:
 * a few addresses are shared by two users) is loaded; snapshots of every view, broken down and
 * filtered by e-mail and by country, with the e-mail filter's value list open, are decoded and
 * must hold no e-mail address, no value list and no cell counting fewer than k people. Sharing a
 * view broken down or filtered by e-mail warns first; k is a setting of the share bar.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from './browser.ts';
import { FIXTURES, T, addFilter, bodyRows, control, idle, showView } from './helpers.ts';
import type { ViewName } from './helpers.ts';
import type { Snapshot } from '../../src/share/snapshot.ts';

const FILES = ['signups_privacy.csv', 'posts_privacy.csv'].map((f) => path.join(FIXTURES, f));
/** Every e-mail address in the fixture (column 4 of the signups). */
const EMAILS = [
  ...new Set(
    readFileSync(FILES[0] as string, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[3] as string),
  ),
];
/** The kinds of result a snapshot may carry (cache key prefixes), and the counts of each. */
const COUNTS: Record<string, (value: unknown, key: string) => number[]> = {
  ctx: () => [],
  // The whole data's series (no segment filter) are kept exact: they count everyone.
  series: (v, key) =>
    key.includes(':null:null:[]:')
      ? []
      : (v as { points: { value: number }[] }).points.map((p) => p.value),
  breakdown: (v) => (v as { signups: number }[]).map((r) => r.signups),
  attr: (v) =>
    (v as { wave_signups: number; baseline_signups: number }[]).flatMap((r) => [
      r.wave_signups,
      r.baseline_signups,
    ]),
  'mix-rank': (v) => (v as { posts: number }[]).map((r) => r.posts),
  'mix-window': (v) => (v as { posts: number }[]).map((r) => r.posts),
  mix: (v) => (v as { rows: { posts: number }[] }).rows.map((r) => r.posts),
  'retention-triangle': (v) =>
    (
      v as {
        cells: { cohort_size: number; active_users: number; active_on_or_after: number }[];
      }
    ).cells.flatMap((c) => [c.cohort_size, c.active_users, c.active_on_or_after]),
  'retention-groups': (v) => curveCounts(v),
  'retention-values': (v) => curveCounts(v),
};
const curveCounts = (v: unknown) =>
  (
    v as { rows: { cohort_size: number; active_users: number; active_on_or_after: number }[] }
  ).rows.flatMap((r) => [r.cohort_size, r.active_users, r.active_on_or_after]);

/** Every count in the snapshot under k (and above 0), and every entry of an unknown kind. */
function cellsUnderK(s: Snapshot, k: number): string[] {
  const bad: string[] = [];
  for (const [key, value] of s.entries) {
    const kind = key.slice(0, key.indexOf(':'));
    const counts = COUNTS[kind];
    if (!counts) bad.push(`an entry of kind "${kind}"`);
    else for (const n of counts(value, key)) if (n > 0 && n < k) bad.push(`${kind}: ${n}`);
  }
  return bad;
}

/** The k the share bar folds with. */
const kInput = (p: Page) => p.getByRole('spinbutton', { name: /Snapshot hides counts under/ });
const share = (p: Page) => p.getByRole('group', { name: 'Share' });
const warning = (p: Page) => p.getByTestId('share-warning');

/**
 * Click "Snapshot link"; when the share bar warns, check it names `warnAbout` and confirm.
 * Returns the decoded snapshot and its link.
 */
async function snapshot(
  page: Page,
  warnAbout: string | null,
): Promise<{ s: Snapshot; link: string }> {
  const input = page.getByLabel('Link to share');
  const before = (await input.count()) ? await input.inputValue() : '';
  await share(page).getByRole('button', { name: 'Snapshot link' }).click();
  if (warnAbout) {
    await warning(page).waitFor(T);
    expect(await warning(page).textContent()).toContain(`"${warnAbout}"`);
    await warning(page).getByRole('button', { name: 'Make the snapshot anyway' }).click();
  }
  await expect
    .poll(async () => ((await input.count()) ? input.inputValue() : before), T)
    .not.toBe(before);
  const link = await input.inputValue();
  expect(new URL(link).origin).toBe(new URL(page.url()).origin);
  const fragment = link.split('#snapshot=')[1] ?? '';
  // A string, so the test runner does not rewrite the dynamic import for node.
  const json = await page.evaluate<string>(`(async () => {
    const { decodeSnapshot } = await import('/src/share/snapshot.ts');
    return JSON.stringify(await decodeSnapshot(${JSON.stringify(fragment)}));
  })()`);
  return { s: JSON.parse(json) as Snapshot, link };
}

/** No e-mail address anywhere (view state, keys, results), no value list, no cell under k. */
function expectRevealsNoOne(s: Snapshot, k: number, kinds: string[]) {
  const text = JSON.stringify(s);
  expect(EMAILS.filter((e) => text.includes(e))).toEqual([]);
  expect(text).not.toContain('@mail.example');
  const present = new Set(s.entries.map(([key]) => key.slice(0, key.indexOf(':'))));
  expect(present.has('values'), 'a filter value list').toBe(false);
  for (const kind of kinds) expect(present.has(kind), `a ${kind} result`).toBe(true);
  expect(cellsUnderK(s, k)).toEqual([]);
  expect(s.privacy?.k).toBe(k);
}

/** Open the e-mail filter's value list (the picker queries its top values) without choosing. */
async function openEmailPicker(page: Page) {
  const bar = page.getByRole('group', { name: 'Filters' });
  await bar.getByLabel('Add a filter').selectOption('signups.email');
  await bar
    .getByRole('list', { name: /^Values of email/ })
    .getByRole('checkbox')
    .first()
    .waitFor(T);
  await idle(page);
}

describe('snapshots reveal no one', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    browser = await launch();
    ({ page, errors } = await openPage(browser, base));
    await page.getByLabel('Choose CSV files').setInputFiles(FILES);
    await page.getByRole('button', { name: 'Load 2 files' }).click();
    await page.waitForFunction(() => /[?&]fp=v1-313s-/.test(location.search), null, T);
    await idle(page);
  });
  afterAll(async () => browser?.close());

  /** Open a snapshot link on a fresh page: the view draws, every part found, no error. */
  async function expectOpens(link: string, view: ViewName) {
    const o = await openPage(browser, link);
    await o.page.getByTestId('snapshot-banner').waitFor(T);
    await showView(o.page, view, false);
    expect(await o.page.getByText('This snapshot holds only the view').count()).toBe(0);
    expect(await o.page.getByTestId('snapshot-cannot-show').count()).toBe(0);
    expect([o.errors, o.external]).toEqual([[], []]);
    return o;
  }

  it('the fixture has what the test needs: shared e-mails, rare countries, a wave', async () => {
    expect(EMAILS.length).toBeGreaterThan(200);
    expect(EMAILS.length).toBeLessThan(313);
    await showView(page, 'Waves');
    await control(page, 'Break down signups by').selectOption('email');
    await idle(page);
    // The live page does list e-mail addresses: what the snapshots must leave out.
    await page.getByTestId('waves-table').locator('tbody tr').first().click();
    await page.getByTestId('attribution-table').waitFor(T);
    await idle(page);
    const shown = await page.getByTestId('attribution-table').locator('tbody').textContent();
    expect(shown).toContain('@mail.example');
  });

  it('Waves broken down by e-mail: warned, then every address folded into Other', async () => {
    await openEmailPicker(page);
    const { s, link } = await snapshot(page, 'email');
    expectRevealsNoOne(s, 5, ['ctx', 'series', 'breakdown', 'attr']);
    const attr = s.entries.find(([key]) => key.startsWith('attr:'))?.[1] as { value: string }[];
    expect(attr.map((r) => r.value)).toEqual(['Other']);
    expect(s.privacy?.folded).toBeGreaterThan(100);
    // Opened, its table downloads as CSV with the folded rows only.
    const o = await expectOpens(link, 'Waves');
    const table = o.page.getByTestId('attribution-table');
    const [download] = await Promise.all([
      o.page.waitForEvent('download'),
      table.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[1]).toMatch(/^Other,/);
    expect(csv).not.toContain('@');
    await o.page.context().close();
  });

  it('Waves filtered and broken down by country: small countries and buckets folded', async () => {
    await page.getByRole('button', { name: 'Remove the filter on email' }).click();
    await addFilter(page, 'signups.country', ['BR', 'US', 'IS', 'NZ']);
    await control(page, 'Break down signups by').selectOption('country');
    await showView(page, 'Waves', false);
    await page.getByTestId('waves-table').locator('tbody tr').first().click();
    await page.getByTestId('attribution-table').waitFor(T);
    await idle(page);
    const live = (await bodyRows(page, 'attribution-table')).map((r) => r[0]);
    expect(live, 'the live table lists the rare countries').toEqual(
      expect.arrayContaining(['IS', 'NZ']),
    );
    await openEmailPicker(page);
    const { s, link } = await snapshot(page, null);
    expectRevealsNoOne(s, 5, ['ctx', 'series', 'breakdown', 'attr']);
    const values = new Set(
      s.entries
        .filter(([key]) => key.startsWith('breakdown:') || key.startsWith('attr:'))
        .flatMap(([, v]) => (v as { value: string }[]).map((r) => r.value)),
    );
    expect(values.has('IS') || values.has('NZ'), 'one- and two-user countries').toBe(false);
    // The filtered series (drawn) has its small baseline days hidden.
    const filtered = s.entries.find(
      ([key]) => key.startsWith('series:') && !key.includes(':null:null:[]:'),
    );
    expect(filtered, 'the filtered series').toBeDefined();
    // The snapshot opens and draws this view: its attribution found under its stored key.
    const o = await expectOpens(link, 'Waves');
    expect(await o.page.getByTestId('snapshot-privacy').textContent()).toMatch(
      /Counts of fewer than 5 people are folded into Other or hidden/,
    );
    await o.page.getByTestId('attribution-table').waitFor(T);
    const shown = (await bodyRows(o.page, 'attribution-table')).map((r) => r[0]);
    expect(shown).toContain('Other');
    expect(shown).not.toContain('IS');
    await o.page.context().close();
    // Waves detected in the segment: the maker is told the snapshot's waves can differ.
    await page.getByRole('checkbox', { name: /^Detect waves in this segment/ }).check();
    await showView(page, 'Waves', false);
    const inSegment = await snapshot(page, null);
    expectRevealsNoOne(inSegment.s, 5, ['ctx', 'series']);
    expect(await share(page).getByRole('status').textContent()).toMatch(
      /Waves are detected in this segment, and \d+ of its buckets count fewer than 5 people/,
    );
    await page.getByRole('checkbox', { name: /^Detect waves in this segment/ }).uncheck();
    await page.getByRole('button', { name: 'Remove the filter on email' }).click();
    await page.getByRole('button', { name: 'Remove the filter on country' }).click();
    await idle(page);
  });

  it('Content mix: rare categories folded, every mix cell at least k posts', async () => {
    await showView(page, 'Content mix' as ViewName);
    await openEmailPicker(page);
    const { s, link } = await snapshot(page, null);
    expectRevealsNoOne(s, 5, ['ctx', 'series', 'mix', 'mix-rank', 'mix-window']);
    const text = JSON.stringify(s.entries);
    expect(text).not.toContain('"chess"');
    expect(text).not.toContain('"knitting"');
    await (await expectOpens(link, 'Content mix' as ViewName)).page.context().close();
    await page.getByRole('button', { name: 'Remove the filter on email' }).click();
  });

  it('Retention by e-mail and by country: warned, small cohorts and values hidden', async () => {
    await showView(page, 'Retention');
    await control(page, 'Cohort granularity').selectOption('day');
    await page.getByRole('combobox', { name: /^Curves by/ }).selectOption('email');
    await showView(page, 'Retention', false);
    await openEmailPicker(page);
    const byEmail = await snapshot(page, 'email');
    expectRevealsNoOne(byEmail.s, 5, ['ctx', 'retention-triangle', 'retention-values']);
    await (await expectOpens(byEmail.link, 'Retention')).page.context().close();
    await page.getByRole('combobox', { name: /^Curves by/ }).selectOption('country');
    await showView(page, 'Retention', false);
    const byCountry = await snapshot(page, null);
    expectRevealsNoOne(byCountry.s, 5, ['ctx', 'retention-triangle', 'retention-values']);
    const keys = new Set(
      (
        byCountry.s.entries.find(([key]) => key.startsWith('retention-values:'))?.[1] as {
          rows: { key: string }[];
        }
      ).rows.map((r) => r.key),
    );
    expect([...keys].filter((x) => ['IS', 'NZ', 'FJ'].includes(x))).toEqual([]);
    await page.getByRole('button', { name: 'Remove the filter on email' }).click();
  });

  it('k is a setting: with k = 20 no cell under 20, and the opened snapshot says so', async () => {
    await showView(page, 'Waves');
    await control(page, 'Break down signups by').selectOption('country');
    await showView(page, 'Waves', false);
    await kInput(page).fill('20');
    const { s, link } = await snapshot(page, null);
    expectRevealsNoOne(s, 20, ['ctx', 'series', 'breakdown']);
    // The same view at k = 5 keeps cells between 5 and 19 that k = 20 folded.
    await kInput(page).fill('5');
    const { s: s5 } = await snapshot(page, null);
    const midway = (x: Snapshot) =>
      x.entries
        .filter(([key]) => key.startsWith('breakdown:'))
        .flatMap(([, v]) => (v as { signups: number }[]).map((r) => r.signups))
        .filter((n) => n >= 5 && n < 20).length;
    expect(midway(s5)).toBeGreaterThan(0);
    expect(midway(s)).toBe(0);
    const o = await openPage(browser, link);
    await o.page.getByTestId('snapshot-banner').waitFor(T);
    expect(await o.page.getByTestId('snapshot-privacy').textContent()).toContain(
      'fewer than 20 people',
    );
    await o.page.context().close();
  });

  it('a filter on e-mail warns before a link or snapshot names the addresses; Cancel makes none', async () => {
    await openEmailPicker(page);
    const bar = page.getByRole('group', { name: 'Filters' });
    await bar
      .getByRole('list', { name: /^Values of email/ })
      .getByRole('checkbox')
      .first()
      .check();
    await showView(page, 'Waves', false);
    expect(await bar.locator('legend').allTextContents()).toContain('email');
    for (const button of ['Copy link', 'Snapshot link']) {
      await share(page).getByRole('button', { name: button }).click();
      await warning(page).waitFor(T);
      const said = (await warning(page).textContent()) ?? '';
      expect(said).toContain('The filter on "email" puts the values you chose in the link');
      await warning(page).getByRole('button', { name: 'Cancel' }).click();
      expect(await warning(page).count()).toBe(0);
      expect(await page.getByLabel('Link to share').count(), `${button}: no link`).toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
