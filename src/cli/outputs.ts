/** The analysis files of `npm run analyze` (signups.csv, waves.json, mix.csv, drift.csv, retention.csv). */
import type { Engine } from '../db/engine.ts';
import type { AnalyzeArgs } from './args.ts';

export async function writeAnalyses(_engine: Engine, _args: AnalyzeArgs): Promise<void> {
  // Filled in by the analytics issue.
}
