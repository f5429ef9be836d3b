/**
 * A team's own event tables as Surgescope's tables: on every server, a view `signups_local`
 * (`posts_local`) over the team's local table gives the columns their roles' names and the
 * ingest's meaning (user ids trimmed, times as UTC instants, an empty category `(none)`, empty
 * segment values NULL), and a Distributed table `signups` (`posts`) reads those views across the
 * cluster. The analyses then run on them as on loaded tables; nothing is copied.
 *
 * Views over the team's Distributed tables would not do: the analyses join posts to their
 * author's signup on each shard (`signups_local`), which is right only when a user's signup and
 * posts sit on one shard. So the layout is checked before the first analysis, and refused with
 * the reason when it does not hold (posts away from their author's signup, a user with several
 * signup rows, a post id on several rows); rows without a user id or a readable time are counted
 * and reported, as the ingest reports its rejects.
 *
 * DDL runs on each server in turn (no `ON CLUSTER`: a plain pair of servers has no ZooKeeper),
 * so every server that holds a shard must be given.
 */
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { ClickHouseError, currentDatabase } from './clickhouse-engine.ts';
import { chIdent, literal } from './dialect.ts';
import { MappingError, locate, plan } from './clickhouse-team-table.ts';
import type { MapOptions, Plan } from './clickhouse-team-table.ts';
import type { Role, TableName } from '../ingest/roles.ts';

/** The team's table (`db.table`, or `table` in the connection's database) for each of ours. */
export type TableSources = Record<TableName, string>;

export interface MappedTable {
  source: string;
  /** Rows the analyses read. */
  rows: number;
  /** Rows left out: no user id, or a time that is empty or cannot be read. */
  noUser: number;
  badTime: number;
  /** Role → the team's column serving it. */
  roles: Partial<Record<Role, string>>;
  /** Segment columns: the team's column and the name the dashboard shows. */
  segments: { column: string; name: string }[];
  /** Columns not carried, with why (a type that holds no single value). */
  skipped: { column: string; type: string }[];
}

export interface ClusterMapping {
  /** The cluster the team's Distributed tables name; null for tables on one server. */
  cluster: string | null;
  tables: Record<TableName, MappedTable>;
}

const TABLES: readonly TableName[] = ['signups', 'posts'];

const OURS = ['signups', 'posts', 'signups_local', 'posts_local'];
/** A view marking a database whose tables above are views Surgescope made over a team's tables. */
const MARK = 'surgescope_mapping';

/**
 * Refuse to replace anything in the target database but views an earlier mapping made (marked
 * by MARK): the tables `--load` made, and above all a team's own tables or views.
 */
async function guard(server: ClickHouseEngine, db: string, plans: readonly Plan[]): Promise<void> {
  for (const p of plans)
    for (const { database, name } of [p.located, p.located.local])
      if (database === db && (OURS.includes(name) || name === MARK))
        throw new MappingError(
          `${p.located.source}: ${database}.${name} takes a name Surgescope's views need; give another database for them with --database`,
        );
  const existing = await server.query<{ name: string; engine: string }>(
    `SELECT name, engine FROM system.tables WHERE database = ? AND name IN (${[...OURS, MARK].map((n) => literal(n, 'clickhouse')).join(', ')})`,
    [db],
  );
  const marked = existing.some((t) => t.name === MARK);
  const kept = existing.find(
    (t) => t.name !== MARK && (!marked || (t.engine !== 'View' && t.engine !== 'Distributed')),
  );
  if (kept)
    throw new MappingError(
      `${db}.${kept.name} on ${server.url} is a ${kept.engine} table Surgescope's views did not make (rows --load put there, or a team's own): give another database with --database, or drop it`,
    );
}

/** Drop the views of a mapping (only after guard: everything of these names is Surgescope's). */
async function dropViews(servers: readonly ClickHouseEngine[]): Promise<void> {
  for (const server of servers) {
    for (const t of TABLES) {
      await server.exec(`DROP TABLE IF EXISTS ${chIdent(t)}`);
      await server.exec(`DROP TABLE IF EXISTS ${chIdent(`${t}_local`)}`);
    }
    await server.exec(`DROP TABLE IF EXISTS ${chIdent(MARK)}`);
  }
}

const count = async (server: ClickHouseEngine, sql: string): Promise<number> =>
  Number((await server.query<{ n: number }>(sql))[0]?.n ?? 0);

/** Each server is one of the cluster's, none twice, and none missing (each needs the views). */
async function checkMembers(servers: readonly ClickHouseEngine[], cluster: string): Promise<void> {
  const entry = servers[0] as ClickHouseEngine;
  const name = literal(cluster, 'clickhouse');
  const hosts = await count(
    entry,
    `SELECT count() AS n FROM system.clusters WHERE cluster = ${name}`,
  );
  const seen = new Map<string, string>();
  for (const server of servers) {
    const [me] = await server.query<{ shard: number; replica: number }>(
      `SELECT shard_num AS shard, replica_num AS replica FROM system.clusters WHERE cluster = ${name} AND is_local = 1`,
    );
    if (!me) throw new MappingError(`${server.url} is not a server of cluster ${cluster}`);
    const key = `${me.shard}/${me.replica}`;
    const twin = seen.get(key);
    if (twin)
      throw new MappingError(
        `${twin} and ${server.url} are the same server of cluster ${cluster} (shard ${me.shard}, replica ${me.replica})`,
      );
    seen.set(key, server.url);
  }
  if (seen.size !== hosts)
    throw new MappingError(
      `cluster ${cluster} has ${hosts} servers and ${servers.length} were given: give the URL of each (views are made on every one)`,
    );
}

