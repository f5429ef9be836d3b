/** The committed sample loaded into native DuckDB with the CLI's ingest (node tests' fixture). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import type { IngestReport } from '../../src/ingest/report.ts';

const SAMPLE = path.resolve('data/sample');

export async function sampleEngine(): Promise<{ engine: Engine; report: IngestReport }> {
  // Signups first, as the dashboard's file list loads them.
  const files = readdirSync(SAMPLE)
    .filter((f) => f.endsWith('.csv'))
    .sort((a, b) => Number(b.startsWith('signups')) - Number(a.startsWith('signups')))
    .map((f) => path.join(SAMPLE, f));
  const engine = await openNodeEngine({ allowedPaths: files });
  const report = await ingestFiles(
    engine,
    files.map((f) => ({ input: pathInput(f) })),
  );
  return { engine, report };
}
