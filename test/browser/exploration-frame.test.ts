/**
 * Issue 8 (exploration), the frame of the surge on the sample: a segment filter narrows what is
 * counted but keeps the unfiltered baseline window, wave spans and surge start (the segment's
 * own median), until "Detect waves in this segment" is on; and the hour granularity finds the
 * day granularity's waves. Numbers are node's (the CLI's code) on the same files and settings.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage, screenshot } from './browser.ts';
import {
  T,
  addFilter,
  control,
  idle,
  loadSample,
  nodeRun,
  sampleFiles,
  showView,
  wavesTable,
} from './helpers.ts';
import type { Analysis } from '../../src/metrics/analysis.ts';
import type { Filters } from '../../src/metrics/params.ts';
import type { WaveResult } from '../../src/metrics/waves.ts';

const text = async (p: Page, id: string) => ((await p.getByTestId(id).textContent()) ?? '').trim();
const US: Filters = { segments: [{ table: 'signups', column: 'country', values: ['US'] }] };

/** A wave list as the waves table shows it at a granularity ("2025-01-13", "2025-01-13 05:00"). */
const asTable = (w: WaveResult | null | undefined) =>
  (w?.waves ?? []).map((x) => ({
    start: x.start.replace('T', ' '),
    end: x.end.replace('T', ' '),
    peak_signups: x.peak_signups,
    signups: x.signups,
  }));

/** A bucket label as the table prints it, as epoch ms (UTC). */
const labelMs = (label: string) =>
  Date.parse(label.length === 10 ? `${label}T00:00:00Z` : `${label.replace(' ', 'T')}:00Z`);

