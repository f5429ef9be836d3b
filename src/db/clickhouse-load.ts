/**
 * Loading into a ClickHouse cluster: the CSV exports go through the same ingest as everywhere
 * (DuckDB in this process: rejects with their lines, dedupe, `(none)` categories, the report),
 * then the kept rows stream into MergeTree tables on every shard behind Distributed tables
 * sharded by a hash of `user_id`. ClickHouse does the sharding (inserts go through the
 * Distributed table); a user's signup and posts share a shard, so joins between the two stay
 * on the shard (no GLOBAL join needed), whatever hash spreads the users.
 *
 * DDL runs on each server in turn: `ON CLUSTER` would need ZooKeeper, which a plain pair of
 * servers does not have.
 */
import { createReadStream, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Engine } from './engine.ts';
import { sqlIdent } from './engine.ts';
import type { ClickHouseEngine } from './clickhouse-engine.ts';
import { ClickHouseError, currentDatabase } from './clickhouse-engine.ts';
import { chIdent } from './dialect.ts';
import { tableColumns } from '../ingest/tables.ts';
import type { TableName } from '../ingest/roles.ts';

/** Hash functions the rows may be spread by (tests load the same data with each). */
export const SHARD_HASHES = ['cityHash64', 'sipHash64'] as const;
export type ShardHash = (typeof SHARD_HASHES)[number];

export interface ClusterTarget {
  /** One engine per server of the cluster; the first takes the inserts and the queries. */
  servers: readonly ClickHouseEngine[];
  /**
   * The cluster's name in the servers' `remote_servers`; null for a single server (the tables
   * are then views of their `_local` tables: the same SQL runs on one ClickHouse).
   */
  cluster: string | null;
  shardHash?: ShardHash;
}

/** Where the rows are written on their way (a directory DuckDB may write to, emptied after). */
export interface LoadOptions {
  exportDir: string;
}

const TABLES: readonly TableName[] = ['signups', 'posts'];
const TIME_COLUMNS = new Set(['signup_at', 'created_at']);

/** The columns a table carries to the cluster: the core and segment columns, not internal ones. */
async function carried(duck: Engine, table: TableName): Promise<string[]> {
  return (await tableColumns(duck, table)).map((c) => c.name).filter((n) => !n.startsWith('_'));
}

/** Ingest keeps only rows with a user_id and a timestamp (the rest are rejects): not Nullable. */
function columnType(name: string): string {
  if (TIME_COLUMNS.has(name)) return "DateTime('UTC')";
  return name === 'user_id' ? 'String' : 'Nullable(String)';
}

/** Create `<table>_local` (MergeTree) and `<table>` (Distributed over the cluster) on one server. */
async function createTables(
  server: ClickHouseEngine,
  table: TableName,
  columns: readonly string[],
  target: ClusterTarget,
): Promise<void> {
  const db = await currentDatabase(server);
  const local = chIdent(`${table}_local`);
  await server.exec(`DROP TABLE IF EXISTS ${chIdent(table)}`);
  await server.exec(`DROP TABLE IF EXISTS ${local}`);
  const cols = columns.map((c) => `${chIdent(c)} ${columnType(c)}`).join(', ');
  await server.exec(`CREATE TABLE ${local} (${cols}) ENGINE = MergeTree() ORDER BY tuple()`);
  const hash = target.shardHash ?? 'cityHash64';
  await server.exec(
    target.cluster === null
      ? `CREATE VIEW ${chIdent(table)} AS SELECT * FROM ${local}`
      : `CREATE TABLE ${chIdent(table)} AS ${local} ENGINE = Distributed(${chIdent(target.cluster)}, ${chIdent(db)}, ${local}, ${hash}(user_id))`,
  );
}

/** A select of the table as CSV fields ClickHouse reads: times as `YYYY-MM-DD hh:mm:ss` UTC. */
function exportSelect(table: TableName, columns: readonly string[]): string {
  const fields = columns.map((c) =>
    TIME_COLUMNS.has(c) ? `strftime(${sqlIdent(c)}, '%Y-%m-%d %H:%M:%S')` : sqlIdent(c),
  );
  return `SELECT ${fields.join(', ')} FROM ${sqlIdent(table)}`;
}

export interface ClusterLoad {
  rows: Record<TableName, number>;
}

/**
 * Copy the loaded signups and posts from DuckDB into the cluster, replacing what its tables
 * held, and check that every row arrived.
 */
export async function loadIntoCluster(
  duck: Engine,
  target: ClusterTarget,
  { exportDir: dir }: LoadOptions,
): Promise<ClusterLoad> {
  const entry = target.servers[0];
  if (!entry) throw new ClickHouseError('No ClickHouse server given');
  const rows = { signups: 0, posts: 0 };
  try {
    for (const table of TABLES) {
      const columns = await carried(duck, table);
      for (const server of target.servers) await createTables(server, table, columns, target);
      const file = path.join(dir, `${table}.csv`);
      // '\N' marks NULL for ClickHouse's CSV reader.
      await duck.exec(
        `COPY (${exportSelect(table, columns)}) TO '${file.replaceAll("'", "''")}' (FORMAT CSV, HEADER false, NULLSTR '\\N')`,
      );
      const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
      try {
        // Through the Distributed table (ClickHouse shards the rows), or straight into the table.
        const into = target.cluster === null ? `${table}_local` : table;
        await entry.insert(
          `INSERT INTO ${chIdent(into)} (${columns.map(chIdent).join(', ')}) FORMAT CSV`,
          body,
          // Rows are on their shards when the insert returns; none may be skipped as malformed.
          { insert_distributed_sync: 1, input_format_allow_errors_num: 0 },
        );
      } finally {
        rmSync(file, { force: true });
      }
      const want = (
        await duck.query<{ n: number }>(`SELECT count(*) AS n FROM ${sqlIdent(table)}`)
      )[0]?.n;
      const got = (
        await entry.query<{ n: number }>(`SELECT count() AS n FROM ${chIdent(table)}`)
      )[0]?.n;
      if (want !== got)
        throw new ClickHouseError(`${table}: ${got} rows reached ClickHouse of ${want} loaded`);
      rows[table] = got ?? 0;
    }
  } finally {
    for (const table of TABLES) rmSync(path.join(dir, `${table}.csv`), { force: true });
  }
  return { rows };
}
