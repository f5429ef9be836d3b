/**
 * The same metric SQL on a current ClickHouse release: chdb (embedded ClickHouse 26.x), one
 * server, the tables as views of their `_local` tables. Every file equals the DuckDB engine's,
 * as on Debian's 18.16 cluster (analyze-cluster.test.ts).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';
import { parseArgs } from '../../src/cli/args.ts';
import { writeAnalyses } from '../../src/cli/outputs.ts';
import type { ClickHouseEngine } from '../../src/db/clickhouse-engine.ts';
import { loadIntoCluster } from '../../src/db/clickhouse-load.ts';
import { mapClusterTables } from '../../src/db/clickhouse-map.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { loadChdb, openChdbEngine } from './chdb-engine.ts';
import { CLUSTER_FILES, DATA, fileArgs, ingestDataSet } from './data-sets.ts';
import type { DataSet } from './data-sets.ts';

const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-chdb-test-'));
const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

describe('the metric SQL on a current ClickHouse release (chdb)', () => {
  let chdb: ClickHouseEngine;

  beforeAll(async () => {
    const module = await loadChdb();
    if (!module) throw new Error('chdb is not installed (npm install --no-save chdb@3.4.0)');
    chdb = openChdbEngine(module);
    const [row] = await chdb.query<{ v: string }>('SELECT version() AS v');
    // A current release, not Debian's 18.16.
    expect(Number(row?.v.split('.')[0])).toBeGreaterThanOrEqual(24);
  });
  afterAll(async () => {
    await chdb?.close();
  });

  /** A data set through the CLI's ingest into chdb's tables (views of `_local` tables). */
  async function load(data: DataSet): Promise<void> {
    const files = [...data.signups, ...data.posts];
    const exportDir = mkdtempSync(path.join(tmpdir(), 'surgescope-chdb-load-'));
    const duck = await openNodeEngine({ allowedPaths: files, directories: [exportDir] });
    try {
      await ingestDataSet(duck, data);
      await loadIntoCluster(duck, { servers: [chdb], cluster: null }, { exportDir });
    } finally {
      await duck.close();
    }
  }

  for (const data of DATA) {
    it(`${data.name}: every variant writes the files DuckDB writes`, async () => {
      await load(data);
      const inputs = fileArgs(data);
      for (const variant of data.variants) {
        const local = outDir();
        expect(await runAnalyze([...inputs, ...variant, '--out', local])).toEqual({ code: 0 });
        const remote = outDir();
        await writeAnalyses(
          chdb,
          parseArgs([...variant, '--clickhouse', 'http://chdb.invalid', '--out', remote]),
        );
        expect(readdirSync(remote).sort()).toEqual([...CLUSTER_FILES].sort());
        for (const name of CLUSTER_FILES)
          expect(read(remote, name), `${data.name} ${variant.join(' ')}: ${name}`).toBe(
            read(local, name),
          );
      }
    });
  }

  it("a team's own tables (DateTime64, epoch milliseconds) read through views give the same files", async () => {
    const data = DATA[DATA.length - 1] as DataSet;
    await load(data);
    await chdb.exec('CREATE DATABASE IF NOT EXISTS team');
    await chdb.exec('DROP TABLE IF EXISTS team.accounts');
    await chdb.exec('DROP TABLE IF EXISTS team.events');
    await chdb.exec(
      "CREATE TABLE team.accounts (uid String, joined DateTime64(3, 'Asia/Shanghai'), country LowCardinality(Nullable(String)), source Nullable(String), platform Nullable(String), language Nullable(String)) ENGINE = MergeTree() ORDER BY uid",
    );
    await chdb.exec(
      'CREATE TABLE team.events (author String, happened Int64, kind Nullable(String), id Nullable(String), language Nullable(String)) ENGINE = MergeTree() ORDER BY author',
    );
    await chdb.exec(
      'INSERT INTO team.accounts SELECT user_id, signup_at, country, source, platform, language FROM default.signups_local',
    );
    await chdb.exec(
      'INSERT INTO team.events SELECT user_id, toInt64(toUnixTimestamp(created_at)) * 1000, category, post_id, language FROM default.posts_local',
    );
    // Only the team's tables hold the rows now.
    for (const t of ['signups', 'posts', 'signups_local', 'posts_local'])
      await chdb.exec(`DROP TABLE default.${t}`);
    await chdb.exec('CREATE DATABASE IF NOT EXISTS sv');
    await chdb.exec('USE sv');
    try {
      const mapped = await mapClusterTables(
        [chdb],
        { signups: 'team.accounts', posts: 'team.events' },
        {
          overrides: { signups: {}, posts: { created_at: 'happened', category: 'kind' } },
          sourceTz: 'UTC',
        },
      );
      expect(mapped.cluster).toBeNull();
      expect(mapped.tables.posts.rows).toBeGreaterThan(0);
      const remote = outDir();
      await writeAnalyses(
        chdb,
        parseArgs(['--clickhouse', 'http://chdb.invalid', '--out', remote]),
      );
      const local = outDir();
      const inputs = fileArgs(data);
      expect(await runAnalyze([...inputs, '--out', local])).toEqual({ code: 0 });
      for (const name of CLUSTER_FILES) expect(read(remote, name), name).toBe(read(local, name));
    } finally {
      await chdb.exec('USE default');
    }
  });
});
