/**
 * Runs the browser tests when Chromium is present. Without it they are skipped with a clear
 * message, except in CI (CI=true), where a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { CHROMIUM } from './browser.ts';

if (!existsSync(CHROMIUM)) {
  const msg = `Browser tests: Chromium not found at ${CHROMIUM} (apt-get install -y chromium).`;
  if (process.env.CI === 'true') {
    console.error(`${msg} CI requires them: failing.`);
    process.exit(1);
  }
  console.log(`${msg} SKIPPED the browser tests.`);
  process.exit(0);
}
const r = spawnSync(
  'npx',
  ['vitest', 'run', '--config', 'vitest.browser.config.ts', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
