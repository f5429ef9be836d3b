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
import {
  EPOCH_MAX,
  EPOCH_MS_THRESHOLD,
  ISO_PATTERN,
  NUMBER_PATTERN,
} from '../ingest/timestamps.ts';
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

/** `db.table`, `table`, or either part in backquotes (a dot inside them does not split). */
export function splitName(spec: string, current: string): { database: string; name: string } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    if (quoted && c === '\\') cur += spec[++i] ?? '';
    else if (c === '`') quoted = !quoted;
    else if (c === '.' && !quoted && parts.length === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.length === 1
    ? { database: current, name: parts[0] as string }
    : { database: parts[0] as string, name: parts[1] as string };
}

/** The top-level arguments of `Distributed(a, b, c[, key])`, unquoted and unescaped. */
export function distributedArgs(engineFull: string): string[] {
  const open = engineFull.indexOf('(');
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  const text = engineFull.slice(open + 1);
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') cur += text[++i] ?? '';
      else if (c === quote) quote = null;
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
    } else cur += c;
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
  /^(String|FixedString|Enum8|Enum16|U?Int(8|16|32|64|128|256)|Float(32|64)|Decimal(32|64|128|256)?|Date|Date32|DateTime|DateTime64|UUID|Bool|IPv4|IPv6)\b/;

/**
 * `x` as text, trimmed of ASCII spaces (what the ingest trims); a FixedString's NUL padding
 * goes too.
 */
function textSql(x: string, type: string): string {
  const pad = /^FixedString/.test(bareType(type)) ? '[ \\\\x00]+$' : ' +$';
  return `replaceRegexpAll(toString(${x}), '^ +|${pad}', '')`;
}

/**
 * A UTC instant from an epoch number as the ingest reads one (ingest/timestamps.ts):
 * milliseconds from 1e11 on, else seconds; NULL (unreadable) from 1e14 on. Instants DateTime
 * cannot hold (before 1970, from 2106) become 1970-01-01: outside the plausible range, so left
 * out of the analyses as the ingest's implausible rows are (instead of wrapping round).
 */
function epochSql(n: string): string {
  const seconds = `floor(if(abs(${n}) >= ${EPOCH_MS_THRESHOLD}, ${n} / 1000, ${n}))`;
  return `multiIf(isNull(${n}) OR abs(${n}) >= ${EPOCH_MAX}, NULL,
    ${seconds} < 0 OR ${seconds} >= 4294967296, toDateTime(0, 'UTC'),
    toDateTime(toUInt32(${seconds}), 'UTC'))`;
}

/** The column as a UTC DateTime, NULL when it cannot be read; null for a type that is no time. */
function instantSql(x: string, type: string, sourceTz: string): string | null {
  const t = bareType(type);
  const zone = literal(sourceTz, 'clickhouse');
  if (/^DateTime/.test(t)) return `toDateTime(${x}, 'UTC')`;
  if (/^Date/.test(t)) return `toDateTime(toDateTime(${x}, ${zone}), 'UTC')`;
  if (/^(U?Int|Float|Decimal)/.test(t)) return epochSql(`toFloat64(${x})`);
  if (/^(String|FixedString|Enum)/.test(t)) {
    // Text as the ingest reads it: its own patterns for numbers and ISO 8601 (RE2 reads them),
    // a calendar date that exists, then ClickHouse's parser for the instant (which drops an
    // offset after a comma fraction, and reads only upper-case T and Z).
    const s = textSql(x, t);
    const day = `substring(${s}, 1, 10)`;
    const iso = `match(${s}, ${literal(ISO_PATTERN, 'clickhouse')}) AND ifNull(toString(toDateOrNull(${day})) = ${day}, 0)`;
    const number = `toFloat64OrNull(replaceRegexpOne(${s}, '^[+]', ''))`;
    return `multiIf(match(${s}, ${literal(NUMBER_PATTERN, 'clickhouse')}), ${epochSql(number)},
      ${iso}, toDateTime(parseDateTimeBestEffortOrNull(upper(replaceOne(${s}, ',', '.')), ${zone}), 'UTC'), NULL)`;
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
  const unusable = skipped.find((c) => mapping.unknownOverrides.includes(c.column));
  if (unusable)
    throw new MappingError(
      `${located.source}: --map names ${unusable.column}, whose type ${unusable.type} holds no single value per row`,
    );
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
  const typeOf = (role: Role) => usable[mapping.roles[role] as number]?.type ?? '';
  const userId = `if(isNull(${roleRef('user_id')}), '', ${textSql(`assumeNotNull(${roleRef('user_id')})`, typeOf('user_id'))})`;
  const items: [string, string][] = [
    ['user_id', userId],
    [timeRole, `assumeNotNull(${time})`],
  ];
  if (table === 'posts') {
    const category = roleRef('category');
    items.push([
      'category',
      `if(isNull(${category}), '(none)', coalesce(nullIf(${textSql(`assumeNotNull(${category})`, typeOf('category'))}, ''), '(none)'))`,
    ]);
    const postId = mapping.roles.post_id;
    items.push([
      'post_id',
      postId === undefined
        ? 'CAST(NULL AS Nullable(String))'
        : `nullIf(${textSql(ref(postId), typeOf('post_id'))}, '')`,
    ]);
  }
  for (const s of mapping.segments) {
    // Segment values are kept as written (the ingest trims none), but for a FixedString's NULs.
    const v = /^FixedString/.test(bareType(usable[s.index]?.type ?? ''))
      ? `replaceRegexpAll(toString(${ref(s.index)}), '\\\\x00+$', '')`
      : `toString(${ref(s.index)})`;
    items.push([s.name, `toNullable(nullIf(${v}, ''))`]);
  }
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

async function currentDatabase(server: ClickHouseEngine): Promise<string> {
  const db = (await server.query<{ db: string }>('SELECT currentDatabase() AS db'))[0]?.db;
  if (!db) throw new ClickHouseError('ClickHouse did not say which database is in use');
  return db;
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
  for (const server of servers)
    await guard(server, await currentDatabase(server), Object.values(plans));
  await dropViews(servers);
  try {
    for (const server of servers) {
      const here = await currentDatabase(server);
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
