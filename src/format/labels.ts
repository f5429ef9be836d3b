/**
 * Names shown to people. The app's own data names are snake_case identifiers (SQL columns, JSON
 * keys, CSV headers of our exports); on screen they read as short sentences. A user's own columns
 * (segment columns named from their CSV header) are shown exactly as the user wrote them.
 */

/**
 * Display labels for the app's own data names. Exported so a caller can check whether a name is
 * one of ours (`name in APP_LABELS`); use `humanLabel` to read it.
 */
export const APP_LABELS: Readonly<Record<string, string>> = Object.freeze({
  // Waves
  bucket: 'Bucket',
  bucket_start: 'Bucket start',
  signups: 'Signups',
  peak: 'Peak',
  peak_signups: 'Peak signups',
  peak_multiple: 'Peak multiple',
  wave_start: 'Wave start',
  wave_end: 'Wave end',
  wave_signups: 'Wave signups',
  baseline: 'Baseline',
  baseline_signups: 'Baseline signups',
  expected: 'Expected at baseline pace',
  excess: 'Above baseline',
  median: 'Median',
  mad: 'Median absolute deviation',
  threshold: 'Threshold',
  start: 'Start',
  end: 'End',
  // Content mix
  category: 'Category',
  posts: 'Posts',
  newcomer_posts: 'Newcomer posts',
  share: 'Share',
  baseline_share: 'Baseline share',
  window_share: 'Window share',
  baseline_share_pct: 'Baseline share (%)',
  window_share_pct: 'Window share (%)',
  change_pp: 'Change (pp)',
  jsd: 'Drift (JSD)',
  // Retention
  cohort_start: 'Cohort start',
  cohort_size: 'Cohort size',
  period: 'Period',
  active_users: 'Active users',
  active_on_or_after: 'Active in or after the period',
  retention: 'Retention',
  retention_on_or_after: 'Retention in or after the period',
  ci_low: '95% CI low',
  ci_high: '95% CI high',
  // Shared
  group: 'Group',
  value: 'Value',
  count: 'Count',
  users: 'Users',
  tz: 'Time zone',
  // Input tables and the ingest report
  user_id: 'User ID',
  post_id: 'Post ID',
  author_id: 'Author ID',
  signup_at: 'Signup time',
  created_at: 'Post time',
  file: 'File',
  rows_read: 'Rows read',
  rows_loaded: 'Rows loaded',
  rows_rejected: 'Rows rejected',
  rejects_not_listed: 'Rejected rows not listed',
  dataset_start: 'Dataset start',
  dataset_end: 'Dataset end',
  posts_before_signup: 'Posts before signup',
  posts_by_unknown_authors: 'Posts by unknown authors',
  authors_not_in_signups: 'Authors not in signups',
});

/** Words written in capitals when a name is not in `APP_LABELS`. */
const ACRONYMS: ReadonlySet<string> = new Set(['id', 'ci', 'jsd', 'pp', 'url', 'utm', 'ip', 'csv']);

/**
 * The label people see for one of the app's own data names, so tables, charts and exports never
 * show raw identifiers. Unknown names fall back to sentence case of their words
 * (`acquisition_source` -> "Acquisition source", `account_id` -> "Account ID").
 * Not for a user's own columns: use `columnLabel`, which keeps their spelling.
 */
export function humanLabel(name: string): string {
  const known = Object.hasOwn(APP_LABELS, name) ? APP_LABELS[name] : undefined;
  if (known !== undefined) return known;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_\-.]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase())
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const first = words[0];
  if (first === undefined) return name;
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return words.join(' ');
}

/**
 * The label of a user's own column (e.g. a segment column from their CSV header), shown exactly
 * as they wrote it so they recognise it. With `qualify` the table is named too, for places where
 * both tables' columns appear together: `columnLabel('signups', 'country', true)` ->
 * "country (signups)".
 */
export function columnLabel(table: 'signups' | 'posts', name: string, qualify = false): string {
  return qualify ? `${name} (${table})` : name;
}
