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
import { ingestFiles } from '../../src/ingest/ingest.ts';
import type { FileOptions } from '../../src/ingest/load.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import type { IngestReport } from '../../src/ingest/report.ts';
import { runAnalysis } from '../../src/metrics/analysis.ts';
import type { Analysis, AnalysisParams } from '../../src/metrics/analysis.ts';
import { loadContext } from '../../src/metrics/context.ts';
import { topMovers } from '../../src/metrics/drift.ts';
import type { Mover } from '../../src/metrics/drift.ts';
import { windowMix } from '../../src/metrics/mix.ts';
import { baselineWindow } from '../../src/metrics/waves.ts';

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

/** What the CLI computes on the files: ingest report, analyses and the first wave's movers. */
export async function nodeAnalysis(files: readonly string[]): Promise<Expected> {
  const engine = await openNodeEngine({ allowedPaths: [...files] });
  try {
    const report = await ingestFiles(
      engine,
      files.map((f) => ({ input: pathInput(f), options: { table: tableOf(f) } })),
    );
    const ctx = await loadContext(engine, 'UTC');
    if (!ctx) throw new Error('node: nothing loaded');
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
  } finally {
    await engine.close();
  }
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
    await page.addScriptTag({ content: source });
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

/** The report on the page: dataset facts, per-file numbers, and the listed rejects. */
export async function expectReport(page: Page, expected: IngestReport): Promise<void> {
  expect(await page.getByTestId('fact-signups').textContent()).toBe(
    expected.signups.toLocaleString('en-US'),
  );
  expect(await page.getByTestId('fact-posts').textContent()).toBe(
    expected.posts.toLocaleString('en-US'),
  );
  expect(await page.getByTestId('fact-end').textContent()).toBe(expected.dataset_end);
  expect(await page.getByTestId('fact-unknown-authors').textContent()).toContain(
    `${expected.authors_not_in_signups} (${expected.posts_by_unknown_authors} posts)`,
  );
  const rows = await bodyRows(page, 'files-table');
  expect(
    rows.map((r) => r[0]),
    'files in the report',
  ).toEqual(expected.files.map((f) => f.file));
  expect(rows.map((r) => [r[1], ...r.slice(2).map((c) => num(c ?? null))])).toEqual(
    expected.files.map((f) => [f.table, f.rows_read, f.rows_loaded, f.rows_rejected, f.duplicates]),
  );
  for (const f of expected.files) {
    const details = page.locator('details', {
      has: page.locator('summary', { hasText: `${f.file}:` }),
    });
    if (f.rejects.length === 0) {
      expect(await details.count(), f.file).toBe(0);
      continue;
    }
    expect(await details.locator('summary').textContent()).toBe(
      `${f.file}: ${f.rows_rejected.toLocaleString('en-US')} rejected rows`,
    );
    const listed = await details
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent)),
      );
    expect(listed, f.file).toEqual(f.rejects.map((r) => [String(r.line), r.reason]));
  }
}
