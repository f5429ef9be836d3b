/**
 * A team's own event tables, analysed in place (`--table`): views over them on every shard give
 * the same files as the DuckDB engine on the CSV exports those tables were filled from, whatever
 * the team named and typed its columns; rows the ingest would reject are counted, not analysed;
 * and layouts the per-shard joins cannot read (posts away from their author's signup, a user
 * with two signup rows) are refused with the reason.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';
import { openClickHouseEngine } from '../../src/db/clickhouse-engine.ts';
import type { ClickHouseEngine } from '../../src/db/clickhouse-engine.ts';
import { mapClusterTables } from '../../src/db/clickhouse-map.ts';
import { literal } from '../../src/db/dialect.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { startCluster } from './cluster.ts';
import type { Cluster } from './cluster.ts';
import { CLUSTER_FILES, DATA, fileArgs } from './data-sets.ts';
import type { DataSet } from './data-sets.ts';

const SAMPLE = DATA[DATA.length - 1] as DataSet;
const files = fileArgs(SAMPLE);
const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');
const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-team-test-'));

/** The team's column names and types: nothing like the CSV exports'. */
const ACCOUNTS = `(uid String, joined DateTime('Asia/Shanghai'), \`Country Code\` Nullable(String),
  source String, platform Nullable(String), language Nullable(String), tags Array(String))`;
const EVENTS = `(author String, happened String, kind Nullable(String), id String, language Nullable(String))`;
const MAP = ['--map', 'posts.category=kind', '--map', 'posts.created_at=happened'];

