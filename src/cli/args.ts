/** Arguments of `npm run analyze`; every mistake becomes a UsageError (exit code 2). */
import { existsSync, statSync } from 'node:fs';
import { isValidZone } from '../metrics/time-zone.ts';
import type { Role, TableName } from '../ingest/roles.ts';
import { rolesOf } from '../ingest/roles.ts';
import { isCalendarDate } from '../metrics/stats.ts';
import { NODE_ENGINES } from '../db/node-engine.ts';
import type { NodeEngineKind } from '../db/node-engine.ts';
import type { SegmentFilter } from '../metrics/params.ts';
import { SHARD_HASHES } from '../db/clickhouse-load.ts';
import type { ShardHash } from '../db/clickhouse-load.ts';

export type Granularity = 'hour' | 'day' | 'week' | 'month';
export type CohortGranularity = 'day' | 'week' | 'month';

export interface AnalyzeArgs {
  signups: string[];
  posts: string[];
  out: string;
  granularity: Granularity;
  cohort: CohortGranularity;
  tz: string;
  sourceTz: string;
  map: Record<TableName, Partial<Record<Role, string>>>;
  baseline: { from: string; to: string } | null;
  surgeStart: string | null;
  madMultiplier: number;
  medianMultiplier: number;
  /** native DuckDB (default) or duckdb-wasm's blocking build, the browser's engine. */
  engine: NodeEngineKind;
  /** Segment filters: rows whose column holds one of the values (the frame stays fixed). */
  filters: SegmentFilter[];
  /** The series waves are detected on. */
  series: 'signups' | 'posts' | 'authors';
  /**
   * A ClickHouse cluster instead of DuckDB: the HTTP URL of each server (the first takes the
   * queries); null: DuckDB. Credentials come from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD.
   */
  clickhouse: string[] | null;
  /** Load the files into the cluster first (else: analyse the tables it already holds). */
  load: boolean;
  /** The cluster's name in the servers' remote_servers. */
  cluster: string;
  /** The hash the cluster spreads users by. */
  shardHash: ShardHash;
  /** A team's own tables to analyse (views are made over them); null: Surgescope's tables. */
  tables: Partial<Record<TableName, string>> | null;
  /** The database holding Surgescope's tables on the cluster; null: the user's default. */
  database: string | null;
}

export class UsageError extends Error {}

export const USAGE = `usage: npm run analyze -- --signups FILE [--signups FILE ...] --posts FILE [--posts FILE ...] --out DIR
       [--granularity hour|day|week|month] [--cohort day|week|month] [--tz ZONE]
       [--source-tz ZONE] [--map signups.user_id="User ID"] [--baseline FROM..TO]
       [--surge-start DATE] [--mad-multiplier 3] [--median-multiplier 2]
       [--filter TABLE.COLUMN=V1,V2 ...] [--series signups|posts|authors]
       [--engine native|wasm]
       [--clickhouse URL[,URL...] [--database NAME]
          [--load [--cluster NAME] [--shard-hash cityHash64|sipHash64]]
          [--table signups=DB.TABLE --table posts=DB.TABLE]]`;

