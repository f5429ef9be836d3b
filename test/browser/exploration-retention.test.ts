/**
 * Issue 8 (exploration), retention curves on the sample: by wave group (before the surge, each
 * wave, between or after waves) with node's period-1 retention, interval and users per group;
 * and by a signup column, at most the top 8 values and Other.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, screenshot } from './browser.ts';
import {
  T,
  idle,
  loadSample,
  nodeAnalysis,
  nodeSegmentCurves,
  num,
  sampleFiles,
  showView,
} from './helpers.ts';
import type { Expected } from './helpers.ts';
import type { GroupPoint } from '../../src/metrics/retention-shape.ts';

const GROUP_NAMES: Record<string, string> = {
  before: 'before the surge',
  between: 'between or after waves',
};
const curveFigure = (p: Page) => p.locator('figure[aria-label^="Retention by week since signup"]');

/** The curve table's rows: name, users, and the period-1 cell read as numbers. */
async function curveRows(p: Page) {
  const rows = await p
    .locator('table.ret-curves tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
    );
  return rows.map(([name, users, rate]) => {
    // "31.5% (95% CI 30.7%–32.3%, 12,340 users)"
    const m = /^([\d.]+)% \(95% CI ([\d.]+)%–([\d.]+)%, ([\d,]+) users\)$/.exec(rate ?? '');
    if (!m) throw new Error(`Unexpected period-1 cell for ${name}: "${rate}"`);
    return {
      name: name ?? '',
      users: num(users ?? null),
      pct: Number(m[1]),
      low: Number(m[2]),
      high: Number(m[3]),
      size: num(m[4] ?? null),
    };
  });
}

/** Each row against node's period-1 point (and period-0 users) of the same group or value. */
function expectRows(
  rows: Awaited<ReturnType<typeof curveRows>>,
  points: readonly GroupPoint[],
  name: (group: string) => string,
) {
  const at = (k: number) => points.filter((p) => p.period === k);
  const names = [...new Set(points.map((p) => p.group))];
  expect(rows.map((r) => r.name)).toEqual(names.map(name));
  for (const g of names) {
    const p1 = at(1).find((p) => p.group === g);
    const p0 = at(0).find((p) => p.group === g);
    const row = rows.find((r) => r.name === name(g));
    if (!p1 || !p0 || !row) throw new Error(`no period 0/1 for ${g}`);
    // Shown to one decimal: within half a tenth of a point of node's.
    expect(Math.abs(row.pct - 100 * p1.retention), `${g} period 1`).toBeLessThanOrEqual(0.051);
    expect(Math.abs(row.low - 100 * p1.ci_low), `${g} low`).toBeLessThanOrEqual(0.051);
    expect(Math.abs(row.high - 100 * p1.ci_high), `${g} high`).toBeLessThanOrEqual(0.051);
    expect(row.size, `${g} users at period 1`).toBe(p1.cohort_size);
    expect(row.users, `${g} users`).toBe(p0.cohort_size);
  }
}

const curvesBy = (p: Page) => p.getByRole('combobox', { name: /^Curves by/ });
const legendItems = (p: Page) =>
  curveFigure(p).locator('.recharts-legend-item-text').allTextContents();

describe('retention curves by wave group and by a column', () => {
  let browser: Browser;
  let expected: Expected;
  let byCountry: GroupPoint[];
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    [expected, byCountry] = await Promise.all([
      nodeAnalysis(sampleFiles()),
      nodeSegmentCurves(sampleFiles(), 'country'),
    ]);
    browser = await launch();
    ({ page, errors } = await openPage(browser, inject('baseUrl')));
    await loadSample(page);
  });
  afterAll(async () => browser?.close());

  it('curves by wave group: before the surge, wave 1, wave 2, between, with node numbers', async () => {
    await showView(page, 'Retention');
    await page.locator('table.ret-curves tbody tr').first().waitFor(T);
    await idle(page);
    expect(await curvesBy(page).inputValue()).toBe('');
    const groups = expected.analysis.groups;
    expect([...new Set(groups.map((g) => g.group))]).toEqual([
      'before',
      'wave 1',
      'wave 2',
      'between',
    ]);
    const label = (g: string) => GROUP_NAMES[g] ?? g;
    expect(await legendItems(page)).toEqual([
      'before the surge',
      'wave 1',
      'wave 2',
      'between or after waves',
    ]);
    expectRows(await curveRows(page), groups, label);
    expect(await page.locator('table.ret-curves caption').textContent()).toMatch(
      /^Curves by wave group/,
    );
    await screenshot(page, 'retention-wave-groups');
    expect(errors).toEqual([]);
  });

  it('curves by country: the top 8 values and Other, at most 9 rows, with node numbers', async () => {
    await showView(page, 'Retention');
    await curvesBy(page).selectOption('country');
    await page.locator('table.ret-curves caption', { hasText: 'Curves by country' }).waitFor(T);
    await expect.poll(() => new URL(page.url()).searchParams.get('rb'), T).toBe('country');
    await idle(page);
    const rows = await curveRows(page);
    expect(rows.length).toBeLessThanOrEqual(9);
    expect(rows.length).toBe(9); // the sample has more than 8 countries
    expect(rows.at(-1)?.name).toBe('Other');
    expect(await legendItems(page)).toEqual(rows.map((r) => r.name));
    // Most users first, Other last, as node ranks them.
    const order = [...new Set(byCountry.map((p) => p.group))].sort((a, b) => {
      const size = (g: string) =>
        Math.max(...byCountry.filter((p) => p.group === g).map((p) => p.cohort_size));
      return Number(a === 'Other') - Number(b === 'Other') || size(b) - size(a) || (a < b ? -1 : 1);
    });
    expectRows(
      rows,
      order.flatMap((g) => byCountry.filter((p) => p.group === g)),
      (g) => g,
    );
    await screenshot(page, 'retention-by-country');
    expect(errors).toEqual([]);
  });
});
