/** Signups per bucket: a continuous series from the first signup's bucket to the last's. */
import type { Engine } from '../db/engine.ts';
import { bucketSql, labelSql, seriesCte } from './buckets.ts';
import { filteredCtes } from './filters.ts';
import type { Sql } from './filters.ts';
import type { Granularity, QueryContext } from './params.ts';

export interface SignupBucket {
  bucket_start: string;
  signups: number;
}

export function signupSeriesSql(ctx: QueryContext, g: Granularity): Sql {
  const base = filteredCtes(ctx);
  return {
    text: `WITH ${base.text},
      sb AS (SELECT ${bucketSql('t', g)} AS b FROM fs),
      ${seriesCte('fs', g, ctx.tz, ctx.range)},
      counts AS (SELECT b, count(*) AS n FROM sb GROUP BY b)
    SELECT ${labelSql('series.b', g)} AS bucket_start, CAST(coalesce(counts.n, 0) AS BIGINT) AS signups
    FROM series LEFT JOIN counts ON counts.b = series.b ORDER BY series.b`,
    params: base.params,
  };
}

export async function signupSeries(
  engine: Engine,
  ctx: QueryContext,
  g: Granularity,
): Promise<SignupBucket[]> {
  const sql = signupSeriesSql(ctx, g);
  return engine.query<SignupBucket & Record<string, unknown>>(sql.text, sql.params);
}
