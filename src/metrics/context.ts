/** Build the query context from what is loaded: data range, segment columns, pre-aggregates. */
import type { Engine } from '../db/engine.ts';
import { segmentColumns } from '../ingest/tables.ts';
import { loadDataRange } from './buckets.ts';
import { loadCubeSet } from './cubes.ts';
import type { Filters, QueryContext } from './params.ts';

export async function loadContext(
  engine: Engine,
  tz: string,
  filters: Filters = {},
): Promise<QueryContext | null> {
  const range = await loadDataRange(engine);
  if (!range) return null;
  const schema = {
    signups: await segmentColumns(engine, 'signups'),
    posts: await segmentColumns(engine, 'posts'),
  };
  return { tz, range, filters, schema, cubes: await loadCubeSet(engine) };
}
