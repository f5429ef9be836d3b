/**
 * Runs the ClickHouse suite when Debian's clickhouse-server is installed. Without it the suite is
 * skipped with a clear message, except in CI (CI=true), where a missing server is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../browser/browser.ts';
import { clickhouseBinary } from './cluster.ts';
import { CHDB_VERSION, loadChdb } from './chdb-engine.ts';

if (clickhouseBinary() === null) {
  const msg =
    'ClickHouse tests: clickhouse-server not found (apt-get install -y clickhouse-server).';
  if (process.env.CI === 'true') {
    console.error(`${msg} CI requires them: failing.`);
    process.exit(1);
  }
  console.log(`${msg} SKIPPED the ClickHouse tests.`);
  process.exit(0);
}
// The dashboard test drives Chromium: without it, that file alone is skipped (a failure in CI).
const extra: string[] = [];
if (!existsSync(CHROMIUM)) {
  const msg = `ClickHouse dashboard test: Chromium not found at ${CHROMIUM}.`;
  if (process.env.CI === 'true') {
    console.error(`${msg} CI requires it: failing.`);
    process.exit(1);
  }
  console.log(`${msg} SKIPPED test/clickhouse/dashboard.test.ts.`);
  extra.push('--exclude', 'test/clickhouse/dashboard.test.ts');
}
// The current-release check needs chdb, installed apart from the project (chdb-engine.ts).
if ((await loadChdb()) === null) {
  const msg = `ClickHouse current-release test: chdb not found (install chdb@${CHDB_VERSION} and set CHDB_MODULE; .ci/run does).`;
  if (process.env.CI === 'true') {
    console.error(`${msg} CI requires it: failing.`);
    process.exit(1);
  }
  console.log(`${msg} SKIPPED test/clickhouse/chdb.test.ts.`);
  extra.push('--exclude', 'test/clickhouse/chdb.test.ts');
}
const r = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.clickhouse.config.ts', ...extra, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
