/**
 * The reference the benchmark compares with: the same files read plainly into typed tables
 * (DuckDB's own reader, auto-detected types, rejects stored) and the same aggregates written
 * plainly, with none of the app's accounting, pre-aggregation or time-zone work.
 */

export function referenceLoadSql(path: string, table: string): string {
  return `CREATE TABLE ${table} AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}', store_rejects = true)`;
}

/** Plain aggregates: signups per day, posts per day and category, weekly retention cells. */
export interface RefColumns {
  table: string;
  user: string;
  time: string;
  /** The time column holds epoch milliseconds (read as BIGINT). */
  epochMs?: boolean;
}

export function referenceQueries(
  signups: RefColumns[],
  posts: (RefColumns & { category: string })[],
): string[] {
  const ts = (x: RefColumns) =>
    x.epochMs
      ? `make_timestamp(CAST("${x.time}" AS BIGINT) * 1000)`
      : `TRY_CAST("${x.time}" AS TIMESTAMP)`;
  const s = signups
    .map((x) => `SELECT "${x.user}" AS user_id, ${ts(x)} AS t FROM ${x.table}`)
    .join(' UNION ALL ');
  const p = posts
    .map(
      (x) =>
        `SELECT "${x.user}" AS user_id, ${ts(x)} AS t, "${x.category}" AS category FROM ${x.table}`,
    )
    .join(' UNION ALL ');
  return [
    `CREATE TABLE ref_s AS ${s}`,
    `CREATE TABLE ref_p AS ${p}`,
    `SELECT date_trunc('day', t) AS d, count(*) FROM ref_s GROUP BY d ORDER BY d`,
    `SELECT date_trunc('day', t) AS d, category, count(*) FROM ref_p GROUP BY ALL ORDER BY ALL`,
    `WITH u AS (SELECT user_id, min(date_trunc('week', t)) AS c FROM ref_s GROUP BY user_id),
      a AS (SELECT DISTINCT u.user_id, u.c, date_diff('week', u.c, date_trunc('week', p.t)) AS k FROM ref_p p JOIN u USING (user_id))
      SELECT c, k, count(*) FROM a WHERE k >= 0 GROUP BY ALL ORDER BY ALL`,
  ];
}
