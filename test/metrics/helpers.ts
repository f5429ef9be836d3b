/** Shared helpers for the metric tests: load CSV text into a fresh engine and build a context. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import type { IngestItem } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { runAnalysis } from '../../src/metrics/analysis.ts';
import type { Analysis, AnalysisParams } from '../../src/metrics/analysis.ts';
import { loadContext } from '../../src/metrics/context.ts';
import type { Filters, Granularity, QueryContext } from '../../src/metrics/params.ts';
import { series } from '../../src/metrics/series.ts';
import { labelToUtcMs } from '../../src/metrics/labels.ts';
import { DEFAULT_WAVE_SETTINGS } from '../../src/metrics/params.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/metrics/', import.meta.url));

/** The text of a fixture under test/fixtures/metrics/. */
export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** CSV text from a header and rows (no quoting: test values hold no delimiters). */
export function csv(header: string, rows: readonly string[]): string {
  return [header, ...rows].join('\n') + '\n';
}

/** A fresh engine with the given signups and posts CSV text loaded (either may be omitted). */
export async function loadEngine(signups: string | null, posts: string | null): Promise<Engine> {
  const engine = await openNodeEngine();
  const items: IngestItem[] = [];
  if (signups !== null)
    items.push({ input: bufferInput('s.csv', signups), options: { table: 'signups' } });
  if (posts !== null)
    items.push({ input: bufferInput('p.csv', posts), options: { table: 'posts' } });
  const report = await ingestFiles(engine, items);
  for (const f of report.files) {
    if (f.error || f.rows_rejected > 0)
      throw new Error(`fixture ${f.file} did not load cleanly: ${JSON.stringify(f)}`);
  }
  return engine;
}

/** The query context; throws when nothing is loaded. */
export async function context(
  engine: Engine,
  tz = 'UTC',
  filters: Filters = {},
): Promise<QueryContext> {
  const ctx = await loadContext(engine, tz, filters);
  if (!ctx) throw new Error('no data loaded');
  return ctx;
}

export const DEFAULT_PARAMS: AnalysisParams = {
  granularity: 'day',
  cohort: 'week',
  waves: DEFAULT_WAVE_SETTINGS,
  surgeStart: null,
};

/** runAnalysis with defaults overridden. */
export function analyse(
  engine: Engine,
  ctx: QueryContext,
  params: Partial<AnalysisParams> = {},
): Promise<Analysis> {
  return runAnalysis(engine, ctx, { ...DEFAULT_PARAMS, ...params });
}

/** The signup series under the context's filters, as {bucket_start, signups} rows. */
export async function signupSeries(engine: Engine, ctx: QueryContext, g: Granularity) {
  const s = await series(engine, ctx, g, 'signups');
  return s.points.map((p) => ({ bucket_start: p.bucket_start, signups: p.value }));
}

/** A surge start label as the UTC instant contentMix takes. */
export const surgeAt = (label: string | null, tz = 'UTC') =>
  label === null ? null : labelToUtcMs(label, tz);

/** Signup series as [bucket_start, signups] pairs, for compact assertions. */
export function pairs(
  series: readonly ({ bucket_start: string } & ({ signups: number } | { value: number }))[],
) {
  return series.map((b) => [b.bucket_start, 'value' in b ? b.value : b.signups] as const);
}

/** Mix rows as `bucket|group|category` → [posts, share]. */
export function mixMap(
  mix: readonly {
    bucket_start: string;
    group: string;
    category: string;
    posts: number;
    share: number;
  }[],
): Map<string, [number, number]> {
  return new Map(
    mix.map((r) => [`${r.bucket_start}|${r.group}|${r.category}`, [r.posts, r.share]]),
  );
}

/** Drift rows as `bucket|group` → jsd. */
export function driftMap(
  drift: readonly { bucket_start: string; group: string; jsd: number }[],
): Map<string, number> {
  return new Map(drift.map((r) => [`${r.bucket_start}|${r.group}`, r.jsd]));
}
