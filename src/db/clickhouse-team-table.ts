/**
 * A team's table as one of Surgescope's: where its rows are (the shard's table behind a
 * Distributed one) and the SELECT that reads its columns as the ingest reads a CSV export's
 * (roles by header synonyms or `--map`; user ids trimmed; times from DateTime, Date, epoch
 * numbers or text as UTC instants; an empty category `(none)`; empty segment values NULL).
 * clickhouse-map.ts makes the views from it and checks the layout.
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

export interface MapOptions {
  /** Role → column name, as `--map` gives them for files. */
  overrides: Record<TableName, Partial<Record<Role, string>>>;
  /** Zone of times written without an offset (text and Date columns). */
  sourceTz: string;
}

/** A refusal: the team's tables cannot be read as they are, and why. */
export class MappingError extends ClickHouseError {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

export interface Located {
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

export async function locate(
  server: ClickHouseEngine,
  spec: string,
  current: string,
): Promise<Located> {
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

export interface Plan {
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

export async function plan(
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