async function run(argv: string[]): Promise<{ code: number; message?: string; err: string }> {
  const err: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  try {
    return { ...(await runAnalyze(argv)), err: err.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** `analyze --table` on the team's tables into `database` (with MAP unless `map: false`). */
function mapRun(
  urlList: string,
  database: string,
  signups: string,
  posts: string,
  { map = true, out = outDir() }: { map?: boolean; out?: string } = {},
) {
  return run([
    '--clickhouse',
    urlList,
    '--database',
    database,
    '--table',
    `signups=${signups}`,
    '--table',
    `posts=${posts}`,
    ...(map ? MAP : []),
    '--out',
    out,
  ]);
}

describe("a team's own tables on the two-shard cluster", () => {
  let cluster: Cluster;
  let urls: string;
  let servers: ClickHouseEngine[];
  let duck: string;

  /** Make team.<name> (Distributed by `key`, or a plain table on the first server) and fill it. */
  async function teamTable(name: string, columns: string, key: string | null, fill: string) {
    for (const server of key === null ? servers.slice(0, 1) : servers) {
      await server.exec(`DROP TABLE IF EXISTS team.${name}`);
      await server.exec(`DROP TABLE IF EXISTS team.${name}_local`);
      await server.exec(
        `CREATE TABLE team.${name}_local ${columns} ENGINE = MergeTree() ORDER BY tuple()`,
      );
      if (key !== null)
        await server.exec(
          `CREATE TABLE team.${name} AS team.${name}_local ENGINE = Distributed(surge, team, ${name}_local, ${key})`,
        );
    }
    const into = key === null ? `team.${name}_local` : `team.${name}`;
    await (servers[0] as ClickHouseEngine).exec(`INSERT INTO ${into} ${fill}`);
  }
  const accounts = (key: string | null, name = 'accounts') =>
    teamTable(
      name,
      ACCOUNTS,
      key,
      `SELECT user_id, signup_at, country, ifNull(source, ''), platform, language, [] FROM staging.signups`,
    );
  const events = (key: string | null, name = 'events', extra = '') =>
    teamTable(
      name,
      EVENTS,
      key,
      `SELECT user_id, formatDateTime(created_at, '%Y-%m-%dT%H:%M:%SZ'), category, ifNull(post_id, ''), language FROM staging.posts${extra}`,
    );

  beforeAll(async () => {
    cluster = await startCluster();
    urls = cluster.urls.join(',');
    // Inserts through a Distributed table are on their shards when they return.
    servers = cluster.urls.map((url) =>
      openClickHouseEngine({ url, settings: { insert_distributed_sync: 1 } }),
    );
    for (const server of servers) await server.exec('CREATE DATABASE IF NOT EXISTS team');
    // The sample, loaded by Surgescope into a database of its own, fills the team's tables.
    const staged = await run([
      ...files,
      '--clickhouse',
      urls,
      '--load',
      '--database',
      'staging',
      '--out',
      outDir(),
    ]);
    expect(staged.code, staged.message).toBe(0);
    duck = outDir();
    expect(await runAnalyze([...files, '--out', duck])).toEqual({ code: 0 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('Distributed tables sharded alike: the files DuckDB writes, and what was read', async () => {
    await accounts('cityHash64(uid)');
    await events('cityHash64(author)');
    const out = outDir();
    const result = await mapRun(urls, 'sv', 'team.accounts', 'team.events', { out });
    expect(result.code, result.message).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...CLUSTER_FILES].sort());
    for (const name of CLUSTER_FILES) expect(read(out, name), name).toBe(read(duck, name));
    expect(result.err).toContain(
      'signups: reading 21126 rows of team.accounts (user_id=uid, signup_at=joined; segments country (Country Code), source, platform, language)',
    );
    expect(result.err).toContain('column tags (Array(String)) is not a segment');
    // Later runs (and the dashboard) read the views without --table.
    const again = outDir();
    expect(
      await runAnalyze([
        '--clickhouse',
        urls,
        '--database',
        'sv',
        '--series',
        'posts',
        '--out',
        again,
      ]),
    ).toEqual({ code: 0 });
    const local = outDir();
    expect(await runAnalyze([...files, '--series', 'posts', '--out', local])).toEqual({ code: 0 });
    for (const name of CLUSTER_FILES) expect(read(again, name), name).toBe(read(local, name));
  });

  it('rows without a user id or a readable time are counted and left out', async () => {
    await accounts('cityHash64(uid)');
    await events(
      'cityHash64(author)',
      'events',
      ` UNION ALL SELECT '', '2025-01-10T00:00:00Z', 'x', 'no-user', NULL
        UNION ALL SELECT 'u_100003', 'yesterday-ish', 'x', 'bad-time', NULL
        UNION ALL SELECT 'u_100003', '', 'x', 'no-time', NULL`,
    );
    const out = outDir();
    const result = await mapRun(urls, 'sv', 'team.accounts', 'team.events', { out });
    expect(result.code, result.message).toBe(0);
    expect(result.err).toContain('note: team.events: 1 row without a user id left out');
    expect(result.err).toContain(
      'note: team.events: 2 rows whose created_at is empty or cannot be read left out',
    );
    for (const name of CLUSTER_FILES) expect(read(out, name), name).toBe(read(duck, name));
  });

  it('one server with plain tables: views, no Distributed table', async () => {
    await accounts(null, 'solo_accounts');
    await events(null, 'solo_events');
    const out = outDir();
    const result = await mapRun(
      cluster.urls[0] as string,
      'solo',
      'team.solo_accounts_local',
      'team.solo_events_local',
      { out },
    );
    expect(result.code, result.message).toBe(0);
    for (const name of CLUSTER_FILES) expect(read(out, name), name).toBe(read(duck, name));
  });

  it('refuses posts sharded apart from their authors, and drops its views', async () => {
    await accounts('cityHash64(uid)');
    await events('rand()', 'scattered');
    const result = await mapRun(urls, 'bad', 'team.accounts', 'team.scattered');
    expect(result.code).toBe(1);
    expect(result.message).toMatch(
      /analyze: \d+ posts in team\.scattered sit on another shard than their author's signup in team\.accounts; .*sharded by the same hash of the user id/,
    );
    for (const server of servers)
      expect(await server.query("SELECT name FROM system.tables WHERE database = 'bad'")).toEqual(
        [],
      );
  });

  it('refuses a user with two signup rows, naming one', async () => {
    await accounts('cityHash64(uid)', 'twice');
    await (servers[0] as ClickHouseEngine).exec(
      "INSERT INTO team.twice SELECT uid, joined + 60, `Country Code`, source, platform, language, tags FROM team.twice WHERE uid = 'u_100001'",
    );
    await events('cityHash64(author)');
    const result = await mapRun(urls, 'bad', 'team.twice', 'team.events');
    expect(result.code).toBe(1);
    expect(result.message).toContain(
      'team.twice has 1 extra signup rows for users already in it (e.g. user "u_100001")',
    );
    for (const server of servers)
      expect(await server.query("SELECT name FROM system.tables WHERE database = 'bad'")).toEqual(
        [],
      );
  });

  it("refuses a table that lacks a role, and Surgescope's loaded tables as a target", async () => {
    const missing = await mapRun(urls, 'bad', 'team.accounts', 'team.events', { map: false });
    expect(missing.code).toBe(1);
    expect(missing.message).toContain('team.events: no column serves created_at, category');
    expect(missing.message).toContain('--map posts.created_at=COLUMN');
    // staging holds the rows --load put there: mapping into it would replace them.
    const loaded = await mapRun(urls, 'staging', 'team.accounts', 'team.events');
    expect(loaded.code).toBe(1);
    expect(loaded.message).toMatch(
      /staging\.\w+ on .* is a (MergeTree|Distributed) table .*give another database with --database/,
    );
  });

  it("never replaces a team's own table or view that has one of the names Surgescope's views take", async () => {
    for (const server of servers) {
      await server.exec('CREATE DATABASE IF NOT EXISTS own');
      await server.exec('DROP TABLE IF EXISTS own.posts');
      await server.exec('DROP TABLE IF EXISTS own.signups');
      await server.exec('DROP TABLE IF EXISTS own.ev_local');
      await server.exec(
        `CREATE TABLE own.ev_local ${EVENTS} ENGINE = MergeTree() ORDER BY tuple()`,
      );
      await server.exec(
        'CREATE TABLE own.posts AS own.ev_local ENGINE = Distributed(surge, own, ev_local, cityHash64(author))',
      );
      await server.exec('CREATE VIEW own.signups AS SELECT * FROM team.accounts_local');
    }
    await accounts('cityHash64(uid)');
    // The team's table itself has a reserved name in the target database.
    const named = await mapRun(urls, 'own', 'team.accounts', 'own.posts');
    expect(named.code).toBe(1);
    expect(named.message).toContain("own.posts takes a name Surgescope's views need");
    // A view of the team's with such a name, beside the tables given.
    await events('cityHash64(author)');
    const beside = await mapRun(urls, 'own', 'team.accounts', 'team.events');
    expect(beside.code).toBe(1);
    expect(beside.message).toMatch(
      /own\.\w+ on .* is a (View|Distributed) table Surgescope's views did not make/,
    );
    for (const server of servers)
      expect(
        await server.query(
          "SELECT name, engine FROM system.tables WHERE database = 'own' ORDER BY name",
        ),
      ).toEqual([
        { name: 'ev_local', engine: 'MergeTree' },
        { name: 'posts', engine: 'Distributed' },
        { name: 'signups', engine: 'View' },
      ]);
  });

  it('refuses a server given twice, or one outside the cluster', async () => {
    await accounts('cityHash64(uid)');
    await events('cityHash64(author)');
    const first = cluster.urls[0] as string;
    const twice = await mapRun(`${first},${first}`, 'sv', 'team.accounts', 'team.events');
    expect(twice.code).toBe(1);
    expect(twice.message).toContain('are the same server of cluster surge');
    const one = await mapRun(first, 'sv', 'team.accounts', 'team.events');
    expect(one.code).toBe(1);
    expect(one.message).toContain('cluster surge has 2 servers and 1 were given');
  });

  it('reads times as the ingest reads the same text (zones, epochs, offsets, bad dates)', async () => {
    const texts = [
      '2025-01-14T16:03:11Z',
      '2025-01-14 16:03:11+08:00',
      '2025-01-14t16:03:11z',
      '2025-01-14 16:03:11.250-05:30',
      '2025-01-14T16:03:11,5+0800',
      '2025-01-14 16:03',
      '2025-01-14',
      '2025-03-30 02:30:00',
      '1736784000',
      '1736784000123',
      '+1736784000',
      '1736784000.5',
      '-5',
      '9999999999',
      '99999999999999',
      '100000000000000',
      '2025-13-45 10:00:00',
      '2025-02-30',
      '2025-01-14T24:00:00',
      '2025-01-14T16:03:11+15:00',
      'garbage',
      '',
      '  2025-01-14 09:00  ',
    ];
    const zone = 'Asia/Kolkata';
    const dir = outDir();
    const csv = path.join(dir, 'times.csv');
    writeFileSync(
      csv,
      'user_id,signup_at\n' + texts.map((t, i) => `t${i},"${t}"`).join('\n') + '\n',
    );
    const posts = path.join(dir, 'days.csv');
    writeFileSync(posts, 'author,day,topic\nt0,2025-01-14,a\nt1,2024-12-31,b\n');
    const duck = await openNodeEngine({ allowedPaths: [csv, posts] });
    let want: Map<string, number>;
    let wantPosts: number[];
    try {
      await ingestFiles(duck, [
        { input: pathInput(csv), options: { table: 'signups', timeZone: zone } },
        {
          input: pathInput(posts),
          options: {
            table: 'posts',
            timeZone: zone,
            overrides: { created_at: 'day', category: 'topic' },
          },
        },
      ]);
      const rows = await duck.query<{ u: string; s: number }>(
        'SELECT user_id AS u, CAST(floor(epoch(signup_at)) AS BIGINT) AS s FROM signups',
      );
      want = new Map(rows.map((r) => [r.u, Number(r.s)]));
      wantPosts = (
        await duck.query<{ s: number }>(
          'SELECT CAST(epoch(created_at) AS BIGINT) AS s FROM posts ORDER BY s',
        )
      ).map((r) => Number(r.s));
    } finally {
      await duck.close();
    }
    const solo = servers[0] as ClickHouseEngine;
    await solo.exec('DROP TABLE IF EXISTS team.times');
    await solo.exec('DROP TABLE IF EXISTS team.days');
    await solo.exec(
      'CREATE TABLE team.times (uid String, at Nullable(String)) ENGINE = MergeTree() ORDER BY tuple()',
    );
    await solo.exec(
      'CREATE TABLE team.days (author String, day Date, topic String) ENGINE = MergeTree() ORDER BY tuple()',
    );
    await solo.exec(
      `INSERT INTO team.times VALUES ${texts.map((t, i) => `('t${i}', ${literal(t, 'clickhouse')})`).join(', ')}`,
    );
    await solo.exec(
      "INSERT INTO team.days VALUES ('t0', '2025-01-14', 'a'), ('t1', '2024-12-31', 'b')",
    );
    await solo.exec('CREATE DATABASE IF NOT EXISTS times');
    const house = openClickHouseEngine({ url: cluster.urls[0] as string, database: 'times' });
    const mapped = await mapClusterTables(
      [house],
      { signups: 'team.times', posts: 'team.days' },
      {
        overrides: {
          signups: { signup_at: 'at' },
          posts: { created_at: 'day', category: 'topic' },
        },
        sourceTz: zone,
      },
    );
    const got = new Map(
      (
        await house.query<{ u: string; s: number }>(
          'SELECT user_id AS u, toUInt32(signup_at) AS s FROM signups',
        )
      ).map((r) => [r.u, Number(r.s)]),
    );
    const plausible = (s: number) =>
      s >= Date.UTC(2000, 0, 1) / 1000 && s < Date.UTC(2100, 0, 1) / 1000;
    for (const [i, text] of texts.entries()) {
      const u = `t${i}`;
      const w = want.get(u);
      const g = got.get(u);
      if (w === undefined) expect(g, `${JSON.stringify(text)} is rejected`).toBeUndefined();
      else if (plausible(w)) expect(g, JSON.stringify(text)).toBe(w);
      // Kept but out of the analyses either way (ClickHouse cannot hold the instant itself).
      else expect(g !== undefined && !plausible(g), JSON.stringify(text)).toBe(true);
    }
    // Both readers refuse the same several texts (and count them).
    expect(texts.length - want.size).toBeGreaterThanOrEqual(6);
    expect(mapped.tables.signups.badTime).toBe(texts.length - want.size);
    expect(
      (
        await house.query<{ s: number }>('SELECT toUInt32(created_at) AS s FROM posts ORDER BY s')
      ).map((r) => Number(r.s)),
    ).toEqual(wantPosts);
    expect(wantPosts).toHaveLength(2);
  });
});
