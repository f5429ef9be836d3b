/**
 * The context's data part (range, columns) is asked once per engine and data version: filters
 * and date ranges build their context from it without a round trip to the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/engine.ts';
import { contextNow, loadedData } from '../../src/hooks/use-analysis.ts';
import { DEFAULT_STATE } from '../../src/state/view-state.ts';
import { contextOf, loadContext } from '../../src/metrics/context.ts';
import { sampleEngine } from '../metrics/sample-engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = (await sampleEngine()).engine;
});
afterAll(async () => engine.close());

/** The engine with its statements counted (and the first `failures` of them failing). */
function counted(failures = 0): { engine: Engine; statements: () => number } {
  let n = 0;
  const e = Object.create(engine) as Engine;
  e.query = ((sql: string, params?: unknown[]) => {
    n++;
    if (n <= failures) return Promise.reject(new Error('the worker went away'));
    return engine.query(sql, params as never);
  }) as Engine['query'];
  return { engine: e, statements: () => n };
}

describe('loadedData', () => {
  it('asks the database once per data version', async () => {
    const c = counted();
    const first = await loadedData(c.engine, 1);
    const asked = c.statements();
    expect(asked).toBeGreaterThan(0);
    expect(await loadedData(c.engine, 1)).toBe(first);
    expect(c.statements()).toBe(asked);
    const next = await loadedData(c.engine, 2);
    expect(c.statements()).toBeGreaterThan(asked);
    expect(next).toEqual(first);
  });

  it('does not keep a failure: the next ask tries again', async () => {
    const c = counted(1);
    await expect(loadedData(c.engine, 1)).rejects.toThrow('the worker went away');
    const data = await loadedData(c.engine, 1);
    expect(data?.schema.signups.length).toBeGreaterThan(0);
  });

  it('gives the same context as loading it whole, for any zone and filters', async () => {
    const data = await loadedData(engine, 7);
    const filters = [
      {},
      { from: '2025-01-10', to: '2025-01-31' },
      { segments: [{ table: 'signups' as const, column: 'country', values: ['US', 'CA'] }] },
    ];
    for (const tz of ['UTC', 'Asia/Shanghai'])
      for (const f of filters) {
        const whole = await loadContext(engine, tz, f);
        expect(contextOf(engine, data!, tz, f, null)).toEqual({ ...whole, cubes: null });
      }
  });

  it('builds the context at once for the version read last, and only for it', async () => {
    const state = {
      ...DEFAULT_STATE,
      tz: 'Asia/Shanghai',
      from: '2025-01-10',
      filters: [
        { table: 'signups' as const, column: 'country', values: ['US'] },
        { table: 'signups' as const, column: 'no_such_column', values: ['x'] },
      ],
    };
    expect(contextNow(state, 11)).toBeNull();
    const data = await loadedData(engine, 11);
    const now = contextNow(state, 11);
    // The column the data does not have is dropped, as the asked-for context drops it.
    expect(now).toEqual(
      contextOf(
        engine,
        data!,
        'Asia/Shanghai',
        { from: '2025-01-10', to: null, segments: [state.filters[0]!] },
        null,
      ),
    );
    expect(contextNow(state, 12)).toBeNull();
  });
});
