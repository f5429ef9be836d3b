/** Build the query context from what is loaded: data range, segment columns, pre-aggregates. */
import type { Engine } from '../db/engine.ts';
import { chIdent, epochMsSql, nullableSql } from '../db/dialect.ts';
import { PLAUSIBLE_FROM_MS, PLAUSIBLE_TO_MS, plausibleSql } from '../ingest/plausible.ts';
import { segmentColumns } from '../ingest/tables.ts';
import { loadDataRange } from './buckets.ts';
import { loadCubeSet } from './cubes.ts';
import type { DataRange, Filters, QueryContext } from './params.ts';
import { utcToLocalMs } from './time-zone.ts';

/**
 * The instants the analyses cover: the loaded data's, without implausible timestamps
 * (ingest/plausible.ts), and whether any were left out. Null when no plausible row is loaded.
 */
export async function plausibleDataRange(
  engine: Engine,
): Promise<{ range: DataRange; leftOut: boolean } | null> {
  const range = await loadDataRange(engine);
  if (!range) return null;
  if (range.minMs >= PLAUSIBLE_FROM_MS && range.maxMs < PLAUSIBLE_TO_MS)
    return { range, leftOut: false };
  const d = engine.dialect;
  const rows = await engine.query<{ lo: number | null; hi: number | null }>(
    `SELECT ${epochMsSql('min(lo)', d)} AS lo, ${epochMsSql('max(hi)', d)} AS hi FROM (
       SELECT min(${nullableSql('signup_at', d)}) AS lo, max(${nullableSql('signup_at', d)}) AS hi FROM signups WHERE ${plausibleSql('signup_at', d)}
       UNION ALL SELECT min(${nullableSql('created_at', d)}), max(${nullableSql('created_at', d)}) FROM posts WHERE ${plausibleSql('created_at', d)})`,
  );
  const r = rows[0];
  if (!r || r.lo == null || r.hi == null) return null;
  return { range: { minMs: r.lo, maxMs: r.hi, endMs: r.hi }, leftOut: true };
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
function localDate(ms: number, tz: string): string {
  return new Date(utcToLocalMs(ms, tz)).toISOString().slice(0, 10);
}

/**
 * The date range narrowed to the plausible data's local dates, so that every analysis that
 * honours the date range (content mix, drift, retention cohorts) leaves the implausible rows
 * out as the series do.
 */
function withinData(filters: Filters, range: DataRange, tz: string): Filters {
  const lo = localDate(range.minMs, tz);
  const hi = localDate(range.maxMs, tz);
  return {
    ...filters,
    from: filters.from && filters.from > lo ? filters.from : lo,
    to: filters.to && filters.to < hi ? filters.to : hi,
  };
}

/** What the context takes from the loaded tables: the same for every zone and filter. */
export interface LoadedData {
  range: DataRange;
  /** Rows with implausible timestamps lie outside `range`. */
  leftOut: boolean;
  schema: QueryContext['schema'];
}

/** The loaded data's range and segment columns, or null when no plausible row is loaded. */
export async function loadData(engine: Engine): Promise<LoadedData | null> {
  const data = await plausibleDataRange(engine);
  if (!data) return null;
  const schema = {
    signups: await segmentColumns(engine, 'signups'),
    posts: await segmentColumns(engine, 'posts'),
  };
  return { ...data, schema };
}

/** The context of loaded data for a zone, filters and pre-aggregates. */
export function contextOf(
  engine: Engine,
  data: LoadedData,
  tz: string,
  filters: Filters,
  cubes: QueryContext['cubes'],
): QueryContext {
  return {
    tz,
    range: data.range,
    filters: data.leftOut ? withinData(filters, data.range, tz) : filters,
    schema: data.schema,
    cubes,
    dialect: engine.dialect,
    localSignups: engine.database ? `${chIdent(engine.database)}.signups_local` : 'signups_local',
  };
}

export async function loadContext(
  engine: Engine,
  tz: string,
  filters: Filters = {},
): Promise<QueryContext | null> {
  const data = await loadData(engine);
  if (!data) return null;
  return contextOf(engine, data, tz, filters, await loadCubeSet(engine));
}
