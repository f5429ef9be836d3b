/**
 * The analysis files of `npm run analyze`: signups.csv, waves.json, mix.csv, drift.csv,
 * retention.csv and retention_groups.csv (metrics.md contract).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../db/engine.ts';
import { runAnalysis } from '../metrics/analysis.ts';
import { loadContext } from '../metrics/context.ts';
import { UnknownColumnError } from '../metrics/filters.ts';
import type { AnalyzeArgs } from './args.ts';
import { UsageError } from './args.ts';
import { toCsv } from './csv.ts';

export async function writeAnalyses(engine: Engine, args: AnalyzeArgs): Promise<void> {
  const ctx = await loadContext(engine, args.tz, { segments: args.filters });
  if (!ctx) throw new Error('nothing loaded');
  for (const f of args.filters) {
    if (!ctx.schema[f.table].includes(f.column))
      throw new UsageError(
        `--filter: the ${f.table} have no column "${f.column}" (columns: ${ctx.schema[f.table].join(', ') || 'none'})`,
      );
  }
  const params = {
    granularity: args.granularity,
    cohort: args.cohort,
    waves: {
      baseline: args.baseline,
      madMultiplier: args.madMultiplier,
      medianMultiplier: args.medianMultiplier,
    },
    surgeStart: args.surgeStart,
    series: args.series,
  };
  const usage = (err: unknown) => {
    if (err instanceof UnknownColumnError) throw new UsageError(err.message);
    throw err;
  };
  const write = (name: string, text: string) => writeFileSync(path.join(args.out, name), text);
  const a = await runAnalysis(engine, ctx, params).catch(usage);
  write(
    'signups.csv',
    toCsv(
      ['bucket_start', 'signups'],
      a.signups.map((p) => ({ bucket_start: p.bucket_start, signups: p.value })),
    ),
  );
  write('waves.json', JSON.stringify(a.waves ?? { baseline: null, waves: [] }, null, 2) + '\n');
  write('mix.csv', toCsv(['bucket_start', 'group', 'category', 'posts', 'share'], a.mix));
  write('drift.csv', toCsv(['bucket_start', 'group', 'jsd'], a.drift));
  write(
    'retention.csv',
    toCsv(
      [
        'cohort_start',
        'cohort_size',
        'period',
        'active_users',
        'retention',
        'active_on_or_after',
        'complete',
      ],
      a.retention,
    ),
  );
  write(
    'retention_groups.csv',
    toCsv(
      ['group', 'period', 'cohort_size', 'active_users', 'retention', 'ci_low', 'ci_high'],
      a.groups,
    ),
  );
}