/** Why the mapped tables cannot be analysed on each shard, or null when they can. */
async function layoutProblem(
  servers: readonly ClickHouseEngine[],
  plans: Record<TableName, Plan>,
  cluster: string | null,
): Promise<string | null> {
  const entry = servers[0] as ClickHouseEngine;
  const repeated = await count(entry, 'SELECT count() - uniqExact(user_id) AS n FROM signups');
  if (repeated > 0) {
    const example = (
      await entry.query<{ u: string }>(
        'SELECT user_id AS u FROM signups GROUP BY user_id HAVING count() > 1 ORDER BY user_id LIMIT 1',
      )
    )[0]?.u;
    return `${plans.signups.located.source} has ${repeated} extra signup rows for users already in it (e.g. user ${JSON.stringify(example)}); Surgescope counts one signup per user: point --table at a table or view with one row per user (the earliest signup)`;
  }
  if (plans.posts.roles.post_id !== undefined) {
    const dup = await count(
      entry,
      'SELECT count() - uniqExact(post_id) AS n FROM posts WHERE isNotNull(post_id)',
    );
    if (dup > 0)
      return `${plans.posts.located.source} has ${dup} rows repeating a post id (${plans.posts.roles.post_id}); Surgescope counts each post once: point --table at a deduplicated table or view`;
  }
  if (cluster === null) return null;
  let stray = 0;
  for (const server of servers)
    stray += await count(
      server,
      `SELECT count() AS n FROM posts_local WHERE user_id IN (SELECT user_id FROM signups)
         AND user_id NOT IN (SELECT user_id FROM signups_local)`,
    );
  if (stray > 0)
    return `${stray} posts in ${plans.posts.located.source} sit on another shard than their author's signup in ${plans.signups.located.source}; Surgescope joins them on each shard, so both tables must be sharded by the same hash of the user id (or load copies with --load)`;
  return null;
}

/**
 * Create Surgescope's tables as views of the team's tables on every server, check the layout,
 * and say what the analyses will read. On a refusal the views are dropped again.
 */
export async function mapClusterTables(
  servers: readonly ClickHouseEngine[],
  sources: TableSources,
  opts: MapOptions,
): Promise<ClusterMapping> {
  const entry = servers[0];
  if (!entry) throw new ClickHouseError('No ClickHouse server given');
  const db = await currentDatabase(entry);
  const located = {
    signups: await locate(entry, sources.signups, db),
    posts: await locate(entry, sources.posts, db),
  };
  const cluster = located.signups.cluster;
  if (located.posts.cluster !== cluster)
    throw new MappingError(
      `${located.signups.source} and ${located.posts.source} are not spread over the same cluster (${cluster ?? 'none'}, ${located.posts.cluster ?? 'none'})`,
    );
  if (cluster === null && servers.length > 1)
    throw new MappingError(
      `${located.signups.source} is not a Distributed table: give the one server that holds it`,
    );
  if (cluster !== null) await checkMembers(servers, cluster);
  const plans = {
    signups: await plan(entry, 'signups', located.signups, opts),
    posts: await plan(entry, 'posts', located.posts, opts),
  };
  // Where each server puts the views (asked once: the guard and the DDL both need it).
  const dbs = await Promise.all(servers.map(currentDatabase));
  for (const [i, server] of servers.entries())
    await guard(server, dbs[i] as string, Object.values(plans));
  await dropViews(servers);
  try {
    for (const [i, server] of servers.entries()) {
      const here = dbs[i] as string;
      // First, so that a run cut short leaves a database the next run may clear.
      await server.exec(`CREATE VIEW ${chIdent(MARK)} AS SELECT 1 AS mapped`);
      for (const t of TABLES) {
        const { local } = plans[t].located;
        const local_ = chIdent(`${t}_local`);
        await server.exec(
          `CREATE VIEW ${local_} AS ${plans[t].select(`${chIdent(local.database)}.${chIdent(local.name)}`)}`,
        );
        await server.exec(
          cluster === null
            ? `CREATE VIEW ${chIdent(t)} AS SELECT * FROM ${local_}`
            : `CREATE TABLE ${chIdent(t)} AS ${local_} ENGINE = Distributed(${chIdent(cluster)}, ${chIdent(here)}, ${local_})`,
        );
      }
    }
    const problem = await layoutProblem(servers, plans, cluster);
    if (problem) throw new MappingError(problem);
    const tables = {} as Record<TableName, MappedTable>;
    for (const t of TABLES) {
      const p = plans[t];
      const named = `${chIdent(p.located.database)}.${chIdent(p.located.name)}`;
      const [left] = await entry.query<{ no_user: number; bad_time: number }>(p.leftOut(named));
      tables[t] = {
        source: p.located.source,
        rows: await count(entry, `SELECT count() AS n FROM ${chIdent(t)}`),
        noUser: Number(left?.no_user ?? 0),
        badTime: Number(left?.bad_time ?? 0),
        roles: p.roles,
        segments: p.segments,
        skipped: p.skipped,
      };
    }
    return { cluster, tables };
  } catch (err) {
    await dropViews(servers);
    throw err;
  }
}
