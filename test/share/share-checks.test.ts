/**
 * Which columns a shared view uses, and which have mostly distinct values, on a real DuckDB over
 * the privacy fixture: 313 signups whose e-mail column has 235 values (a few addresses are shared
 * by two users) and whose country column has 7.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { pathInput } from '../../src/ingest/node-input.ts';
import { loadContext } from '../../src/metrics/context.ts';
import type { QueryContext } from '../../src/metrics/params.ts';
import { DEFAULT_STATE } from '../../src/state/view-state.ts';
import { columnsInView, mostlyDistinct, riskText } from '../../src/share/share-checks.ts';

const DIR = 'test/fixtures/browser';
const SIGNUPS = path.resolve(DIR, 'signups_privacy.csv');
const POSTS = path.resolve(DIR, 'posts_privacy.csv');
/** The fixture's e-mail column (the 4th), read from the file itself. */
const emails = readFileSync(SIGNUPS, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',')[3]);
const USERS = emails.length;
const DISTINCT = new Set(emails).size;

describe('columns that can identify people', () => {
  let engine: Engine;
  let ctx: QueryContext;
  beforeAll(async () => {
    engine = await openNodeEngine({ allowedPaths: [SIGNUPS, POSTS] });
    await ingestFiles(engine, [
      { input: pathInput(SIGNUPS), options: { table: 'signups' } },
      { input: pathInput(POSTS), options: { table: 'posts' } },
    ]);
    const loaded = await loadContext(engine, 'UTC');
    if (!loaded) throw new Error('nothing loaded');
    ctx = loaded;
  });
  afterAll(async () => engine?.close());

  it('lists the filters, and the breakdown the view draws', () => {
    const state = {
      ...DEFAULT_STATE,
      view: 'waves' as const,
      breakdown: 'email',
      retentionBy: 'country',
      filters: [{ table: 'signups' as const, column: 'country', values: ['BR'] }],
    };
    expect(columnsInView(state, ctx.schema)).toEqual([
      { table: 'signups', column: 'country', how: 'filter' },
      { table: 'signups', column: 'email', how: 'breakdown' },
    ]);
    expect(columnsInView({ ...state, view: 'retention' }, ctx.schema).map((u) => u.column)).toEqual(
      ['country', 'country'],
    );
    expect(columnsInView({ ...state, view: 'mix' }, ctx.schema).map((u) => u.how)).toEqual([
      'filter',
    ]);
    // A plain link carries no results: only the filters' values matter.
    expect(columnsInView(state, ctx.schema, true).map((u) => u.how)).toEqual(['filter']);
    // Columns the data does not have are not asked about.
    expect(columnsInView({ ...state, breakdown: 'nope', filters: [] }, ctx.schema)).toEqual([]);
  });

  it('finds e-mail mostly distinct and country not, with their counts', async () => {
    const risky = await mostlyDistinct(engine, ctx, [
      { table: 'signups', column: 'country', how: 'breakdown' },
      { table: 'signups', column: 'email', how: 'breakdown' },
      { table: 'signups', column: 'email', how: 'filter' },
    ]);
    expect(risky).toEqual([
      { table: 'signups', column: 'email', how: 'breakdown', distinct: DISTINCT, total: USERS },
      { table: 'signups', column: 'email', how: 'filter', distinct: DISTINCT, total: USERS },
    ]);
    // Mostly distinct (at least half), yet not all: the column loads as a segment.
    expect(DISTINCT / USERS).toBeGreaterThanOrEqual(0.5);
    expect(DISTINCT).toBeLessThan(USERS);
    const [breakdown, filter] = riskText(risky);
    expect(breakdown).toContain(
      `broken down by "email", whose values are mostly distinct (${DISTINCT} values for ${USERS} users)`,
    );
    expect(filter).toContain('The filter on "email" puts the values you chose in the link');
  });

  it('counts over all the data, whatever the filters', async () => {
    const filtered = {
      ...ctx,
      filters: { segments: [{ table: 'signups' as const, column: 'country', values: ['IS'] }] },
    };
    const risky = await mostlyDistinct(engine, filtered, [
      { table: 'signups', column: 'email', how: 'breakdown' },
    ]);
    expect(risky.map((r) => [r.distinct, r.total])).toEqual([[DISTINCT, USERS]]);
  });
});
