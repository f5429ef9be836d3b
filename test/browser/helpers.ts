/**
 * Shared pieces of the browser tests: the numbers node computes with the CLI's own code (the
 * reference the page must match), axe-core runs, and reading numbers back from the page.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import type { FileOptions } from '../../src/ingest/load.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import type { IngestReport } from '../../src/ingest/report.ts';
import { runAnalysis } from '../../src/metrics/analysis.ts';
import type { Analysis, AnalysisParams } from '../../src/metrics/analysis.ts';
import { loadContext } from '../../src/metrics/context.ts';
import type { Filters, QueryContext } from '../../src/metrics/params.ts';
import { attributionSql, shapeAttribution } from '../../src/metrics/segments.ts';
import type { AttributionRow } from '../../src/metrics/segments.ts';
import { curves } from '../../src/metrics/retention.ts';
import { withIntervals } from '../../src/metrics/retention-shape.ts';
import type { GroupPoint } from '../../src/metrics/retention-shape.ts';
import { topMovers } from '../../src/metrics/drift.ts';
import type { Mover } from '../../src/metrics/drift.ts';
import { windowMix } from '../../src/metrics/mix.ts';
import { baselineWindow } from '../../src/metrics/waves.ts';
import type { Wave } from '../../src/metrics/waves.ts';

export const SAMPLE = 'data/sample';
export const FIXTURES = 'test/fixtures/browser';

/** The dashboard's defaults, as the CLI would be run without options. */
export const DEFAULT_PARAMS: AnalysisParams = {
  granularity: 'day',
  cohort: 'week',
  waves: { baseline: null, madMultiplier: 3, medianMultiplier: 2 },
  surgeStart: null,
};

/** The sample's CSV files, signups first (the order the page loads them in). */
export function sampleFiles(): string[] {
  const files = readdirSync(SAMPLE)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return [
    ...files.filter((f) => f.startsWith('signups')),
    ...files.filter((f) => !f.startsWith('signups')),
  ].map((f) => path.join(SAMPLE, f));
}

export interface NodeFile {
  path: string;
  options?: FileOptions;
}

/** The table a file feeds, by its name (signups_* or posts_*). */
export const tableOf = (file: string) =>
  path.basename(file).startsWith('signups') ? ('signups' as const) : ('posts' as const);

/** ingestFiles in node on local files, in the order given. */
export async function nodeIngest(files: readonly NodeFile[]): Promise<IngestReport> {
  const engine = await openNodeEngine({ allowedPaths: files.map((f) => f.path) });
  try {
    return await ingestFiles(
      engine,
      files.map((f) => ({
        input: pathInput(f.path),
        options: f.options ?? { table: tableOf(f.path) },
      })),
    );
  } finally {
    await engine.close();
  }
}

export interface Expected {
  report: IngestReport;
  analysis: Analysis;
  /** The movers window the Mix view defaults to (the first wave's dates) and its movers. */
  moversWindow: { from: string; to: string };
  movers: Mover[];
}

/**
 * Load the files in node (the CLI's code path) and run `work` on the loaded data in `tz`, with
 * `filters`; the engine is closed afterwards.
 */
async function withNodeData<T>(
  files: readonly string[],
  work: (engine: Engine, ctx: QueryContext, report: IngestReport) => Promise<T>,
  tz = 'UTC',
  filters: Filters = {},
): Promise<T> {
  const engine = await openNodeEngine({ allowedPaths: [...files] });
  try {
    const report = await ingestFiles(
      engine,
      files.map((f) => ({ input: pathInput(f), options: { table: tableOf(f) } })),
    );
    const ctx = await loadContext(engine, tz, filters);
    if (!ctx) throw new Error('node: nothing loaded');
    return await work(engine, ctx, report);
  } finally {
    await engine.close();
  }
}

/** What the CLI computes on the files: ingest report, analyses and the first wave's movers. */
export async function nodeAnalysis(files: readonly string[]): Promise<Expected> {
  return withNodeData(files, async (engine, ctx, report) => {
    const analysis = await runAnalysis(engine, ctx, DEFAULT_PARAMS);
    const base = baselineWindow(analysis.signups, DEFAULT_PARAMS.waves);
    const wave = analysis.waves?.waves[0];
    if (!base || !wave) throw new Error('node: the sample should have a baseline and a wave');
    // Day buckets: the first wave runs from its first bucket's date to its last bucket's date.
    const moversWindow = { from: wave.start, to: wave.end };
    const movers = topMovers(
      await windowMix(engine, ctx, base),
      await windowMix(engine, ctx, moversWindow),
    );
    return { report, analysis, moversWindow, movers };
  });
}

/** What node computes on the files with filters and parameters other than the defaults. */
export async function nodeRun(
  files: readonly string[],
  options: { tz?: string; filters?: Filters; params?: Partial<AnalysisParams> } = {},
): Promise<{ report: IngestReport; analysis: Analysis }> {
  return withNodeData(
    files,
    async (engine, ctx, report) => ({
      report,
      analysis: await runAnalysis(engine, ctx, { ...DEFAULT_PARAMS, ...options.params }),
    }),
    options.tz,
    options.filters,
  );
}

