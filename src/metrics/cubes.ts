/**
 * Pre-aggregates ("cubes") that make every interaction on millions of rows a query over a few
 * hundred thousand, with exactly the numbers of the raw tables:
 *
 * - `cube_combos(acombo, "signups.<col>"...)`: each combination of the low-cardinality signup
 *   columns; `cube_users(user_id, signup_at, acombo)`: every user's combination.
 * - `cube_signups(q, acombo, n)`: signups per 15-minute UTC slot and combination. Zone offsets
 *   are multiples of 15 minutes, so a slot lies wholly inside any local bucket and date range.
 * - `cube_posts(q, category, band, acombo, "posts.<col>"..., n)`: posts per slot, category, the
 *   author's combination and the band of the author's signup time between sorted boundaries
 *   (every surge start and wave edge of the frames in use; -1: author not in the signups), so
 *   newcomers can be told from existing authors for any of those surge starts.
 * - `ret_<id>_sizes/_active/_reach`: per local signup date, band and combination, users, users
 *   active in period k, users by last active period, for one zone and cohort granularity.
 *
 * `cube_meta` lists what exists; a metric uses a cube only when it can serve the query exactly
 * (relations.ts, retention.ts), and the raw tables otherwise.
 */
import type { Engine, RunOptions } from '../db/engine.ts';
import { OWN_TABLES, sqlIdent, sqlString } from '../db/engine.ts';
import { segmentColumns } from '../ingest/tables.ts';
import { bucketSql, localSql, periodsBetweenSql } from './buckets.ts';
import { segAlias } from './filters.ts';
import type { CohortGranularity, CubeSet, QueryContext } from './params.ts';
import { instantLiteral } from '../db/dialect.ts';

/** Signup columns with at most this many values go into the combinations. */
const MAX_SIGNUP_VALUES = 1000;
/** At most this many combinations (else the columns with most values are left out). */
const MAX_COMBOS = 50_000;
/** Post columns with at most this many values (and at most three columns) go into cube_posts. */
const MAX_POST_VALUES = 100;
const MAX_POST_COLUMNS = 3;

/** The 15-minute UTC slot of an instant. */
export const slotSql = (x: string) =>
  `(date_trunc('hour', ${x}) + to_minutes(CAST(minute(${x}) // 15 * 15 AS BIGINT)))`;

/** Band of a signup instant between sorted boundaries; -1 when the author has no signup. */
function bandSql(known: string, at: string, boundaries: readonly number[]): string {
  const steps = boundaries.map((b) => `CAST(${at} >= ${instantLiteral(b)} AS SMALLINT)`);
  return `CAST(CASE WHEN ${known} IS NULL THEN -1 ELSE ${steps.length ? steps.join(' + ') : '0'} END AS SMALLINT)`;
}

type Meta =
  | { kind: 'signups'; columns: string[] }
  | {
      kind: 'posts';
      signupColumns: string[];
      postColumns: string[];
      boundaries: number[];
      lean?: boolean;
    }
  | { kind: 'retention'; name: string; tz: string; g: CohortGranularity; boundaries: number[] };

async function writeMeta(
  engine: Engine,
  name: string,
  meta: Meta,
  options?: RunOptions,
): Promise<void> {
  // One statement at a time: each may be cancelled for a click and run again (lanes.ts).
  await engine.exec('CREATE TABLE IF NOT EXISTS cube_meta (name VARCHAR, info VARCHAR)', options);
  await engine.exec(`DELETE FROM cube_meta WHERE name = ${sqlString(name)}`, options);
  await engine.exec(
    `INSERT INTO cube_meta VALUES (${sqlString(name)}, ${sqlString(JSON.stringify(meta))})`,
    options,
  );
}

/** The signup and post pre-aggregates' tables and their meta (retention's are named per build). */
export const CUBE_TABLES = [
  'cube_combos',
  'cube_users',
  'cube_signups',
  'cube_posts',
  'cube_posts_lean',
  'cube_meta',
] as const;

