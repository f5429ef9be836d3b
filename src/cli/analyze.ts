/**
 * `npm run analyze`: the headless front door onto ingest/ and metrics/ (metrics.md contract).
 * Exit codes: 0 data loaded (rejects are reported, not fatal); 1 a file was refused (a required
 * column is missing, too many columns, an encoding it cannot read, unreadable), a table has no
 * row (or no row with a plausible timestamp), or an analysis cannot be made (a series too long
 * for its granularity); 2 bad arguments. ingest.json is written whenever the files were read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openNodeEngine } from '../db/node-engine.ts';
import type { Engine } from '../db/engine.ts';
import { openClickHouseEngine, openClickHouseNamed } from '../db/clickhouse-engine.ts';
import { loadIntoCluster } from '../db/clickhouse-load.ts';
import { chIdent } from '../db/dialect.ts';
import { mapClusterTables } from '../db/clickhouse-map.ts';
import { MappingError } from '../db/clickhouse-team-table.ts';
import type { ClusterMapping, TableSources } from '../db/clickhouse-map.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { pathInput } from '../ingest/node-input.ts';
import { PLAUSIBLE_RANGE_TEXT } from '../ingest/plausible.ts';
import { ingestJson } from '../ingest/report.ts';
import type { IngestReport } from '../ingest/report.ts';
import { USAGE, UsageError, parseArgs } from './args.ts';
import type { AnalyzeArgs } from './args.ts';
import { writeAnalyses } from './outputs.ts';

export async function runAnalyze(
  argv: readonly string[],
): Promise<{ code: number; message?: string }> {
  let args: AnalyzeArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      // Bad arguments: one line saying what is wrong; --help prints the usage.
      return {
        code: err.message ? 2 : 0,
        message: err.message ? `analyze: ${err.message} (see --help)` : USAGE,
      };
    }
    throw err;
  }
  const credentials = {
    user: process.env.CLICKHOUSE_USER,
    password: process.env.CLICKHOUSE_PASSWORD,
  };
  const server = (url: string, database?: string) =>
    openClickHouseEngine({ url, ...credentials, database });
  if (args.clickhouse && args.database && (args.load || args.tables)) {
    // Surgescope's tables (or views) go into their own database: make it where it is missing.
    for (const url of args.clickhouse)
      await server(url).exec(`CREATE DATABASE IF NOT EXISTS ${chIdent(args.database)}`);
  }
  // Every server in the database the first one names (openClickHouseNamed).
  const entry = args.clickhouse
    ? await openClickHouseNamed({
        url: args.clickhouse[0] as string,
        ...credentials,
        database: args.database ?? undefined,
      })
    : null;
  const cluster = args.clickhouse?.map((url) => server(url, entry?.database));
  if (cluster && args.tables) {
    try {
      const mapped = await mapClusterTables(cluster, args.tables as TableSources, {
        overrides: args.map,
        sourceTz: args.sourceTz,
      });
      for (const note of mappingNotes(mapped)) process.stderr.write(`analyze: ${note}\n`);
    } catch (err) {
      if (err instanceof MappingError) return { code: 1, message: `analyze: ${err.message}` };
      throw err;
    }
  }
  if (cluster && !args.load) return analyses(cluster[0] as Engine, args);
  // A load into the cluster passes the kept rows through a private folder as CSV.
  const exportDir = cluster ? mkdtempSync(path.join(tmpdir(), 'surgescope-ch-')) : null;
  const engine = await openNodeEngine({
    allowedPaths: [...args.signups, ...args.posts],
    directories: exportDir ? [exportDir] : [],
    engine: args.engine,
  });
  try {
    const failure = await ingestInto(engine, args);
    if (failure) return failure;
    if (!cluster) return await analyses(engine, args);
    const loaded = await loadIntoCluster(
      engine,
      {
        servers: cluster,
        cluster: args.cluster,
        shardHash: args.shardHash,
      },
      { exportDir: exportDir as string },
    );
    process.stderr.write(
      `analyze: loaded ${loaded.rows.signups} signups and ${loaded.rows.posts} posts into ClickHouse cluster ${args.cluster}\n`,
    );
  } finally {
    await engine.close();
    if (exportDir) rmSync(exportDir, { recursive: true, force: true });
  }
  return analyses(cluster[0] as Engine, args);
}

/** What the analyses read from a team's tables, and what they leave out. */
function mappingNotes(mapped: ClusterMapping): string[] {
  const notes: string[] = [];
  for (const [table, m] of Object.entries(mapped.tables)) {
    const roles = Object.entries(m.roles)
      .map(([role, column]) => `${role}=${column}`)
      .join(', ');
    const segments = m.segments.length
      ? `; segments ${m.segments.map((s) => (s.name === s.column ? s.name : `${s.name} (${s.column})`)).join(', ')}`
      : '';
    notes.push(`${table}: reading ${m.rows} rows of ${m.source} (${roles}${segments})`);
    const plural = (n: number) => (n === 1 ? '1 row' : `${n} rows`);
    if (m.noUser > 0)
      notes.push(`note: ${m.source}: ${plural(m.noUser)} without a user id left out`);
    if (m.badTime > 0)
      notes.push(
        `note: ${m.source}: ${plural(m.badTime)} whose ${table === 'signups' ? 'signup_at' : 'created_at'} is empty or cannot be read left out`,
      );
    for (const s of m.skipped)
      notes.push(
        `note: ${m.source}: column ${s.column} (${s.type}) is not a segment: it holds no single value`,
      );
  }
  return notes;
}

