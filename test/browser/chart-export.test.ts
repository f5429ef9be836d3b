/**
 * Chart export on the sample (Waves, Content mix, Retention): each chart's SVG and PNG buttons download a file; the SVG parses
 * as XML, carries the title, the filters in force and a background, and renders as an image; the
 * PNG is a PNG that decodes at twice the SVG's size.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ARTIFACTS, launch, openPage } from './browser.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const FILTERS = 'country = CN, US';
const QUERY = `?tz=Asia%2FTokyo&f=${encodeURIComponent('signups.country:CN|US')}`;

async function showView(page: Page, tab: string): Promise<void> {
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await page.locator('figure.chart svg.recharts-surface').first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () => (document.documentElement.dataset.queries ?? '0') === '0',
    null,
    {
      timeout: 60_000,
    },
  );
  await page.waitForTimeout(500);
}

async function download(page: Page, name: string): Promise<{ file: string; bytes: Buffer }> {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  const bytes = readFileSync(await dl.path());
  const file = dl.suggestedFilename();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}/export-${file}`, bytes);
  return { file, bytes };
}

interface SvgInfo {
  error: string | null;
  root: string;
  title: string;
  texts: string[];
  background: string | null;
  viewBox: string | null;
  width: number;
}

/** Parse the SVG in the page and draw it as an image. */
function inspectSvg(page: Page, text: string): Promise<SvgInfo> {
  return page.evaluate(async (svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const root = doc.documentElement;
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    await img.decode();
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: root.localName,
      title: root.querySelector(':scope > title')?.textContent ?? '',
      texts: [...root.querySelectorAll(':scope > g > text')].map((t) => t.textContent ?? ''),
      background: root.querySelector(':scope > rect')?.getAttribute('fill') ?? null,
      viewBox: root.getAttribute('viewBox'),
      width: img.naturalWidth,
    };
  }, text);
}

/** Decode the PNG in the page. */
function pngSize(page: Page, bytes: Buffer): Promise<{ width: number; height: number }> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  }, bytes.toString('base64'));
}

describe('chart export', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('downloads each chart as SVG and PNG with its title, the filters and a background', async () => {
    const { page, errors, external } = await openPage(browser, `${inject('baseUrl')}${QUERY}`);
    await page.getByRole('button', { name: 'Load sample data' }).click();
    await page.getByRole('heading', { name: 'Ingest report' }).waitFor({ timeout: 90_000 });

    const charts = [
      { tab: 'Waves', title: 'Signups over time', file: 'signups', extra: 'Granularity: day' },
      {
        tab: 'Content mix',
        title: 'Category shares, newcomers',
        file: 'category-shares-new',
        extra: 'Authors: newcomers',
        legend: 'Other',
      },
      {
        tab: 'Retention',
        title: 'Retention by week since signup',
        file: 'retention-week',
        extra: 'Cohorts: week',
        legend: 'before the surge',
      },
    ];
    for (const c of charts) {
      await showView(page, c.tab);
      const svg = await download(page, `Download ${c.title} as SVG`);
      expect(svg.file).toBe(`${c.file}.svg`);
      expect(svg.bytes.length).toBeGreaterThan(1000);
      const info = await inspectSvg(page, svg.bytes.toString('utf8'));
      expect(info.error).toBeNull();
      expect(info.root).toBe('svg');
      expect(info.title).toBe(c.title);
      expect(info.texts[0]).toBe(c.title);
      const filters = info.texts.slice(1).join(' ');
      expect(filters).toContain(FILTERS);
      expect(filters).toContain('Time zone: Asia/Tokyo');
      expect(filters).toContain(c.extra);
      expect(info.background).toMatch(/^rgb/);
      expect(info.viewBox).toMatch(/^0 0 \d+ \d+$/);
      expect(info.width).toBeGreaterThan(0);
      // Standalone: no CSS variable is left for a viewer to resolve; recharts' HTML legend is drawn.
      const text = svg.bytes.toString('utf8');
      expect(text).not.toContain('var(--');
      if (c.legend) expect(text).toContain(`>${c.legend}</text>`);

      const png = await download(page, `Download ${c.title} as PNG`);
      expect(png.file).toBe(`${c.file}.png`);
      expect([...png.bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      const size = await pngSize(page, png.bytes);
      const [, , w, h] = (info.viewBox ?? '').split(' ').map(Number);
      expect(size).toEqual({ width: (w ?? 0) * 2, height: (h ?? 0) * 2 });
    }
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  });
});