/**
 * Who drove a wave (node): each value's signups in the wave and its share of the signups above
 * baseline pace, on the whole data at day granularity, as the Waves view's attribution table.
 */
export async function nodeAttribution(
  files: readonly string[],
  column: string,
  waveIndex: number,
): Promise<AttributionRow[]> {
  return withNodeData(files, async (engine, ctx) => {
    const analysis = await runAnalysis(engine, ctx, DEFAULT_PARAMS);
    const frame = analysis.frame;
    const wave = frame?.waves[waveIndex];
    if (!frame || !wave) throw new Error(`node: no wave #${waveIndex + 1}`);
    const sql = attributionSql(ctx, 'day', column, wave, frame.baseline);
    const rows = await engine.query<{
      value: string;
      wave_signups: number;
      baseline_signups: number;
    }>(sql.text, sql.params);
    const buckets = analysis.signups.filter(
      (b) => b.bucket_start >= wave.start && b.bucket_start <= wave.end,
    ).length;
    return shapeAttribution(rows, frame.baseline.median, buckets);
  });
}

/** Average retention curves by a signup column's top values (+ Other), weekly cohorts (node). */
export async function nodeSegmentCurves(
  files: readonly string[],
  column: string,
  top = 8,
): Promise<GroupPoint[]> {
  return withNodeData(files, async (engine, ctx) => {
    const rows = await curves(engine, ctx, 'week', { kind: 'segment', column, top });
    return withIntervals(rows, [...new Set(rows.map((r) => r.key))]);
  });
}

/** A number as the page prints it: "12,340", "58.5", "+3.2", "15.5%", "—" (null). */
export function num(text: string | null): number | null {
  const t = (text ?? '').trim().replace(/,/g, '').replace(/%$/, '');
  if (t === '' || t === '—') return null;
  const n = Number(t);
  if (Number.isNaN(n)) throw new Error(`Not a number on the page: "${text}"`);
  return n;
}

/** Cell texts of a table's body rows (td and th), one array per row. */
export async function bodyRows(page: Page, testId: string): Promise<string[][]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td, th')].map((c) => (c.textContent ?? '').trim())),
    );
}

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

const require = createRequire(import.meta.url);

/** Run axe-core on the page as it is; violations with impact serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) {
    const { source } = require('axe-core') as { source: string };
    // Evaluated through the DevTools protocol, not as a <script>: the app's Content-Security-
    // Policy (rightly) blocks inline scripts.
    await page.evaluate(`${source}\n;0`);
  }
  const result = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: () => Promise<{ violations: AxeViolation[] }> };
    };
    const r = await w.axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html.slice(0, 200),
        failureSummary: n.failureSummary,
      })),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Readable failure text for axe violations: rule, impact, help and the elements. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help}\n` +
        v.nodes
          .slice(0, 8)
          .map(
            (n) =>
              `    ${JSON.stringify(n.target)} ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, ' ')}`,
          )
          .join('\n') +
        (v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : ''),
    )
    .join('\n');
}

/** Assert the page has no serious or critical axe violations, listing them when it does. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `axe on ${label}:\n${describeViolations(violations)}`).toEqual([]);
}

/** The page does not scroll sideways: the document is no wider than the viewport. */
export async function horizontalOverflow(page: Page): Promise<{ scroll: number; client: number }> {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
}

/** An instant as the report prints it: "2025-02-28T23:59:02Z" → "2025-02-28 23:59:02 UTC". */
export const reportTime = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '—';

/** The report's dataset facts: signups, posts, where the data starts and ends, unknown authors. */
export async function expectFacts(page: Page, expected: IngestReport): Promise<void> {
  expect(await page.getByTestId('fact-signups').textContent()).toBe(
    expected.signups.toLocaleString('en-US'),
  );
  expect(await page.getByTestId('fact-posts').textContent()).toBe(
    expected.posts.toLocaleString('en-US'),
  );
  expect(await page.getByTestId('fact-start').textContent()).toBe(
    reportTime(expected.dataset_start),
  );
  expect(await page.getByTestId('fact-end').textContent()).toBe(reportTime(expected.dataset_end));
  expect(await page.getByTestId('fact-unknown-authors').textContent()).toBe(
    `${expected.authors_not_in_signups.toLocaleString('en-US')} (${expected.posts_by_unknown_authors.toLocaleString('en-US')} posts)`,
  );
}

/** The files table and each file's summary line: file, table, read, loaded, rejected, duplicates. */
export async function expectFiles(page: Page, expected: IngestReport): Promise<void> {
  const rows = await bodyRows(page, 'files-table');
  expect(
    rows.map((r) => r[0]),
    'files in the report',
  ).toEqual(expected.files.map((f) => f.file));
  // File, table, read, loaded, rejected, duplicates (then the Remove button).
  expect(rows.map((r) => [r[1], ...r.slice(2, 6).map((c) => num(c ?? null))])).toEqual(
    expected.files.map((f) => [f.table, f.rows_read, f.rows_loaded, f.rows_rejected, f.duplicates]),
  );
  const summaries = await page.locator('details.file-details > summary').allTextContents();
  expect(summaries).toEqual(
    expected.files.map((f) =>
      f.error
        ? `${f.file}: not loaded`
        : `${f.file}: ${f.rows_loaded.toLocaleString('en-US')} loaded, ${f.rows_rejected.toLocaleString('en-US')} rejected, ${f.duplicates.toLocaleString('en-US')} duplicates`,
    ),
  );
}

