/** The data sets and variants the ClickHouse suites run, and the files they compare. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => path.join(REPO, 'test/fixtures/metrics', name);
const sample = (name: string) => path.join(REPO, 'data/sample', name);

/** Every analysis file (ingest.json is written by the load). */
export const CLUSTER_FILES = [
  'signups.csv',
  'waves.json',
  'mix.csv',
  'drift.csv',
  'retention.csv',
  'retention_groups.csv',
];

export interface DataSet {
  name: string;
  signups: string[];
  posts: string[];
  variants: string[][];
}

export const COMMON: string[][] = [
  [],
  ['--tz', 'America/New_York', '--granularity', 'hour'],
  ['--tz', 'Asia/Kolkata', '--granularity', 'week'],
  ['--tz', 'Australia/Sydney', '--granularity', 'month'],
  ['--series', 'posts'],
  ['--series', 'authors', '--tz', 'Europe/London'],
  ['--cohort', 'day', '--tz', 'Asia/Tokyo'],
  ['--cohort', 'month', '--tz', 'America/New_York'],
];

export const DATA: DataSet[] = [
  {
    name: 'frame fixture',
    signups: [fixture('frame_signups.csv')],
    posts: [fixture('frame_posts.csv')],
    variants: [
      ...COMMON,
      ['--filter', 'signups.country=B'],
      ['--baseline', '2025-01-01..2025-01-07'],
    ],
  },
  {
    name: 'filters fixture',
    signups: [fixture('filters_signups.csv')],
    posts: [fixture('filters_posts.csv')],
    variants: [
      ...COMMON,
      // A value with a quote: placeholders are inlined as escaped literals on ClickHouse.
      ['--filter', "signups.country=Côte d'Ivoire,FR"],
      ['--filter', 'posts.language=en', '--series', 'posts'],
      ['--filter', 'signups.source=ads', '--filter', 'posts.language=fr', '--series', 'authors'],
    ],
  },
  {
    name: 'mix fixture',
    signups: [fixture('mix_signups.csv')],
    posts: [fixture('mix_posts.csv')],
    variants: COMMON,
  },
  {
    name: 'retention fixture',
    signups: [fixture('retention_signups.csv')],
    posts: [fixture('retention_posts.csv')],
    variants: COMMON,
  },
  {
    name: 'sample',
    signups: [sample('signups_app.csv'), sample('signups_web.csv')],
    posts: [sample('posts_mobile.csv'), sample('posts_web.csv')],
    variants: [
      ...COMMON,
      ['--filter', 'signups.country=US,CN', '--series', 'posts', '--granularity', 'hour'],
    ],
  },
];

/** Load a data set into a DuckDB engine with the CLI's ingest (the reference the suites compare with). */
export async function ingestDataSet(duck: Engine, data: DataSet): Promise<void> {
  await ingestFiles(duck, [
    ...data.signups.map((f) => ({ input: pathInput(f), options: { table: 'signups' as const } })),
    ...data.posts.map((f) => ({ input: pathInput(f), options: { table: 'posts' as const } })),
  ]);
}

/** The data set's files as `npm run analyze` arguments. */
export const fileArgs = (d: DataSet): string[] => [
  ...d.signups.flatMap((f) => ['--signups', f]),
  ...d.posts.flatMap((f) => ['--posts', f]),
];
