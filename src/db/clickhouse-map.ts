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
import { ClickHouseError } from './clickhouse-engine.ts';
import { chIdent, literal } from './dialect.ts';
import { mapColumns, TIME_ROLE } from '../ingest/roles.ts';
import type { Role, TableName } from '../ingest/roles.ts';

/** The team's table (`db.table`, or `table` in the connection's database) for each of ours. */
export type TableSources = Record<TableName, string>;

export interface MapOptions {
  /** Role → column name, as `--map` gives them for files. */
  overrides: Record<TableName, Partial<Record<Role, string>>>;
  /** Zone of times written without an offset (text and Date columns). */
  sourceTz: string;
}

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

/** A refusal: the team's tables cannot be read as they are, and why. */
export class MappingError extends ClickHouseError {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

interface Located {
  source: string;
  database: string;
  name: string;
  /** The table holding each shard's rows (the table itself when not Distributed). */
  local: { database: string; name: string };
  cluster: string | null;
}

function splitName(spec: string, current: string): { database: string; name: string } {
  const unquote = (s: string) => s.replace(/^`(.*)`$/s, '$1');
  const dot = spec.indexOf('.');
  return dot < 0
    ? { database: current, name: unquote(spec) }
    : { database: unquote(spec.slice(0, dot)), name: unquote(spec.slice(dot + 1)) };
}

/** The top-level arguments of `Distributed(a, b, c[, key])`, unquoted. */
export function distributedArgs(engineFull: string): string[] {
  const open = engineFull.indexOf('(');
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const c of engineFull.slice(open + 1)) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
      continue;
    }
    if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(') {
      depth++;
      cur += c;
    } else if (c === ')') {
      if (depth === 0) break;
      depth--;
      cur += c;
    } else if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
    } else if (c !== '\\') cur += c;
  }
  args.push(cur.trim());
  return args;
}

async function locate(server: ClickHouseEngine, spec: string, current: string): Promise<Located> {
  const { database, name } = splitName(spec, current);
  const [row] = await server.query<{ engine: string; engine_full: string }>(
    'SELECT engine, engine_full FROM system.tables WHERE database = ? AND name = ?',
    [database, name],
  );
  if (!row) throw new MappingError(`there is no table ${database}.${name} on ${server.url}`);
  const source = `${database}.${name}`;
  if (row.engine !== 'Distributed')
    return { source, database, name, local: { database, name }, cluster: null };
  const [cluster, db, table] = distributedArgs(row.engine_full);
  if (!cluster || !db || !table)
    throw new MappingError(`${source}: cannot read its Distributed engine (${row.engine_full})`);
  return {
    source,
    database,
    name,
    local: { database: db === 'currentDatabase()' ? database : db, name: table },
    cluster,
  };
}

/** The type inside Nullable(...) and LowCardinality(...). */
function bareType(type: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/s.exec(type);
  return m ? bareType(m[1] as string) : type;
}

const SCALAR =
  /^(String|FixedString|Enum8|Enum16|U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal|Date|Date32|DateTime|DateTime64|UUID|Bool|IPv4|IPv6)\b/;

/** `x` trimmed of ASCII spaces (what the ingest trims), as text. */
const trimmed = (x: string) => `replaceRegexpAll(toString(${x}), '^ +| +$', '')`;

/** A UTC instant from an epoch number: milliseconds from 1e11 on (ingest/timestamps.ts), else seconds. */
const epoch = (n: string) =>
  `toDateTime(if(abs(${n}) >= 100000000000, intDiv(${n}, 1000), ${n}), 'UTC')`;

