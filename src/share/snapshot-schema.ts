/**
 * What a snapshot may hold. A snapshot link is untrusted input that the views draw without a
 * query in between, so every entry is read through the schema of its kind (the cached result
 * of one query the views make), with bounds that keep drawing it cheap: rows per entry, string
 * lengths, real dates in a plausible range, retention periods, the retention grid, the span of
 * hour buckets. Entries of any other kind are never read (snapshot.ts drops them). The same
 * check runs when a snapshot is made, so a snapshot the app makes is one it can open.
 */
import { z } from 'zod';
// No `new Function` probe: the Content-Security-Policy has no 'unsafe-eval'.
z.config({ jitless: true });
import { isCalendarDate } from '../metrics/stats.ts';
import { isValidZone } from '../metrics/time-zone.ts';

export const SNAPSHOT_LIMITS = {
  /** Cached results in one snapshot (a view mounts about a dozen). */
  entries: 100,
  keyLength: 20_000,
  /** Rows of one result. */
  rows: 100_000,
  /** A segment value, a category, a group key. */
  text: 10_000,
  /** A column name. */
  name: 1_000,
  columns: 1_000,
  /** Retention periods since signup (day cohorts over five years). */
  period: 2_000,
  /** Cohorts x periods of the retention triangle: the cells it draws. */
  triangleCells: 250_000,
  /** Hours between the first and last hour bucket of one result (about eleven years). */
  hourSpan: 100_000,
  firstYear: 1900,
  lastYear: 2199,
  search: 20_000,
  waves: 1_000,
} as const;

const L = SNAPSHOT_LIMITS;
const MIN_MS = Date.UTC(L.firstYear, 0, 1);
const MAX_MS = Date.UTC(L.lastYear + 1, 0, 1);
const MAX_COUNT = 1e12;

const inYears = (s: string) => {
  const year = Number(s.slice(0, 4));
  return year >= L.firstYear && year <= L.lastYear;
};
/** A local date, `YYYY-MM-DD`, real and within the years above. */
const date = z
  .string()
  .max(10)
  .refine((s) => isCalendarDate(s) && inYears(s), 'not a date between 1900 and 2199');
/** A bucket label: a date, or a date and hour (`YYYY-MM-DDTHH:00`). */
const label = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):00)?$/, 'not a bucket label')
  .refine((s) => isCalendarDate(s.slice(0, 10)) && inYears(s), 'not a date between 1900 and 2199');
/** An instant (epoch ms) within the years above. */
const instant = z.number().int().min(MIN_MS).max(MAX_MS);
/** A count of people or posts. */
const count = z.number().int().min(0).max(MAX_COUNT);
/** A share, an expectation, an excess: any finite number of sane size. */
const real = z.number().min(-MAX_COUNT).max(MAX_COUNT);
const text = z.string().max(L.text);
const name = z.string().max(L.name);
const rows = <T extends z.ZodType>(row: T) => z.array(row).max(L.rows);
const granularity = z.enum(['hour', 'day', 'week', 'month']);
const cohortGranularity = z.enum(['day', 'week', 'month']);
const period = z.number().int().min(0).max(L.period);

const context = z.object({
  tz: z.string().max(64).refine(isValidZone, 'unknown time zone'),
  range: z
    .object({ minMs: instant, maxMs: instant, endMs: instant })
    .refine((r) => r.minMs <= r.maxMs && r.minMs <= r.endMs, 'range ends before it starts'),
  filters: z.object({
    from: date.nullish(),
    to: date.nullish(),
    segments: z
      .array(
        z.object({
          table: z.enum(['signups', 'posts']),
          column: name,
          values: z.array(text).max(1_000),
        }),
      )
      .max(50)
      .optional(),
  }),
  schema: z.object({
    signups: z.array(name).max(L.columns),
    posts: z.array(name).max(L.columns),
  }),
  cubes: z.null().optional(),
});

const series = z.object({
  points: rows(z.object({ bucket_start: label, value: count })),
  dataStart: date.nullable(),
});

const breakdown = rows(z.object({ bucket_start: label, value: text, signups: count }));

const attribution = rows(
  z.object({
    value: text,
    wave_signups: count,
    baseline_signups: count,
    expected: real,
    excess: real,
    share: real,
  }),
);

const categoryShares = rows(z.object({ category: text, posts: count, share: real }));

const mix = z
  .object({
    g: granularity,
    surgeUtcMs: instant.nullable(),
    rows: rows(
      z.object({
        bucket_start: label,
        group: z.enum(['all', 'new', 'existing']),
        category: text,
        posts: count,
        share: real,
      }),
    ),
  })
  // The mix axis steps through every bucket between the first and last at `g`: date labels
  // read at hour granularity would make it step through centuries hour by hour.
  .refine(
    (m) => m.rows.every((r) => r.bucket_start.includes('T') === (m.g === 'hour')),
    'bucket labels that do not match the granularity',
  );

