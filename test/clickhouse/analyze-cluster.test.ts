/**
 * `npm run analyze -- --clickhouse ...` on a real two-shard cluster (Debian's clickhouse-server
 * on loopback, cluster.ts) writes the same files as the DuckDB engine, on the metric fixtures and
 * the sample, in several zones and granularities, with filters and every series; and the results
 * do not depend on how rows fall across the shards.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/cli/analyze.ts';
import { openClickHouseEngine } from '../../src/db/clickhouse-engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { loadContext } from '../../src/metrics/context.ts';
import { curves } from '../../src/metrics/retention.ts';
import { loadDataRange } from '../../src/metrics/buckets.ts';
import { attributionSql, breakdown, segmentValues } from '../../src/metrics/segments.ts';
import { runWaves } from '../../src/metrics/analysis.ts';
import type { AnalysisParams } from '../../src/metrics/analysis.ts';
import type { Engine } from '../../src/db/engine.ts';
import { startCluster } from './cluster.ts';
import { CLUSTER_FILES, DATA, fileArgs, ingestDataSet } from './data-sets.ts';
import type { DataSet } from './data-sets.ts';
import type { Cluster } from './cluster.ts';

const DEFAULTS: AnalysisParams = {
  granularity: 'day',
  cohort: 'week',
  waves: { baseline: null, madMultiplier: 3, medianMultiplier: 2 },
  surgeStart: null,
};

const sortRows = (rows: unknown) =>
  (rows as Record<string, unknown>[]).map((r) => JSON.stringify(r)).sort();

const outDir = () => mkdtempSync(path.join(tmpdir(), 'surgescope-ch-test-'));
const read = (dir: string, name: string) => readFileSync(path.join(dir, name), 'utf8');

async function analyze(argv: string[]): Promise<string> {
  const out = outDir();
  const result = await runAnalyze([...argv, '--out', out]);
  expect(result, `analyze ${argv.join(' ')}`).toEqual({ code: 0 });
  return out;
}

describe('analyze on a two-shard ClickHouse cluster', () => {
  let cluster: Cluster;
  let urls: string;

  beforeAll(async () => {
    cluster = await startCluster();
    urls = cluster.urls.join(',');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  for (const data of DATA) {
    it(`${data.name}: every variant writes the files DuckDB writes`, async () => {
      const loaded = await analyze([...fileArgs(data), '--clickhouse', urls, '--load']);
      // The load writes the same ingest report as a DuckDB run.
      const duck = await analyze(fileArgs(data));
      expect(read(loaded, 'ingest.json')).toBe(read(duck, 'ingest.json'));
      for (const variant of data.variants) {
        const local = variant.length === 0 ? duck : await analyze([...fileArgs(data), ...variant]);
        const remote = await analyze(['--clickhouse', urls, ...variant]);
        expect(readdirSync(remote).sort(), variant.join(' ')).toEqual([...CLUSTER_FILES].sort());
        for (const name of CLUSTER_FILES)
          expect(read(remote, name), `${data.name} ${variant.join(' ')}: ${name}`).toBe(
            read(local, name),
          );
      }
    });
  }

  it("the dashboard's other queries (values, breakdown, attribution, segment curves) match DuckDB", async () => {
    const data = DATA[DATA.length - 1] as DataSet;
    await analyze([...fileArgs(data), '--clickhouse', urls, '--load']);
    const duck = await openNodeEngine({ allowedPaths: [...data.signups, ...data.posts] });
    try {
      await ingestDataSet(duck, data);
      const house = openClickHouseEngine({ url: cluster.urls[0] as string });
      const filters = {
        segments: [{ table: 'posts' as const, column: 'language', values: ['en', 'zh'] }],
      };
      const ranged = { ...filters, from: '2025-01-05', to: '2025-02-10' };
      const work = async (engine: Engine) => {
        const out: unknown[] = [];
        for (const [tz, g, top] of [
          ['UTC', 'week', 3],
          ['Asia/Shanghai', 'day', 8],
          ['America/New_York', 'month', 1],
        ] as const) {
          const ctx = await loadContext(engine, tz, filters);
          if (!ctx) throw new Error('nothing loaded');
          out.push(await curves(engine, ctx, g, { kind: 'segment', column: 'country', top }));
        }
        const ctx = await loadContext(engine, 'Europe/Berlin', ranged);
        if (!ctx) throw new Error('nothing loaded');
        out.push(await segmentValues(engine, ctx, 'signups', 'country'));
        out.push(await segmentValues(engine, ctx, 'posts', 'language'));
        out.push(await breakdown(engine, ctx, 'day', 'country'));
        out.push(await breakdown(engine, ctx, 'hour', 'source', 3));
        const w = await runWaves(engine, ctx, DEFAULTS);
        const wave = w.frame?.waves[0];
        if (!wave || !w.frame) throw new Error('the sample has a wave');
        const attribution = attributionSql(ctx, 'day', 'country', wave, w.frame.baseline);
        out.push(await engine.query(attribution.text, attribution.params));
        return out;
      };
      const [a, b] = [await work(duck), await work(house)];
      for (const [i, part] of (a ?? []).entries()) {
        expect(Array.isArray(part) && part.length > 0, `part ${i} has rows`).toBe(true);
        // Attribution rows come unordered (shapeAttribution sorts them): compare as sets.
        if (i === a.length - 1) expect(sortRows(b?.[i])).toEqual(sortRows(part));
        else expect(b?.[i], `part ${i}`).toEqual(part);
      }
    } finally {
      await duck.close();
    }
  });

  it('an empty table does not pull the data range back to 1970 (min over no rows is NULL)', async () => {
    const server = openClickHouseEngine({ url: cluster.urls[0] as string });
    await server.exec('CREATE DATABASE IF NOT EXISTS edge');
    await server.exec('DROP TABLE IF EXISTS edge.signups');
    await server.exec('DROP TABLE IF EXISTS edge.posts');
    await server.exec(
      "CREATE TABLE edge.signups (user_id String, signup_at DateTime('UTC')) ENGINE = MergeTree() ORDER BY tuple()",
    );
    await server.exec(
      "CREATE TABLE edge.posts (user_id String, created_at DateTime('UTC'), category String) ENGINE = MergeTree() ORDER BY tuple()",
    );
    await server.exec("INSERT INTO edge.signups VALUES ('u1', '2024-03-01 00:00:00')");
    const edge = openClickHouseEngine({ url: cluster.urls[0] as string, database: 'edge' });
    const range = await loadDataRange(edge);
    expect(range).toEqual({
      minMs: Date.UTC(2024, 2, 1),
      maxMs: Date.UTC(2024, 2, 1),
      endMs: Date.UTC(2024, 2, 1),
    });
  });

  it('results do not depend on how users fall across the shards', async () => {
    const data = DATA[DATA.length - 1] as DataSet;
    const shardCounts = async () =>
      Promise.all(
        cluster.urls.map(async (url) => {
          const server = openClickHouseEngine({ url });
          const [row] = await server.query<{ s: number; p: number; stray: number }>(
            `SELECT (SELECT count() FROM signups_local) AS s, (SELECT count() FROM posts_local) AS p,
               (SELECT count() FROM posts_local WHERE user_id IN (SELECT user_id FROM signups)
                  AND user_id NOT IN (SELECT user_id FROM signups_local)) AS stray`,
          );
          return row;
        }),
      );
    const variant = ['--filter', 'signups.country=US,CN', '--series', 'posts'];
    const outputs: string[][] = [];
    const counts = [];
    for (const hash of ['cityHash64', 'sipHash64']) {
      await analyze([...fileArgs(data), '--clickhouse', urls, '--load', '--shard-hash', hash]);
      const perShard = await shardCounts();
      // Both shards hold data, and every author's posts sit on the shard of their signup.
      for (const shard of perShard) {
        expect(shard?.s).toBeGreaterThan(0);
        expect(shard?.p).toBeGreaterThan(0);
        expect(shard?.stray).toBe(0);
      }
      counts.push(perShard.map((c) => c?.s));
      const out = await analyze(['--clickhouse', urls, ...variant]);
      outputs.push(CLUSTER_FILES.map((name) => read(out, name)));
    }
    // Two different spreads of the same users...
    expect(counts[0]).not.toEqual(counts[1]);
    // ...give the same files.
    expect(outputs[1]).toEqual(outputs[0]);
  });
});