/** Load the files (ingest.json written); a failure's exit code and message, or null. */
async function ingestInto(
  engine: Engine,
  args: AnalyzeArgs,
): Promise<{ code: number; message: string } | null> {
  const items = [
    ...args.signups.map((f) => ({
      input: pathInput(f),
      options: {
        table: 'signups' as const,
        overrides: args.map.signups,
        timeZone: args.sourceTz,
      },
    })),
    ...args.posts.map((f) => ({
      input: pathInput(f),
      options: { table: 'posts' as const, overrides: args.map.posts, timeZone: args.sourceTz },
    })),
  ];
  const report = await ingestFiles(engine, items);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(
    path.join(args.out, 'ingest.json'),
    JSON.stringify(ingestJson(report), null, 2) + '\n',
  );
  const failure = loadFailure(report);
  if (failure) return { code: 1, message: `analyze: ${failure}` };
  for (const note of loadNotes(report)) process.stderr.write(`analyze: ${note}\n`);
  return null;
}

/** Write the analysis files from the loaded data. */
async function analyses(
  engine: Engine,
  args: AnalyzeArgs,
): Promise<{ code: number; message?: string }> {
  try {
    mkdirSync(args.out, { recursive: true });
    await writeAnalyses(engine, args);
  } catch (err) {
    // A --filter naming a column the data does not have is a bad argument, found after loading.
    if (err instanceof UsageError) return { code: 2, message: `analyze: ${err.message}` };
    return { code: 1, message: `analyze: ${firstLine(err)}` };
  }
  return { code: 0 };
}

const firstLine = (err: unknown) =>
  err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);

/**
 * The first reason the data cannot be analysed, or null. A refused file (its columns cannot
 * serve its table or are too many, its encoding cannot be read, it cannot be read at all) is
 * fatal, whatever the other files did: the analyses would silently miss it. A file with no
 * loadable row is reported (in ingest.json and on stderr) but is fatal only when its whole table
 * ends up empty, or holds only rows whose timestamps are implausible.
 */
function loadFailure(report: IngestReport): string | null {
  const bad = report.files.find((f) => f.error && f.errorKind !== 'no-rows');
  if (bad) return `${bad.file}: ${bad.error}`;
  if (report.signups === 0) return 'no signup row loaded';
  if (report.posts === 0) return 'no post row loaded';
  const range = `the plausible range ${PLAUSIBLE_RANGE_TEXT}`;
  const implausible = report.implausible ?? { signups: 0, posts: 0 };
  if (report.signups === implausible.signups)
    return `no signup row has a timestamp in ${range} (see implausible_timestamps in ingest.json)`;
  if (report.posts === implausible.posts)
    return `no post row has a timestamp in ${range} (see implausible_timestamps in ingest.json)`;
  return null;
}

/** Warnings and notes for stderr: files with no loadable row, conversions, implausible times. */
function loadNotes(report: IngestReport): string[] {
  const notes: string[] = [];
  for (const f of report.files) {
    if (f.error) notes.push(`warning: ${f.file}: ${f.error}`);
    if (f.encoding) notes.push(`note: ${f.file}: read as ${f.encoding}`);
    if (f.implausible) {
      const lines = f.implausible.lines.join(', ');
      const more = f.implausible.rows > f.implausible.lines.length ? ', ...' : '';
      const rows = f.implausible.rows === 1 ? '1 row' : `${f.implausible.rows} rows`;
      const at = f.implausible.lines.length === 1 ? 'line' : 'lines';
      notes.push(
        `note: ${f.file}: ${rows} with a timestamp outside ${PLAUSIBLE_RANGE_TEXT} (${at} ${lines}${more}) loaded but left out of the analyses`,
      );
    }
  }
  return notes;
}

const isMain =
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  runAnalyze(process.argv.slice(2)).then(
    ({ code, message }) => {
      if (message) (code === 0 ? process.stdout : process.stderr).write(message + '\n');
      process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(
        `analyze: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