describe('the frame of the surge under filters and granularities', () => {
  let browser: Browser;
  const files = sampleFiles();
  let all: Analysis;
  let us: Analysis;
  let usOwn: Analysis;
  let hour: Analysis;
  beforeAll(async () => {
    [all, us, usOwn, hour] = await Promise.all([
      nodeRun(files).then((r) => r.analysis),
      nodeRun(files, { filters: US }).then((r) => r.analysis),
      nodeRun(files, { filters: US, params: { detectInSegment: true } }).then((r) => r.analysis),
      nodeRun(files, { params: { granularity: 'hour' } }).then((r) => r.analysis),
    ]);
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('a segment filter keeps the unfiltered baseline and surge start; "Detect waves in this segment" moves them', async () => {
    const frame = all.frame;
    if (!frame || !all.surgeStart) throw new Error('node: the sample has a frame');
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await loadSample(page);
    await showView(page, 'Waves');
    const window = `${frame.baseline.from} to ${frame.baseline.to}`;
    expect(await text(page, 'baseline-window')).toBe(window);
    expect(await text(page, 'surge-start')).toBe(all.surgeStart);
    expect(await text(page, 'baseline-median')).toBe(String(frame.baseline.median));
    expect(await text(page, 'frame-in-force')).toContain('detected on all the data (signups');

    await addFilter(page, 'signups.country', ['US']);
    await expect
      .poll(() => new URL(page.url()).searchParams.getAll('f'), T)
      .toEqual(['signups.country:US']);
    // The segment's own median over the same baseline buckets (node: filtered view).
    const ownMedian = us.waves?.baseline.median;
    expect(ownMedian).not.toBe(frame.baseline.median);
    await expect.poll(() => text(page, 'baseline-median'), T).toBe(String(ownMedian));
    await idle(page);
    expect(await text(page, 'baseline-window')).toBe(window);
    expect(await text(page, 'surge-start')).toBe(all.surgeStart);
    expect(await text(page, 'frame-in-force')).toContain(
      'detected on all the data; the filters change only what is counted inside it',
    );
    expect(await text(page, 'baseline-summary')).toMatch(/^This segment’s own baseline: median/);
    // Same spans as the unfiltered waves, the segment's own peaks and totals inside them.
    const filtered = await wavesTable(page);
    expect(filtered.map((w) => [w.start, w.end])).toEqual(frame.waves.map((w) => [w.start, w.end]));
    expect(filtered).toEqual(asTable(us.waves));
    await screenshot(page, 'frame-filtered-us');

    await page.getByRole('checkbox', { name: /Detect waves in this segment/ }).check();
    await expect.poll(() => text(page, 'frame-in-force'), T).toContain('detected in this segment');
    await expect.poll(() => new URL(page.url()).searchParams.get('seg'), T).toBe('1');
    await idle(page);
    const own = usOwn.frame;
    if (!own) throw new Error('node: the US segment has a frame of its own');
    expect(await text(page, 'baseline-window')).toBe(`${own.baseline.from} to ${own.baseline.to}`);
    expect(await text(page, 'surge-start')).toBe(usOwn.surgeStart);
    expect(await text(page, 'baseline-median')).toBe(String(own.baseline.median));
    expect(await wavesTable(page)).toEqual(asTable(own));
    expect(own.waves.map((w) => [w.start, w.end])).not.toEqual(
      frame.waves.map((w) => [w.start, w.end]),
    );
    await screenshot(page, 'frame-detected-in-us');
    expect(errors).toEqual([]);
  });

  describe('hour granularity', () => {
    let page: Page;
    let errors: string[];
    let dayWaves: Awaited<ReturnType<typeof wavesTable>>;
    let hourWaves: Awaited<ReturnType<typeof wavesTable>>;
    let switchErrors: string[];
    beforeAll(async () => {
      ({ page, errors } = await openPage(browser, inject('baseUrl')));
      await loadSample(page);
      await showView(page, 'Waves');
      dayWaves = await wavesTable(page);
      const before = errors.length;
      await control(page, 'Granularity').selectOption('hour');
      await page.getByTestId('frame-in-force').filter({ hasText: '(signups per hour)' }).waitFor(T);
      await showView(page, 'Waves', false);
      hourWaves = await wavesTable(page);
      switchErrors = errors.slice(before);
      await screenshot(page, 'frame-hour');
    });

    it('reads the waves table at day and at hour as node computes them', async () => {
      expect(dayWaves).toEqual(asTable(all.waves));
      expect(hourWaves).toEqual(asTable(hour.waves));
      expect(await text(page, 'baseline-median')).toBe(String(hour.waves?.baseline.median));
      expect(errors).toEqual([]);
    });

    // recharts' Brush kept the previous data's positions and drew NaN attributes once (console
    // errors) when the bucket count grew; the overview now remounts then.
    it('switches to a finer granularity without drawing the brush at NaN', async () => {
      expect(switchErrors.filter((e) => /NaN/.test(e))).toEqual([]);
      const bad = await page
        .locator('.overview rect, .overview line')
        .evaluateAll(
          (els) => els.filter((e) => /NaN/.test(e.outerHTML.split('>')[0] ?? '')).length,
        );
      expect(bad).toBe(0);
    });

    // Issue 8: a nightly dip no longer splits a surge. The rule (README, Choices): at hour
    // granularity two runs of surging hours merge unless 24 or more quiet hours separate them.
    it('separates hour waves only by a day or more of quiet hours, and finds every day wave', async () => {
      const HOUR = 3_600_000;
      expect(dayWaves.length).toBeGreaterThan(0);
      expect(hourWaves.length).toBeGreaterThan(0);
      for (let i = 1; i < hourWaves.length; i++) {
        const prev = hourWaves[i - 1] as (typeof hourWaves)[number];
        const next = hourWaves[i] as (typeof hourWaves)[number];
        const quietHours = (labelMs(next.start) - (labelMs(prev.end) + HOUR)) / HOUR;
        expect(quietHours, `between ${prev.end} and ${next.start}`).toBeGreaterThanOrEqual(24);
      }
      // Each day wave's days hold some hour wave.
      const DAY = 24 * HOUR;
      for (const d of dayWaves) {
        const from = labelMs(d.start);
        const to = labelMs(d.end) + DAY;
        const overlaps = hourWaves.some(
          (h) => labelMs(h.start) < to && labelMs(h.end) + HOUR > from,
        );
        expect(overlaps, `day wave ${d.start} to ${d.end}`).toBe(true);
      }
    });
  });
});
