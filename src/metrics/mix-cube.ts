/**
 * A pre-aggregated content-mix cube: posts counted per 15-minute UTC slot, category and author
 * group. Every time zone offset in use today is a multiple of 15 minutes, so each slot falls
 * wholly inside one local hour, day, week or month bucket and inside or outside any date range:
 * the mix from the cube equals the mix from raw posts, at a few hundred thousand rows instead of
 * ten million. The author group depends on the zone and the surge start, which key the cube.
 */
import type { Engine } from '../db/engine.ts';
import { sqlIdent } from '../db/engine.ts';
import { localSql } from './buckets.ts';
import { authorGroupSql } from './mix.ts';
import type { QueryContext } from './params.ts';

/** A short stable name for the cube of a zone and surge start. */
export function mixCubeName(tz: string, surgeStart: string | null): string {
  let h = 2166136261;
  for (const ch of `${tz}|${surgeStart ?? ''}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `mix_cube_${h.toString(16)}`;
}

export function mixCubeSql(ctx: QueryContext, surgeStart: string | null): string {
  return `CREATE TABLE IF NOT EXISTS ${sqlIdent(mixCubeName(ctx.tz, surgeStart))} AS
    WITH authors AS (SELECT user_id, min(${localSql('signup_at', ctx.tz, ctx.range)}) AS st FROM signups GROUP BY user_id)
    SELECT date_trunc('hour', p.created_at) + to_minutes(CAST(minute(p.created_at) // 15 * 15 AS BIGINT)) AS q,
      p.category, ${authorGroupSql(surgeStart)} AS grp0, CAST(count(*) AS BIGINT) AS n
    FROM posts p LEFT JOIN authors USING (user_id)
    GROUP BY ALL`;
}

/** Build the cube for the context's zone and the surge start if missing; returns its name. */
export async function ensureMixCube(
  engine: Engine,
  ctx: QueryContext,
  surgeStart: string | null,
): Promise<string> {
  await engine.exec(mixCubeSql(ctx, surgeStart));
  return mixCubeName(ctx.tz, surgeStart);
}

/** Drop every cube (new data was loaded). */
export async function dropMixCubes(engine: Engine): Promise<void> {
  const rows = await engine.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'mix_cube_%'",
  );
  for (const r of rows) await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(r.name)}`);
}