const triangle = z
  .object({
    g: cohortGranularity,
    cells: rows(
      z.object({
        cohort_start: date,
        cohort_size: count,
        period,
        active_users: count,
        retention: real,
        active_on_or_after: count,
        complete: z.boolean(),
      }),
    ),
  })
  .refine(
    (t) => {
      // The triangle draws every cohort across every period up to the largest.
      let maxPeriod = -1;
      const cohorts = new Set<string>();
      for (const c of t.cells) {
        cohorts.add(c.cohort_start);
        maxPeriod = Math.max(maxPeriod, c.period);
      }
      return cohorts.size * (maxPeriod + 1) <= L.triangleCells;
    },
    `more than ${L.triangleCells.toLocaleString('en-US')} retention cells to draw`,
  );

const curveRows = rows(
  z.object({
    key: text,
    period,
    cohort_size: count,
    active_users: count,
    active_on_or_after: count,
  }),
);

const retentionGroups = z.object({
  g: cohortGranularity,
  spans: z.object({
    surgeUtcMs: instant.nullable(),
    waves: z.array(z.object({ startUtcMs: instant, endUtcMs: instant })).max(L.waves),
  }),
  rows: curveRows,
});

const retentionValues = z.object({ g: cohortGranularity, column: name, rows: curveRows });

/**
 * The kinds of result a snapshot carries, by the prefix of their cache key (the text before the
 * first `:`), with the schema of each. These are the results the views' charts and tables draw;
 * value lists (a filter's values with counts), the data's fingerprint and anything else are not
 * kinds, so they are never packed and never read.
 */
export const ENTRY_SCHEMAS = {
  ctx: context,
  series,
  breakdown,
  attr: attribution,
  'mix-rank': categoryShares,
  mix,
  'mix-window': categoryShares,
  'retention-triangle': triangle,
  'retention-groups': retentionGroups,
  'retention-values': retentionValues,
} as const;

export type EntryKind = keyof typeof ENTRY_SCHEMAS;
export type EntryValue<K extends EntryKind> = z.infer<(typeof ENTRY_SCHEMAS)[K]>;

/** The kind of a cache key (its prefix), or null when snapshots do not carry it. */
export function entryKind(key: string): EntryKind | null {
  const i = key.indexOf(':');
  const prefix = i < 0 ? key : key.slice(0, i);
  return Object.hasOwn(ENTRY_SCHEMAS, prefix) ? (prefix as EntryKind) : null;
}

/** One cached result: its key, and its value read through the schema of its kind. */
export type Entry = {
  [K in EntryKind]: { key: string; kind: K; value: EntryValue<K> };
}[EntryKind];

const HOUR = 3_600_000;

/** First and last hour bucket anywhere in a value (labels with a `T`). */
function hourSpan(value: unknown): number {
  let lo: string | null = null;
  let hi: string | null = null;
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.length === 16 && v[10] === 'T') {
        if (lo === null || v < lo) lo = v;
        if (hi === null || v > hi) hi = v;
      }
    } else if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(value);
  if (lo === null || hi === null) return 0;
  return (Date.parse(`${hi}:00Z`) - Date.parse(`${lo}:00Z`)) / HOUR;
}

/** Why a value cannot be an entry of its kind, in a few words; null when it can. */
export function readEntry(
  key: string,
  value: unknown,
): { entry: Entry; error: null } | { entry: null; error: string } {
  if (key.length > L.keyLength) return { entry: null, error: 'a key is too long' };
  const kind = entryKind(key);
  if (!kind) return { entry: null, error: `"${key.slice(0, 40)}" is not a result a view draws` };
  const parsed = ENTRY_SCHEMAS[kind].safeParse(value);
  if (!parsed.success) return { entry: null, error: `${kind}: ${describeIssue(parsed.error)}` };
  // Hour buckets are drawn one by one between the first and the last (the Content mix axis).
  if (hourSpan(parsed.data) > L.hourSpan)
    return { entry: null, error: `${kind}: hour buckets span more than ${L.hourSpan} hours` };
  return { entry: { key, kind, value: parsed.data } as Entry, error: null };
}

/** The first problem zod found, where and what: "cells.3.period: Too big: expected ...". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not readable';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`.slice(0, 200);
}

/** The snapshot around the entries. */
/** Longest title and note a snapshot carries. */
export const SNAPSHOT_TITLE_MAX = 120;
export const SNAPSHOT_NOTE_MAX = 1000;

export const snapshotSchema = z.object({
  v: z.literal(1),
  created: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/, 'not a UTC date-time')
    .refine((s) => isCalendarDate(s.slice(0, 10)), 'not a date'),
  search: z.string().max(L.search),
  fingerprint: z
    .string()
    .regex(/^[0-9a-z-]{1,80}$/)
    .nullable(),
  version: z.number().int().min(0).max(1e9),
  /** The analyst's title and note (plain text: React escapes it). */
  title: z.string().max(SNAPSHOT_TITLE_MAX).optional(),
  note: z.string().max(SNAPSHOT_NOTE_MAX).optional(),
  /** Counts under `k` people were folded into Other (`folded` rows) or hidden (`hidden`). */
  privacy: z
    .object({ k: z.number().int().min(2).max(1_000), folded: count, hidden: count })
    .optional(),
  entries: z.array(z.tuple([z.string(), z.unknown()])).max(L.entries),
});
