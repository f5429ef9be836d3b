/** The analysis files of `npm run analyze` (signups.csv, waves.json, mix.csv, drift.csv, retention.csv). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../db/engine.ts';
import { runAnalysis } from '../metrics/analysis.ts';
import { loadContext } from '../metrics/context.ts';
import type { AnalyzeArgs } from './args.ts';
import { toCsv } from './csv.ts';

export async function writeAnalyses(engine: Engine, args: AnalyzeArgs): Promise<void> {
  const ctx = await loadContext(engine, args.tz);
  if (!ctx) throw new Error('nothing loaded');
  const a = await runAnalysis(engine, ctx, {
    granularity: args.granularity,
    cohort: args.cohort,
    waves: {
      baseline: args.baseline,
      madMultiplier: args.madMultiplier,
      medianMultiplier: args.medianMultiplier,
    },
    surgeStart: args.surgeStart,
  });
  const write = (name: string, text: string) => writeFileSync(path.join(args.out, name), text);
  write('signups.csv', toCsv(['bucket_start', 'signups'], a.signups));
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
}