/** The column as a UTC DateTime, NULL when it cannot be read; null for a type that is no time. */
function instantSql(x: string, type: string, sourceTz: string): string | null {
  const t = bareType(type);
  const zone = literal(sourceTz, 'clickhouse');
  if (/^DateTime/.test(t)) return `toDateTime(${x}, 'UTC')`;
  if (/^Date/.test(t)) return `toDateTime(toDateTime(${x}, ${zone}), 'UTC')`;
  if (/^U?Int/.test(t)) return epoch(`toInt64(${x})`);
  if (/^Float/.test(t)) return epoch(`toInt64(floor(${x}))`);
  if (/^(String|FixedString|Enum)/.test(t)) {
    const s = trimmed(x);
    // As the ingest reads text: epoch numbers, or ISO 8601 (parseDateTimeBestEffort alone
    // would read '' as 2000-01-01 and '12' as a day of 2000).
    const iso = `toDateTime(parseDateTimeBestEffortOrNull(${s}, ${zone}), 'UTC')`;
    return `multiIf(match(${s}, '^-?[0-9]+$'), ${epoch(`toInt64OrZero(${s})`)}, match(${s}, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]|$)'), ${iso}, NULL)`;
  }
  return null;
}

interface Plan {
  located: Located;
  table: TableName;
  roles: Partial<Record<Role, string>>;
  segments: { column: string; name: string }[];
  skipped: { column: string; type: string }[];
  /** The view's select over a table holding the team's rows (`FROM` left to fill). */
  select: (from: string) => string;
  /** Counts of rows left out, over a table holding the team's rows. */
  leftOut: (from: string) => string;
}

async function plan(
  server: ClickHouseEngine,
  table: TableName,
  located: Located,
  opts: MapOptions,
): Promise<Plan> {
  // DESCRIBE keeps the table's column order (18.16's system.columns has no position).
  const columns = await server.query<{ name: string; type: string }>(
    `DESCRIBE TABLE ${chIdent(located.local.database)}.${chIdent(located.local.name)}`,
  );
  const where = `${located.local.database}.${located.local.name}`;
  if (columns.length === 0)
    throw new MappingError(`${located.source}: no columns found in ${where}`);
  const skipped = columns
    .filter((c) => !SCALAR.test(bareType(c.type)))
    .map((c) => ({ column: c.name, type: c.type }));
  const usable = columns.filter((c) => SCALAR.test(bareType(c.type)));
  const names = usable.map((c) => c.name);
  const mapping = mapColumns(table, names, opts.overrides[table]);
  if (mapping.unknownOverrides.length > 0)
    throw new MappingError(
      `${located.source}: --map names ${mapping.unknownOverrides.map((h) => `"${h}"`).join(', ')}, which is not a column of it (columns: ${names.join(', ')})`,
    );
  if (mapping.missing.length > 0)
    throw new MappingError(
      `${located.source}: no column serves ${mapping.missing.join(', ')} (columns: ${names.join(', ')}); name them with --map ${table}.${mapping.missing[0]}=COLUMN`,
    );
  const roles: Partial<Record<Role, string>> = {};
  for (const [role, idx] of Object.entries(mapping.roles)) roles[role as Role] = names[idx];
  // Each column is read once under a name no column has, so no alias below can shadow a column.
  let prefix = '_s';
  while (names.some((n) => n.startsWith(prefix))) prefix += '_';
  const ref = (idx: number) => `${prefix}${idx}`;
  const roleRef = (role: Role) => ref(mapping.roles[role] as number);
  const timeRole = TIME_ROLE[table];
  const timeIdx = mapping.roles[timeRole] as number;
  const time = instantSql(ref(timeIdx), usable[timeIdx]?.type ?? '', opts.sourceTz);
  if (!time)
    throw new MappingError(
      `${located.source}: column ${roles[timeRole]} (${usable[timeIdx]?.type}) holds no time: Surgescope reads DateTime, Date, epoch numbers or text`,
    );
  const userId = `if(isNull(${roleRef('user_id')}), '', ${trimmed(`assumeNotNull(${roleRef('user_id')})`)})`;
  const items: [string, string][] = [
    ['user_id', userId],
    [timeRole, `assumeNotNull(${time})`],
  ];
  if (table === 'posts') {
    const category = roleRef('category');
    items.push([
      'category',
      `if(isNull(${category}), '(none)', coalesce(nullIf(${trimmed(`assumeNotNull(${category})`)}, ''), '(none)'))`,
    ]);
    const postId = mapping.roles.post_id;
    items.push([
      'post_id',
      postId === undefined
        ? 'CAST(NULL AS Nullable(String))'
        : `nullIf(${trimmed(ref(postId))}, '')`,
    ]);
  }
  for (const s of mapping.segments)
    items.push([s.name, `toNullable(nullIf(toString(${ref(s.index)}), ''))`]);
  const read = (from: string) =>
    `SELECT ${names.map((n, i) => `${chIdent(n)} AS ${ref(i)}`).join(', ')} FROM ${from}`;
  const keep = `${userId} != '' AND isNotNull(${time})`;
  return {
    located,
    table,
    roles,
    segments: mapping.segments.map((s) => ({ column: s.header, name: s.name })),
    skipped,
    select: (from) =>
      `SELECT ${items.map(([n, e]) => `${e} AS ${chIdent(n)}`).join(', ')} FROM (${read(from)}) WHERE ${keep}`,
    leftOut: (from) =>
      `SELECT countIf(${userId} = '') AS no_user, countIf(${userId} != '' AND isNull(${time})) AS bad_time FROM (${read(from)})`,
  };
}