export function parseArgs(argv: readonly string[]): AnalyzeArgs {
  const args: AnalyzeArgs = {
    signups: [],
    posts: [],
    out: '',
    granularity: 'day',
    cohort: 'week',
    tz: 'UTC',
    sourceTz: 'UTC',
    map: { signups: {}, posts: {} },
    baseline: null,
    surgeStart: null,
    madMultiplier: 3,
    medianMultiplier: 2,
    engine: 'native',
    filters: [],
    series: 'signups',
    clickhouse: null,
    load: false,
    cluster: 'surge',
    shardHash: 'cityHash64',
    tables: null,
    database: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--signups':
        args.signups.push(existingFile(value()));
        break;
      case '--posts':
        args.posts.push(existingFile(value()));
        break;
      case '--out':
        args.out = value();
        break;
      case '--granularity':
        args.granularity = oneOf(flag, value(), ['hour', 'day', 'week', 'month'] as const);
        break;
      case '--cohort':
        args.cohort = oneOf(flag, value(), ['day', 'week', 'month'] as const);
        break;
      case '--tz':
        args.tz = zone(flag, value());
        break;
      case '--source-tz':
        args.sourceTz = zone(flag, value());
        break;
      case '--map':
        addMapping(args.map, value());
        break;
      case '--baseline': {
        const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(value());
        if (
          !m ||
          !isCalendarDate(m[1] as string) ||
          !isCalendarDate(m[2] as string) ||
          (m[1] as string) > (m[2] as string)
        ) {
          throw new UsageError(
            '--baseline takes FROM..TO as two dates, e.g. 2025-01-01..2025-01-14',
          );
        }
        args.baseline = { from: m[1] as string, to: m[2] as string };
        break;
      }
      case '--surge-start': {
        const v = value();
        if (!isCalendarDate(v)) throw new UsageError('--surge-start takes a date like 2025-01-13');
        args.surgeStart = v;
        break;
      }
      case '--mad-multiplier':
        args.madMultiplier = positive(flag, value());
        break;
      case '--median-multiplier':
        args.medianMultiplier = positive(flag, value());
        break;
      case '--filter':
        addFilter(args.filters, value());
        break;
      case '--series':
        args.series = oneOf(flag, value(), ['signups', 'posts', 'authors'] as const);
        break;
      case '--engine':
        args.engine = oneOf(flag, value(), NODE_ENGINES);
        break;
      case '--clickhouse':
        args.clickhouse = clickhouseUrls(value());
        break;
      case '--load':
        args.load = true;
        break;
      case '--cluster':
        args.cluster = value();
        break;
      case '--shard-hash':
        args.shardHash = oneOf(flag, value(), SHARD_HASHES);
        break;
      case '--table': {
        const m = /^(signups|posts)=(.+)$/s.exec(value());
        if (!m)
          throw new UsageError(
            '--table takes signups=DB.TABLE or posts=DB.TABLE, e.g. signups=analytics.accounts',
          );
        args.tables = { ...args.tables, [m[1] as TableName]: m[2] as string };
        break;
      }
      case '--database':
        args.database = value();
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  if (args.load && !args.clickhouse) throw new UsageError('--load needs --clickhouse URL');
  if (args.load && args.engine === 'wasm')
    throw new UsageError('--load passes the rows through native DuckDB: leave out --engine wasm');
  if (args.tables) {
    if (!args.clickhouse) throw new UsageError('--table needs --clickhouse URL');
    if (args.load) throw new UsageError('--table reads tables in place: leave out --load');
    if (!args.tables.signups || !args.tables.posts)
      throw new UsageError('--table needs both signups=DB.TABLE and posts=DB.TABLE');
    if (args.signups.length > 0 || args.posts.length > 0)
      throw new UsageError('--table reads tables, not files: leave out --signups and --posts');
  }
  if (args.database !== null && !args.clickhouse)
    throw new UsageError('--database needs --clickhouse URL');
  // On a cluster without --load, the analyses read the tables it already holds.
  const filesNeeded = !args.clickhouse || args.load;
  if (filesNeeded && args.signups.length === 0)
    throw new UsageError('at least one --signups FILE is required');
  if (filesNeeded && args.posts.length === 0)
    throw new UsageError('at least one --posts FILE is required');
  if (!args.out) throw new UsageError('--out DIR is required');
  return args;
}

/**
 * `signups.country=US,CA`: values split at commas (a value holding a comma: repeat the filter
 * with a different value, or quote nothing: commas always split). Repeating a column adds values.
 */
function addFilter(filters: SegmentFilter[], spec: string): void {
  const m = /^(signups|posts)\.([^=]+)=(.*)$/s.exec(spec);
  if (!m)
    throw new UsageError(
      `--filter takes TABLE.COLUMN=V1,V2 with TABLE signups or posts, e.g. signups.country=US,CA (got ${spec})`,
    );
  const table = m[1] as 'signups' | 'posts';
  const column = m[2] as string;
  const values = (m[3] as string).split(',');
  if (values.some((v) => v === ''))
    throw new UsageError(`--filter ${table}.${column}: empty value (got "${m[3]}")`);
  const same = filters.find((f) => f.table === table && f.column === column);
  if (same) same.values.push(...values.filter((v) => !same.values.includes(v)));
  else filters.push({ table, column, values });
}

function existingFile(p: string): string {
  if (!existsSync(p) || !statSync(p).isFile()) throw new UsageError(`no such file: ${p}`);
  return p;
}

function oneOf<T extends string>(flag: string, v: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be one of ${options.join(', ')}`);
  return v as T;
}

function zone(flag: string, v: string): string {
  if (!isValidZone(v))
    throw new UsageError(`${flag}: unknown time zone "${v}" (use an IANA name like Asia/Shanghai)`);
  return v;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} takes a non-negative number`);
  return n;
}

/** `signups.user_id=User ID` (one table) or `user_id=uid` (both tables that have the role). */
function addMapping(map: AnalyzeArgs['map'], spec: string): void {
  const m = /^(?:(signups|posts)\.)?([a-z_]+)=(.*)$/s.exec(spec);
  if (!m)
    throw new UsageError(
      `--map takes table.role="Header", e.g. signups.user_id="User ID" (got ${spec})`,
    );
  const tables: TableName[] = m[1] ? [m[1] as TableName] : ['signups', 'posts'];
  const role = m[2] as Role;
  const header = (m[3] as string).replace(/^"(.*)"$/s, '$1');
  let used = false;
  for (const t of tables) {
    if (rolesOf(t).includes(role)) {
      map[t][role] = header;
      used = true;
    }
  }
  if (!used)
    throw new UsageError(
      `--map: "${role}" is not a role of ${tables.join(' or ')} (roles: ${rolesOf(tables[0] as TableName).join(', ')})`,
    );
}

/** `http://a:8123,http://b:8123`: each an http(s) URL without credentials. */
function clickhouseUrls(spec: string): string[] {
  const urls = spec
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0)
    throw new UsageError('--clickhouse needs a URL, e.g. http://127.0.0.1:8123');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new UsageError(`--clickhouse: not a URL: ${u}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new UsageError(`--clickhouse takes http(s) URLs (got ${u})`);
    if (parsed.username || parsed.password)
      throw new UsageError(
        '--clickhouse: put no credentials in the URL; set CLICKHOUSE_USER and CLICKHOUSE_PASSWORD',
      );
  }
  return urls;
}