/** What pre-aggregates exist; null when none does. */
export async function loadCubeSet(engine: Engine): Promise<CubeSet | null> {
  // A cluster is queried as loaded: it is the engine's job to be fast there.
  if (engine.dialect === 'clickhouse') return null;
  // One look at the catalog: the meta, and whether the lean post cube is there too (a stored
  // copy saved while the cubes were rebuilt may lack it, whatever its meta says).
  const present = new Set(
    (
      await engine.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('cube_meta', 'cube_posts_lean') AND ${OWN_TABLES}`,
      )
    ).map((r) => r.name),
  );
  if (!present.has('cube_meta')) return null;
  const rows = await engine.query<{ info: string }>(
    "SELECT info FROM cube_meta WHERE name <> 'signature' ORDER BY name",
  );
  const set: CubeSet = { signups: null, posts: null, retention: [] };
  for (const r of rows) {
    const m = JSON.parse(r.info) as Meta;
    if (m.kind === 'signups') set.signups = { columns: m.columns };
    else if (m.kind === 'posts')
      set.posts = {
        signupColumns: m.signupColumns,
        postColumns: m.postColumns,
        boundaries: m.boundaries,
        lean: m.lean === true && present.has('cube_posts_lean'),
      };
    else set.retention.push({ name: m.name, tz: m.tz, g: m.g, boundaries: m.boundaries });
  }
  return set.signups ? set : null;
}

/** Drop every pre-aggregate (the data changed). */
export async function dropCubes(engine: Engine): Promise<void> {
  const rows = await engine.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE ${OWN_TABLES}
      AND (table_name LIKE 'cube\\_%' ESCAPE '\\' OR table_name LIKE 'ret\\_%' ESCAPE '\\')`,
  );
  for (const r of rows) await engine.exec(`DROP TABLE IF EXISTS ${sqlIdent(r.name)}`);
}

/** Columns of a table with at most `max` distinct values, fewest first. */
async function lowCardinality(
  engine: Engine,
  table: 'signups' | 'posts',
  max: number,
): Promise<{ name: string; values: number }[]> {
  const cols = await segmentColumns(engine, table);
  if (cols.length === 0) return [];
  const rows = await engine.query<Record<string, number>>(
    `SELECT ${cols.map((c, i) => `CAST(approx_count_distinct(${sqlIdent(c)}) AS BIGINT) AS c${i}`).join(', ')} FROM ${table}`,
  );
  const r = rows[0] ?? {};
  return cols
    .map((name, i) => ({ name, values: Number(r[`c${i}`] ?? Infinity) }))
    .filter((c) => c.values <= max)
    .sort((a, b) => a.values - b.values);
}

/** Combinations, users and the signup cube. */
export async function buildSignupCube(engine: Engine): Promise<void> {
  let cols = (await lowCardinality(engine, 'signups', MAX_SIGNUP_VALUES)).map((c) => c.name);
  const distinct = (cs: string[]) =>
    `SELECT DISTINCT ${cs.length ? cs.map((c) => `${sqlIdent(c)} AS ${segAlias('signups', c)}`).join(', ') : '1 AS one'} FROM signups`;
  for (;;) {
    const n =
      (
        await engine.query<{ n: number }>(
          `SELECT CAST(count(*) AS BIGINT) AS n FROM (${distinct(cols)})`,
        )
      )[0]?.n ?? 0;
    if (n <= MAX_COMBOS || cols.length === 0) break;
    cols = cols.slice(0, -1);
  }
  await engine.exec(
    `CREATE OR REPLACE TABLE cube_combos AS SELECT CAST(row_number() OVER () AS UINTEGER) AS acombo, * FROM (${distinct(cols)})`,
  );
  const on = cols.length
    ? cols
        .map((c) => `s.${sqlIdent(c)} IS NOT DISTINCT FROM k.${segAlias('signups', c)}`)
        .join(' AND ')
    : 'TRUE';
  await engine.exec(`CREATE OR REPLACE TABLE cube_users AS
    SELECT s.user_id, s.signup_at, k.acombo FROM signups s JOIN cube_combos k ON ${on}`);
  await engine.exec(`CREATE OR REPLACE TABLE cube_signups AS
    SELECT ${slotSql('signup_at')} AS q, acombo, CAST(count(*) AS BIGINT) AS n
    FROM cube_users GROUP BY ALL ORDER BY q`);
  await writeMeta(engine, 'cube_signups', { kind: 'signups', columns: cols });
}

/** The post cube, banded by `boundaries` (sorted UTC instants). */
export async function buildPostCube(engine: Engine, boundaries: readonly number[]): Promise<void> {
  const meta = await loadCubeSet(engine);
  if (!meta?.signups) throw new Error('The signup cube must exist before the post cube.');
  const cols = (await lowCardinality(engine, 'posts', MAX_POST_VALUES))
    .slice(0, MAX_POST_COLUMNS)
    .map((c) => c.name);
  const segs = cols.map((c) => `p.${sqlIdent(c)} AS ${segAlias('posts', c)}`);
  await engine.exec(`CREATE OR REPLACE TABLE cube_posts AS
    SELECT ${slotSql('p.created_at')} AS q, p.category,
      ${bandSql('u.user_id', 'u.signup_at', boundaries)} AS band, u.acombo${segs.map((s) => `, ${s}`).join('')},
      CAST(count(*) AS BIGINT) AS n
    FROM posts p LEFT JOIN cube_users u ON u.user_id = p.user_id
    GROUP BY ALL ORDER BY q`);
  // The same without segment columns, for the views' default (no filter): the full cube keeps
  // about half as many rows as there are posts at scale 50, this one a twentieth of that.
  await engine.exec(`CREATE OR REPLACE TABLE cube_posts_lean AS
    SELECT q, category, band, CAST(sum(n) AS BIGINT) AS n FROM cube_posts GROUP BY ALL ORDER BY q`);
  await writeMeta(engine, 'cube_posts', {
    kind: 'posts',
    signupColumns: meta.signups.columns,
    postColumns: cols,
    boundaries: [...boundaries],
    lean: true,
  });
}

/** A short stable name for a retention cube. */
function retentionName(tz: string, g: CohortGranularity, boundaries: readonly number[]): string {
  let h = 2166136261;
  for (const ch of `${tz}|${g}|${boundaries.join(',')}`)
    h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `ret_${g}_${h.toString(16)}`;
}

/**
 * The retention cube of a zone and cohort granularity, banded by `boundaries`. One pass over
 * the posts: the distinct (user, period) pairs are what exact retention costs.
 */
export async function buildRetentionCube(
  engine: Engine,
  ctx: QueryContext,
  g: CohortGranularity,
  boundaries: readonly number[],
  options?: RunOptions,
): Promise<string> {
  const name = retentionName(ctx.tz, g, boundaries);
  const t = localSql('signup_at', ctx.tz, ctx.range);
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE _ret_users AS
    SELECT user_id, CAST(${t} AS DATE) AS sd, ${bucketSql(t, g)} AS c,
      ${bandSql('user_id', 'signup_at', boundaries)} AS band, acombo FROM cube_users`,
    options,
  );
  const postBucket = bucketSql(localSql('p.created_at', ctx.tz, ctx.range), g);
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE _ret_act AS
    SELECT DISTINCT p.user_id, ${periodsBetweenSql('u.c', postBucket, g)} AS k
    FROM posts p JOIN _ret_users u ON u.user_id = p.user_id`,
    options,
  );
  const t_ = (part: string) => sqlIdent(`${name}_${part}`);
  await engine.exec(
    `CREATE OR REPLACE TABLE ${t_('sizes')} AS
    SELECT sd, band, acombo, CAST(count(*) AS BIGINT) AS n FROM _ret_users GROUP BY ALL`,
    options,
  );
  await engine.exec(
    `CREATE OR REPLACE TABLE ${t_('active')} AS
    SELECT u.sd, u.band, u.acombo, a.k, CAST(count(*) AS BIGINT) AS n
    FROM _ret_act a JOIN _ret_users u USING (user_id) WHERE a.k >= 0 GROUP BY ALL`,
    options,
  );
  await engine.exec(
    `CREATE OR REPLACE TABLE ${t_('reach')} AS
    SELECT u.sd, u.band, u.acombo, m.mk, CAST(count(*) AS BIGINT) AS n
    FROM (SELECT user_id, max(k) AS mk FROM _ret_act WHERE k >= 0 GROUP BY user_id) m
    JOIN _ret_users u USING (user_id) GROUP BY ALL`,
    options,
  );
  await engine.exec('DROP TABLE IF EXISTS _ret_act; DROP TABLE IF EXISTS _ret_users;', options);
  await writeMeta(
    engine,
    name,
    { kind: 'retention', name, tz: ctx.tz, g, boundaries: [...boundaries] },
    options,
  );
  return name;
}
