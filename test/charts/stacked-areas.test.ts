import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { niceCeiling, stackedPaths } from '../../src/charts/stacked-areas.tsx';

/** The `x,y` pairs of a path's outline, in order. */
const pairs = (d: string) =>
  d
    .replace(/^M/, '')
    .replace(/Z$/, '')
    .split('L')
    .map((p) => p.split(',').map(Number) as [number, number]);

const px = (p: { x: number }) => p.x * 10;
const py = (v: number) => 100 - v;

describe('stackedPaths', () => {
  const points = [
    { x: 0, v: [2, 3] },
    { x: 1, v: [4, 0] },
    { x: 2, v: [1, 1] },
  ];
  const value = (p: (typeof points)[number], j: number) => p.v[j] ?? 0;

  it('runs each series along its top and back along the top of the one below', () => {
    const [first, second] = stackedPaths(points, 2, px, py, value);
    expect(pairs(first as string)).toEqual([
      [0, 98],
      [10, 96],
      [20, 99],
      [20, 100],
      [10, 100],
      [0, 100],
    ]);
    expect(pairs(second as string)).toEqual([
      [0, 95],
      [10, 96],
      [20, 98],
      [20, 99],
      [10, 96],
      [0, 98],
    ]);
  });

  it('scales each point to 1 when expanded (a point with nothing stays at 0)', () => {
    const withEmpty = [...points, { x: 3, v: [0, 0] }];
    const [first, second] = stackedPaths(withEmpty, 2, px, (v) => v * 100, value, {
      expand: true,
    });
    expect(pairs(first as string).slice(0, 4).map(([, y]) => y)).toEqual([40, 100, 50, 0]);
    expect(pairs(second as string).slice(0, 4).map(([, y]) => y)).toEqual([100, 100, 100, 0]);
  });

  it('steps at the midpoints between points, the same walked either way', () => {
    const [only] = stackedPaths(points.slice(0, 2), 1, px, py, value, { step: true });
    expect(pairs(only as string)).toEqual([
      [0, 98],
      [5, 98],
      [5, 96],
      [10, 96],
      [10, 100],
      [5, 100],
      [5, 100],
      [0, 100],
    ]);
  });

  it('tops the last series at every point’s total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 20,
        }),
        (rows) => {
          const pts = rows.map((v, x) => ({ x, v }));
          const paths = stackedPaths(pts, 3, px, (v) => -v, value);
          const top = pairs(paths[2] as string).slice(0, pts.length);
          expect(top.map(([, y]) => -y)).toEqual(rows.map((v) => v[0]! + v[1]! + v[2]!));
        },
      ),
    );
  });
});

describe('niceCeiling', () => {
  it('rounds up to four round steps', () => {
    expect(niceCeiling(3075)).toBe(4000);
    expect(niceCeiling(860)).toBe(1000);
    expect(niceCeiling(7)).toBe(8);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(100)).toBe(100);
  });

  it('always holds the maximum, within 2.5 times it', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (max) => {
        const top = niceCeiling(max);
        expect(top).toBeGreaterThanOrEqual(max * (1 - 1e-9));
        expect(top).toBeLessThanOrEqual(max * 2.5 * (1 + 1e-9));
      }),
    );
  });
});
