/** Parameters shared by every metric query. The view state is the only source of these. */
import type { Dialect } from '../db/dialect.ts';

export type Granularity = 'hour' | 'day' | 'week' | 'month';
export type CohortGranularity = 'day' | 'week' | 'month';
export type AuthorGroup = 'all' | 'new' | 'existing';
/** What the waves chart counts per bucket (metrics.md "Filters and the frame of the surge"). */
export type SeriesKind = 'signups' | 'posts' | 'authors' | 'newcomer_posts';
export const SERIES_KINDS: readonly SeriesKind[] = [
  'signups',
  'posts',
  'authors',
  'newcomer_posts',
];
export const AUTHOR_GROUPS: readonly AuthorGroup[] = ['all', 'new', 'existing'];

/** A segment filter: rows whose column holds one of the values. */
export interface SegmentFilter {
  table: 'signups' | 'posts';
  column: string;
  values: string[];
}

export interface Filters {
  /** Inclusive date range in the report time zone, `YYYY-MM-DD`. */
  from?: string | null;
  to?: string | null;
  segments?: SegmentFilter[];
}

/** What the data holds, needed to build time-zone aware SQL: instants as epoch ms. */
export interface DataRange {
  minMs: number;
  maxMs: number;
  /** The latest timestamp loaded (signups or posts): the dataset end. */
  endMs: number;
}

/**
 * Pre-aggregates that exist (cubes.ts). Every metric reads them when they can serve the query
 * exactly and the raw tables otherwise, with the same numbers either way.
 */
export interface CubeSet {
  /** `cube_signups` (signups per 15-minute slot and combination of these signup columns). */
  signups: { columns: string[] } | null;
  /**
   * `cube_posts` (posts per 15-minute slot, category, combination of the author's signup
   * columns, these post columns, and the band of the author's signup time between boundaries);
   * `lean`: `cube_posts_lean` holds the same without segment columns (databases stored before
   * it existed lack it).
   */
  posts: {
    signupColumns: string[];
    postColumns: string[];
    boundaries: number[];
    lean?: boolean;
  } | null;
  /** Retention cubes built so far, by time zone and cohort granularity. */
  retention: { name: string; tz: string; g: CohortGranularity; boundaries: number[] }[];
}

/** The context of every metric query. */
export interface QueryContext {
  tz: string;
  range: DataRange;
  filters: Filters;
  /** Segment columns that exist, per table: filters naming others are refused. */
  schema: { signups: string[]; posts: string[] };
  /** Pre-aggregates to read from; none (the CLI, tests of the raw path): the raw tables. */
  cubes?: CubeSet | null;
  /** The engine's SQL dialect; DuckDB's unless said (see db/dialect.ts). */
  dialect?: Dialect;
  /**
   * On a cluster, the table each shard joins its own signups from: `signups_local`, qualified
   * when the tables are not in the servers' default database (a shard resolves an unqualified
   * name in its own default, not the one the query was sent with).
   */
  localSignups?: string;
}

export interface WaveSettings {
  /** Baseline window as dates (inclusive); null = the first 14 days of the series. */
  baseline: { from: string; to: string } | null;
  madMultiplier: number;
  medianMultiplier: number;
}

export const DEFAULT_WAVE_SETTINGS: WaveSettings = {
  baseline: null,
  madMultiplier: 3,
  medianMultiplier: 2,
};
