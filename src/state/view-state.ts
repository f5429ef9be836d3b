/**
 * The view state: everything that decides what the dashboard shows. It lives in the URL so a
 * link reproduces the view. A URL is untrusted input: each field is read through a zod schema,
 * and anything invalid or unknown falls back to its default with a notice.
 */
import { z } from 'zod';
// No `new Function` probe: the Content-Security-Policy has no 'unsafe-eval'.
z.config({ jitless: true });
import { isValidZone } from '../metrics/time-zone.ts';
import { isCalendarDate } from '../metrics/stats.ts';

const date = z.string().refine(isCalendarDate, 'not a date');
/** A bucket label: a real date, with a real hour (00-23) for hour buckets. */
const label = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):00)?$/)
  .refine((s) => isCalendarDate(s.slice(0, 10)), 'not a date');
const column = z.string().min(1).max(64);
const value = z.string().max(200);

export const VIEWS = ['data', 'waves', 'mix', 'retention'] as const;
export type ViewName = (typeof VIEWS)[number];

/** A dated note drawn on every time axis ("2025-01-19: TikTok goes dark"). */
export const annotationSchema = z.object({
  at: label,
  text: z.string().min(1).max(120),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const SERIES = ['signups', 'posts', 'authors', 'newcomer_posts'] as const;

export const segmentFilterSchema = z.object({
  table: z.enum(['signups', 'posts']),
  column,
  values: z.array(value).min(1).max(50),
});

export const viewStateSchema = z.object({
  view: z.enum(VIEWS),
  granularity: z.enum(['hour', 'day', 'week', 'month']),
  from: date.nullable(),
  to: date.nullable(),
  filters: z.array(segmentFilterSchema).max(10),
  breakdown: column.nullable(),
  baselineFrom: date.nullable(),
  baselineTo: date.nullable(),
  madMultiplier: z.number().min(0).max(50),
  medianMultiplier: z.number().min(0).max(100),
  surgeStart: label.nullable(),
  wave: z.number().int().min(0).max(999).nullable(),
  group: z.enum(['all', 'new', 'existing']),
  moversFrom: date.nullable(),
  moversTo: date.nullable(),
  retentionMode: z.enum(['on', 'on_or_after']),
  cohort: z.enum(['day', 'week', 'month']),
  cohorts: z.array(date).max(12),
  tz: z.string().max(64).refine(isValidZone, 'unknown time zone'),
  /** The series the Waves chart counts and detects waves on. */
  series: z.enum(SERIES),
  /** Detect the frame on the filtered series instead of the whole data. */
  detectInSegment: z.boolean(),
  /** Retention curves: null = by wave group; a signup column = broken down by its values. */
  retentionBy: column.nullable(),
  /** Categories the Content mix shows; null = the default (top of baseline and surge). */
  mixCategories: z.array(value).max(40).nullable(),
  annotations: z.array(annotationSchema).max(20),
  fingerprint: z
    .string()
    .regex(/^[0-9a-z-]{1,80}$/)
    .nullable(),
  /** Where the analyses run: DuckDB in this browser, or the ClickHouse behind the app's proxy. */
  engine: z.enum(['browser', 'clickhouse']),
});

export type ViewState = z.infer<typeof viewStateSchema>;

export const DEFAULT_STATE: ViewState = {
  view: 'data',
  granularity: 'day',
  from: null,
  to: null,
  filters: [],
  breakdown: null,
  baselineFrom: null,
  baselineTo: null,
  madMultiplier: 3,
  medianMultiplier: 2,
  surgeStart: null,
  wave: null,
  group: 'new',
  moversFrom: null,
  moversTo: null,
  retentionMode: 'on',
  cohort: 'week',
  cohorts: [],
  tz: 'UTC',
  fingerprint: null,
  series: 'signups',
  detectInSegment: false,
  retentionBy: null,
  mixCategories: null,
  annotations: [],
  engine: 'browser',
};

type Key = keyof ViewState;

/** URL parameter names: short, stable, one per field. */
const PARAM: Record<Key, string> = {
  view: 'view',
  granularity: 'g',
  from: 'from',
  to: 'to',
  filters: 'f',
  breakdown: 'by',
  baselineFrom: 'bf',
  baselineTo: 'bt',
  madMultiplier: 'k',
  medianMultiplier: 'm',
  surgeStart: 'surge',
  wave: 'wave',
  group: 'grp',
  moversFrom: 'mf',
  moversTo: 'mt',
  retentionMode: 'rm',
  cohort: 'cg',
  cohorts: 'c',
  tz: 'tz',
  fingerprint: 'fp', // `data=` stays free for links that name CSV files to load
  series: 's',
  detectInSegment: 'seg',
  retentionBy: 'rb',
  mixCategories: 'mc',
  annotations: 'n',
  engine: 'engine',
};

const NUMERIC: Key[] = ['madMultiplier', 'medianMultiplier', 'wave'];

/** Longest URL we read; anything longer is refused as a whole. */
export const MAX_URL_PARAMS_LENGTH = 8000;

/** Filters travel as `table.column:v1|v2` with each part URI-encoded, one `f` per filter. */
function decodeFilter(s: string): unknown {
  const m = /^(signups|posts)\.([^:]+):(.*)$/s.exec(s);
  if (!m) return s;
  try {
    return {
      table: m[1],
      column: decodeURIComponent(m[2] as string),
      values: (m[3] as string).split('|').map((v) => decodeURIComponent(v)),
    };
  } catch {
    return s; // malformed escapes: the schema rejects the raw string
  }
}

/** Notes travel as `label~text` (text URI-encoded), one `n` per note. */
function decodeAnnotation(s: string): unknown {
  const i = s.indexOf('~');
  if (i < 0) return s;
  try {
    return { at: s.slice(0, i), text: decodeURIComponent(s.slice(i + 1)) };
  } catch {
    return s;
  }
}

const encodeAnnotation = (a: Annotation) => `${a.at}~${encodeURIComponent(a.text)}`;

function encodeFilter(f: ViewState['filters'][number]): string {
  return `${f.table}.${encodeURIComponent(f.column)}:${f.values.map((v) => encodeURIComponent(v)).join('|')}`;
}

export interface ParsedState {
  state: ViewState;
  /** Human-readable notes about what was ignored. */
  notices: string[];
}

/** Read a view state from URL search parameters, field by field, falling back to defaults. */
export function parseViewState(search: string): ParsedState {
  const notices: string[] = [];
  if (search.length > MAX_URL_PARAMS_LENGTH) {
    return {
      state: DEFAULT_STATE,
      notices: ['The link was too long to be a Surgescope view; showing the default view.'],
    };
  }
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    return {
      state: DEFAULT_STATE,
      notices: ['The link could not be read; showing the default view.'],
    };
  }
  const state: Record<string, unknown> = { ...DEFAULT_STATE };
  const known = new Set(Object.values(PARAM));
  for (const name of new Set(params.keys())) {
    if (!known.has(name)) notices.push(`Ignored an unknown link setting "${name.slice(0, 40)}".`);
  }
  for (const key of Object.keys(PARAM) as Key[]) {
    const name = PARAM[key];
    const all = params.getAll(name);
    if (all.length === 0) continue;
    let raw: unknown;
    if (key === 'filters') raw = all.map(decodeFilter);
    else if (key === 'annotations') raw = all.map(decodeAnnotation);
    else if (key === 'detectInSegment')
      raw = all[0] === '1' ? true : all[0] === '0' ? false : all[0];
    else if (key === 'cohorts') raw = (all[0] ?? '').split(',').filter(Boolean);
    else if (key === 'mixCategories')
      raw = (all[0] ? all[0].split(',') : []).map((v) => {
        try {
          return decodeURIComponent(v);
        } catch {
          return null;
        }
      });
    else if (NUMERIC.includes(key)) raw = all[0] === '' ? null : Number(all[0]);
    else raw = all[0] === '' ? null : all[0];
    const shape = viewStateSchema.shape[key];
    const parsed = shape.safeParse(raw);
    if (parsed.success) state[key] = parsed.data;
    else notices.push(`Ignored an invalid value for "${name}" in the link; using the default.`);
  }
  const full = viewStateSchema.safeParse(state);
  if (!full.success)
    return {
      state: DEFAULT_STATE,
      notices: [...notices, 'The link did not describe a valid view; showing the default view.'],
    };
  return { state: full.data, notices };
}

/**
 * Why a state cannot be written as a link, one sentence per field that fails the schema (a
 * value from the data longer than a link keeps, say); empty when it can. The page refuses such
 * a change with these sentences instead of throwing from serializeViewState.
 */
export function unlinkableReasons(state: ViewState): string[] {
  const checked = viewStateSchema.safeParse(state);
  if (checked.success) {
    const length = serializeViewState(checked.data).length;
    return length > MAX_URL_PARAMS_LENGTH
      ? [
          `Not applied: the view would need a link of ${length.toLocaleString('en-US')} characters, longer than the ${MAX_URL_PARAMS_LENGTH.toLocaleString('en-US')} a link keeps.`,
        ]
      : [];
  }
  const reasons = new Map<string, string>();
  for (const issue of checked.error.issues) {
    const key = issue.path[0];
    const name = typeof key === 'string' && key in PARAM ? PARAM[key as Key] : String(key);
    if (reasons.has(name)) continue;
    reasons.set(
      name,
      issue.code === 'too_big' && issue.origin === 'string'
        ? `Not applied: the view lives in its link, and a link keeps values of up to ${String(issue.maximum)} characters ("${name}").`
        : `Not applied: not a valid value for "${name}".`,
    );
  }
  return [...reasons.values()];
}

/** Write a view state as URL search parameters; defaults are left out so links stay short. */
export function serializeViewState(state: ViewState): string {
  const valid = viewStateSchema.parse(state);
  const params = new URLSearchParams();
  for (const key of Object.keys(PARAM) as Key[]) {
    const v = valid[key];
    const d = DEFAULT_STATE[key];
    if (JSON.stringify(v) === JSON.stringify(d)) continue;
    const name = PARAM[key];
    if (key === 'filters') for (const f of valid.filters) params.append(name, encodeFilter(f));
    else if (key === 'annotations')
      for (const a of valid.annotations) params.append(name, encodeAnnotation(a));
    else if (key === 'detectInSegment') params.set(name, valid.detectInSegment ? '1' : '0');
    else if (key === 'cohorts') params.set(name, valid.cohorts.join(','));
    else if (key === 'mixCategories')
      params.set(name, (valid.mixCategories ?? []).map((v) => encodeURIComponent(v)).join(','));
    else params.set(name, v === null ? '' : String(v));
  }
  return params.toString();
}
