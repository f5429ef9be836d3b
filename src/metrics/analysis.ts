/** All analyses for one set of parameters: what the CLI writes and the dashboard first shows. */
import type { Engine } from '../db/engine.ts';
import { driftFromMix } from './drift.ts';
import type { DriftRow } from './drift.ts';
import { contentMix, windowMix } from './mix.ts';
import type { MixRow } from './mix.ts';
import type { CohortGranularity, Granularity, QueryContext, WaveSettings } from './params.ts';
import { retention } from './retention.ts';
import type { RetentionCell } from './retention.ts';
import { signupSeries } from './signups.ts';
import type { SignupBucket } from './signups.ts';
import { baselineWindow, detectWaves, surgeStart } from './waves.ts';
import type { WaveResult } from './waves.ts';

export interface AnalysisParams {
  granularity: Granularity;
  cohort: CohortGranularity;
  waves: WaveSettings;
  /** Overrides the first wave's start. */
  surgeStart: string | null;
}

export interface Analysis {
  signups: SignupBucket[];
  waves: WaveResult | null;
  surgeStart: string | null;
  mix: MixRow[];
  drift: DriftRow[];
  retention: RetentionCell[];
}

export async function runAnalysis(
  engine: Engine,
  ctx: QueryContext,
  params: AnalysisParams,
): Promise<Analysis> {
  const signups = await signupSeries(engine, ctx, params.granularity);
  const waves = detectWaves(signups, params.waves);
  const start = surgeStart(waves, params.surgeStart);
  const mix = await contentMix(engine, ctx, params.granularity, start);
  const window = baselineWindow(signups, params.waves);
  // The baseline mix ignores the date-range filter: it is the reference every bucket is compared with.
  const baseline = window
    ? await windowMix(engine, { ...ctx, filters: { ...ctx.filters, from: null, to: null } }, window)
    : [];
  const drift = driftFromMix(mix, baseline);
  const cells = await retention(engine, ctx, params.cohort);
  return { signups, waves, surgeStart: start, mix, drift, retention: cells };
}