/** Each file's listed rejects: line, reason and the record's text (the first 200 are shown). */
export async function expectRejectLists(page: Page, expected: IngestReport): Promise<void> {
  const details = page.locator('details.file-details');
  expect(await details.count()).toBe(expected.files.length);
  for (const [i, f] of expected.files.entries()) {
    const listed = await details
      .nth(i)
      .locator('table.rejects tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    expect(listed, f.file).toEqual(
      f.rejects.slice(0, 200).map((r) => [String(r.line), r.reason, r.raw ?? '']),
    );
  }
}

/** The whole report on the page: facts, files and every listed reject with its text. */
export async function expectReport(page: Page, expected: IngestReport): Promise<void> {
  await expectFacts(page, expected);
  await expectFiles(page, expected);
  await expectRejectLists(page, expected);
}

// ---------------------------------------------------------------------------------------------
// Driving the page

export const T = { timeout: 90_000 };

/** Every query settled (the app mirrors queries in flight on <html data-queries>). */
export async function idle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (document.documentElement.dataset.queries ?? '0') === '0',
    null,
    T,
  );
}

/** Every query settled and no "Computing…" left. */
export async function settle(page: Page): Promise<void> {
  // Several views' parts can be computing at once: wait until none says so (a locator's
  // waitFor would refuse to wait on two matches).
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('[role="status"]')].some(
        (e) => e.textContent === 'Computing…',
      ),
    null,
    T,
  );
  await idle(page);
}

/** Load the sample from the Data tab (no data yet) and wait for the data's fingerprint in the URL. */
export async function loadSample(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Load sample data' }).click();
  await page.waitForFunction(() => /[?&]fp=v1-/.test(location.search), null, T);
  await idle(page);
}

export type ViewName = 'Data' | 'Waves' | 'Content mix' | 'Retention';
export const TRIANGLE_CELLS = '[data-testid="retention-triangle"] td[data-cohort]';

/** Open a view by its tab (unless `click` is false) and wait until its main content settles. */
export async function showView(page: Page, view: ViewName, click = true): Promise<void> {
  if (click) await page.getByRole('tab', { name: view, exact: true }).click();
  const ready = {
    Data: page.getByRole('heading', { name: 'Ingest report' }),
    Waves: page.getByTestId('waves-table'),
    'Content mix': page.getByTestId('movers-table'),
    Retention: page.locator(TRIANGLE_CELLS).first(),
  }[view];
  await ready.waitFor(T);
  await settle(page);
}

/** Column index by header text of a DataTable (headers are sort buttons). */
export async function columnIndex(page: Page, testId: string): Promise<Map<string, number>> {
  const headers = await page
    .getByTestId(testId)
    .locator('thead th')
    .evaluateAll((ths) => ths.map((th) => (th.textContent ?? '').replace(/[▲▼]/g, '').trim()));
  return new Map(headers.map((h, i) => [h, i]));
}

/** The waves table as { start, end, peak_signups, signups } per row, by header. */
export async function wavesTable(page: Page) {
  const col = await columnIndex(page, 'waves-table');
  const at = (r: string[], h: string) => {
    const i = col.get(h);
    if (i === undefined) throw new Error(`No column "${h}" in the waves table`);
    return r[i] ?? '';
  };
  const unit = [...col.keys()].find((h) => h.startsWith('Peak ') && h !== 'Peak multiple') ?? '';
  const total = [...col.keys()].find((h) => h.endsWith(' in the wave')) ?? '';
  return (await bodyRows(page, 'waves-table')).map((r) => ({
    start: at(r, 'Start'),
    end: at(r, 'End'),
    peak_signups: num(at(r, unit)),
    signups: num(at(r, total)),
  }));
}

/** Node's waves as the waves table shows them (wavesTable's shape). */
export function waveRows(waves: readonly Wave[]) {
  return waves.map((w) => ({
    start: w.start,
    end: w.end,
    peak_signups: w.peak_signups,
    signups: w.signups,
  }));
}

/** Text as a literal inside a RegExp. */
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A labelled control; a select's accessible name also holds its value, so match the start. */
export const control = (p: Page, label: string) => p.getByLabel(new RegExp(`^${label}(\\s|$)`));

/** Add a segment filter from the filter bar and tick values in its checkbox list. */
export async function addFilter(page: Page, key: string, values: readonly string[]) {
  const bar = page.getByRole('group', { name: 'Filters' });
  await bar.getByLabel('Add a filter').selectOption(key);
  const column = key.replace(/^(signups|posts)\./, '');
  const list = bar.getByRole('list', { name: new RegExp(`^Values of ${escapeRe(column)}`) });
  for (const v of values) {
    await list.getByRole('checkbox', { name: new RegExp(`^${escapeRe(v)} `) }).check(T);
  }
}
