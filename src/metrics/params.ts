/** Parameters shared by every metric query. The view state is the only source of these. */

export type Granularity = 'hour' | 'day' | 'week' | 'month';
export type CohortGranularity = 'day' | 'week' | 'month';
export type AuthorGroup = 'all' | 'new' | 'existing';
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

/** The context of every metric query. */
export interface QueryContext {
  tz: string;
  range: DataRange;
  filters: Filters;
  /** Segment columns that exist, per table: filters naming others are refused. */
  schema: { signups: string[]; posts: string[] };
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