const OURS = ['signups', 'posts', 'signups_local', 'posts_local'];

/** Refuse to replace anything in the target database that is not a view Surgescope could have made. */
async function guard(server: ClickHouseEngine, db: string, plans: readonly Plan[]): Promise<void> {
  for (const p of plans) {
    const { database, name } = p.located.local;
    if (database === db && OURS.includes(name))
      throw new MappingError(
        `${p.located.source}: its rows are in ${database}.${name}, a name Surgescope's views take; give another database with --database`,
      );
  }
  const existing = await server.query<{ name: string; engine: string }>(
    `SELECT name, engine FROM system.tables WHERE database = ? AND name IN (${OURS.map((n) => literal(n, 'clickhouse')).join(', ')})`,
    [db],
  );
  const kept = existing.find((t) => t.engine !== 'View' && t.engine !== 'Distributed');
  if (kept)
    throw new MappingError(
      `${db}.${kept.name} on ${server.url} is a ${kept.engine} table (loaded rows?), not a view: give another database with --database, or drop it`,
    );
}

async function currentDatabase(server: ClickHouseEngine): Promise<string> {
  const db = (await server.query<{ db: string }>('SELECT currentDatabase() AS db'))[0]?.db;
  if (!db) throw new ClickHouseError('ClickHouse did not say which database is in use');
  return db;
}

async function dropViews(servers: readonly ClickHouseEngine[]): Promise<void> {
  for (const server of servers)
    for (const t of TABLES) {
      await server.exec(`DROP TABLE IF EXISTS ${chIdent(t)}`);
      await server.exec(`DROP TABLE IF EXISTS ${chIdent(`${t}_local`)}`);
    }
}

const count = async (server: ClickHouseEngine, sql: string): Promise<number> =>
  Number((await server.query<{ n: number }>(sql))[0]?.n ?? 0);

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
  if (cluster !== null) {
    const hosts = await count(
      entry,
      `SELECT count() AS n FROM system.clusters WHERE cluster = ${literal(cluster, 'clickhouse')}`,
    );
    if (hosts !== servers.length)
      throw new MappingError(
        `cluster ${cluster} has ${hosts} servers and ${servers.length} were given: give the URL of each (views are made on every one)`,
      );
  }
  const plans = {
    signups: await plan(entry, 'signups', located.signups, opts),
    posts: await plan(entry, 'posts', located.posts, opts),
  };
  for (const server of servers)
    await guard(server, await currentDatabase(server), Object.values(plans));
  await dropViews(servers);
  try {
    for (const server of servers) {
      const here = await currentDatabase(server);
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
  } catch (err) {
    await dropViews(servers);
    throw err;
  }
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
}
