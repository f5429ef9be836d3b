/**
 * `npm run bench [-- --scale 50] [-- --skip-node] [-- --skip-browser]`: the performance targets,
 * measured. Generates the sample at a scale (50 ≈ 1M signups, 9M posts) into the temp folder,
 * then
 *  - node: ingest and every analysis through the CLI's code path;
 *  - browser: loads the files through the page's file input into duckdb-wasm in Chromium and
 *    times the load, each view's first draw and several interactions, recording long tasks
 *    (> 50 ms) on the main thread with a PerformanceObserver.
 * Prints a table of figures; nothing is asserted (timed tests would be flaky), the numbers are
 * for people to read and quote.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSample } from '../../data/generate.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { loadContext } from '../../src/metrics/context.ts';
import { runAnalysis } from '../../src/metrics/analysis.ts';
import { benchBrowser } from './browser-bench.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const scaleArg = args[args.indexOf('--scale') + 1];
const scale = args.includes('--scale') && scaleArg ? Number(scaleArg) : 50;

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
  const ordered = [
    ...files.filter((f) => f.startsWith('signups')),
    ...files.filter((f) => !f.startsWith('signups')),
  ];
  return ordered.map((f) => path.join(dir, f));
}

const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

async function benchNode(files: string[]) {
  console.log('\n# node (blocking duckdb-wasm, the CLI path)');
  const engine = await openNodeEngine({ allowedPaths: files });
  let t0 = performance.now();
  const report = await ingestFiles(
    engine,
    files.map((f) => ({
      input: pathInput(f),
      options: {
        table: path.basename(f).startsWith('signups') ? ('signups' as const) : ('posts' as const),
      },
    })),
  );
  console.log(
    `ingest: ${ms(t0)} (${report.signups.toLocaleString()} signups, ${report.posts.toLocaleString()} posts)`,
  );
  const ctx = await loadContext(engine, 'UTC');
  if (!ctx) throw new Error('nothing loaded');
  for (const granularity of ['day', 'hour'] as const) {
    t0 = performance.now();
    await runAnalysis(engine, ctx, {
      granularity,
      cohort: 'week',
      waves: { baseline: null, madMultiplier: 3, medianMultiplier: 2 },
      surgeStart: null,
    });
    console.log(`all analyses, ${granularity}: ${ms(t0)}`);
  }
  await engine.close();
}

const files = await ensureData();
const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
console.log(`scale ${scale}: ${files.length} files, ${(bytes / 1e6).toFixed(0)} MB`);
if (!flag('--skip-node')) await benchNode(files);
if (!flag('--skip-browser')) await benchBrowser(files);
