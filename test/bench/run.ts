/**
 * `npm run bench [-- --scale 50] [--runs 5] [--skip-node] [--skip-browser] [--skip-clickhouse]`:
 * the performance targets, measured, next to their references on the same files in one run:
 *  - node: `npm run analyze` (native DuckDB, whole process) against native DuckDB doing the
 *    plain load and queries (test/bench/native-reference.ts), and the CLI on duckdb-wasm,
 *    medians of `--runs` rounds;
 *  - browser (production build, headless Chromium): the app's load (click → report), views
 *    ready, each view's first draw and every interaction repeated for medians and p95 (timed in
 *    the page, from the input event to the painted redraw), with main-thread CPU (CDP
 *    TaskDuration) and long tasks per step; against raw duckdb-wasm
 *    reading the same files into typed tables (test/bench/raw.html);
 *  - ClickHouse (when Debian's clickhouse-server is installed, unless --skip-clickhouse): the CLI
 *    loading into a two-shard cluster on loopback (test/clickhouse/cluster.ts), then analysing
 *    the loaded tables, next to native DuckDB.
 * Nothing is asserted (timed tests would be flaky): the table is for people to read and quote.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSample } from '../../data/generate.ts';
import { median } from '../../src/metrics/stats.ts';
import { benchBrowser } from './browser-bench.ts';
import { ROLES } from './roles.ts';
import { clickhouseBinary, startCluster } from '../clickhouse/cluster.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
};
const scale = option('--scale', 50);
const runs = option('--runs', 5);

async function ensureData(): Promise<string[]> {
  const dir = path.join(tmpdir(), `surgescope-bench-scale-${scale}`);
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    console.log(`Generating scale ${scale} into ${dir} ...`);
    const t0 = performance.now();
    await writeSample(dir, { scale, seed: 20250113 });
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  return [
    ...files.filter((f) => f.startsWith('signups')),
    ...files.filter((f) => !f.startsWith('signups')),
  ].map((f) => path.join(dir, f));
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Wall time of a whole process, from spawn to exit. */
function timeProcess(cmd: string, argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  return ms;
}

/** Whole processes, `runs` rounds of the three in turn (so drifts of the machine hit all three). */
function benchNode(files: string[], runs: number) {
  console.log(
    `\n# node: npm run analyze against native DuckDB, whole processes, medians of ${runs}`,
  );
  const out = mkdtempSync(path.join(tmpdir(), 'surgescope-bench-out-'));
  const roles = path.join(out, 'roles.json');
  writeFileSync(roles, JSON.stringify(ROLES));
  const inputs = files.flatMap((f) => [
    path.basename(f).startsWith('signups') ? '--signups' : '--posts',
    f,
  ]);
  const cli = (engine: string) =>
    timeProcess('npx', ['tsx', 'src/cli/analyze.ts', ...inputs, '--out', out, '--engine', engine]);
  const times = { reference: [] as number[], native: [] as number[], wasm: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.reference.push(
      timeProcess('npx', ['tsx', 'test/bench/native-reference.ts', roles, ...files]),
    );
    times.native.push(cli('native'));
    times.wasm.push(cli('wasm'));
  }
  const reference = median(times.reference);
  const row = (label: string, xs: number[]) => {
    const all = xs.map((x) => s(x)).join(', ');
    console.log(
      `| ${label} | ${s(median(xs))} | ${(median(xs) / reference).toFixed(2)} | ${all} |`,
    );
  };
  console.log('| run | median | ratio to native reference | each run |\n|---|---|---|---|');
  row('native DuckDB, plain load and queries (reference)', times.reference);
  row('npm run analyze (native DuckDB)', times.native);
  row('npm run analyze -- --engine wasm', times.wasm);
}

/** The CLI against a two-shard loopback cluster: load + analyses, then analyses alone. */
async function benchClickHouse(files: string[]) {
  console.log(
    '\n# ClickHouse: npm run analyze on a two-shard cluster on loopback, whole processes',
  );
  const cluster = await startCluster();
  try {
    const out = mkdtempSync(path.join(tmpdir(), 'surgescope-bench-out-'));
    const inputs = files.flatMap((f) => [
      path.basename(f).startsWith('signups') ? '--signups' : '--posts',
      f,
    ]);
    const urls = cluster.urls.join(',');
    const cli = (argv: string[]) =>
      timeProcess('npx', ['tsx', 'src/cli/analyze.ts', ...argv, '--out', out]);
    const native = cli(inputs);
    const load = cli([...inputs, '--clickhouse', urls, '--load']);
    const analyses = cli(['--clickhouse', urls]);
    console.log('| run | time |\n|---|---|');
    console.log(`| npm run analyze (native DuckDB: load and analyses) | ${s(native)} |`);
    console.log(
      `| npm run analyze -- --clickhouse URLS --load (ingest in DuckDB, copy to the cluster, analyses there) | ${s(load)} |`,
    );
    console.log(
      `| npm run analyze -- --clickhouse URLS (analyses of the loaded tables) | ${s(analyses)} |`,
    );
  } finally {
    await cluster.stop();
  }
}

const files = await ensureData();
const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
console.log(`scale ${scale}: ${files.length} files, ${(bytes / 1e6).toFixed(0)} MB`);
if (!flag('--skip-node')) benchNode(files, runs);
if (!flag('--skip-clickhouse') && clickhouseBinary() !== null) await benchClickHouse(files);
if (!flag('--skip-browser')) await benchBrowser(files, runs);
