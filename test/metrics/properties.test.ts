/**
 * Properties over random small datasets loaded into DuckDB (one engine, tables emptied between
 * runs). Invariants from metrics.md, plus small independent JS models (local time from Intl) of
 * the signup series, the content mix and cohort retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/db/engine.ts';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import type { CohortGranularity, Granularity } from '../../src/metrics/params.ts';
import { retention } from '../../src/metrics/retention.ts';
import { analyse, context, csv } from './helpers.ts';

const DAY = 86_400_000;
/** Random instants span 2025-02-20 .. 2025-04-06: New York springs forward on Mar 9. */
const T0 = Date.UTC(2025, 1, 20);
const iso = (ms: number) => new Date(ms).toISOString();
const dayLabel = (ms: number) => iso(ms).slice(0, 10);

/** Local wall clock of an instant in `tz` (as ms read as UTC), straight from Intl. */
function local(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}
/** Bucket start (local ms) of a local time: midnight, ISO Monday (1970-01-01 was a Thursday), 1st. */
function bucket(l: number, g: CohortGranularity): number {
  const d = Math.floor(l / DAY);
  if (g === 'day') return d * DAY;
  if (g === 'week') return (d - ((d + 3) % 7)) * DAY;
  const t = new Date(l);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
}
function next(b: number, g: CohortGranularity): number {
  if (g !== 'month') return b + (g === 'day' ? 1 : 7) * DAY;
  const t = new Date(b);
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1);
}
/** Whole buckets from bucket a to bucket b. */
function periods(a: number, b: number, g: CohortGranularity): number {
  if (g !== 'month') return Math.round((b - a) / DAY / (g === 'day' ? 1 : 7));
  const x = new Date(a);
  const y = new Date(b);
  return (y.getUTCFullYear() - x.getUTCFullYear()) * 12 + y.getUTCMonth() - x.getUTCMonth();
}

interface Signup {
  uid: string;
  ms: number | null; // null → an unparseable timestamp (rejected)
}
interface Post {
  uid: string;
  ms: number;
  category: string;
}

const instant = fc.integer({ min: 0, max: 45 * 24 * 60 - 1 }).map((m) => T0 + m * 60_000);
const signupArb = fc.record({
  uid: fc.constantFrom(...Array.from({ length: 10 }, (_, i) => `u${i}`)),
  ms: fc.option(instant, { freq: 8 }),
});
const postArb = fc.record({
  uid: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `u${i}`)), // u10, u11 never sign up
  ms: instant,
  category: fc.constantFrom('a', 'b', 'c', ''),
});
const dataArb = fc.record({
  signups: fc.array(signupArb, { minLength: 1, maxLength: 14 }),
  posts: fc.array(postArb, { minLength: 1, maxLength: 25 }),
  tz: fc.constantFrom('UTC', 'Asia/Shanghai', 'America/New_York'),
  granularity: fc.constantFrom<Granularity>('hour', 'day', 'week', 'month'),
});

let engine: Engine;
beforeAll(async () => {
  engine = await openNodeEngine();
});
afterAll(async () => engine.close());

async function load(signups: Signup[], posts: Post[]): Promise<void> {
  await ingestFiles(
    engine,
    [
      {
        input: bufferInput(
          's.csv',
          csv(
            'user_id,signup_at',
            signups.map((s) => `${s.uid},${s.ms === null ? 'not a time' : iso(s.ms)}`),
          ),
        ),
        options: { table: 'signups' },
      },
      {
        input: bufferInput(
          'p.csv',
          csv(
            'user_id,created_at,category',
            posts.map((p) => `${p.uid},${iso(p.ms)},${p.category}`),
          ),
        ),
        options: { table: 'posts' },
      },
    ],
    { replace: true },
  );
}

/** Earliest valid signup per user (duplicates keep the earliest). */
function firstSignups(signups: Signup[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of signups)
    if (s.ms !== null) m.set(s.uid, Math.min(s.ms, m.get(s.uid) ?? Infinity));
  return m;
}

const RUNS = { numRuns: Number(process.env.METRICS_PROP_RUNS ?? 15) };

describe('metric invariants on random data', () => {
  it('series sums, shares, jsd range, retention ordering', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, async ({ signups, posts, tz, granularity }) => {
        await load(signups, posts);
        const users = firstSignups(signups);
        const a = await analyse(engine, await context(engine, tz), { granularity });
        // signups in the series sum to the number of distinct valid users
        expect(a.signups.reduce((s, b) => s + b.value, 0)).toBe(users.size);
        // shares sum to 1 per (bucket, group); all = new + existing; every post counted once
        const sums = new Map<string, { share: number; posts: number }>();
        for (const r of a.mix) {
          expect(r.posts).toBeGreaterThan(0);
          const k = `${r.bucket_start}|${r.group}`;
          const s = sums.get(k) ?? { share: 0, posts: 0 };
          sums.set(k, { share: s.share + r.share, posts: s.posts + r.posts });
        }
        for (const s of sums.values()) expect(s.share).toBeCloseTo(1, 9);
        let all = 0;
        for (const [k, s] of sums) {
          if (!k.endsWith('|all')) continue;
          all += s.posts;
          const b = k.slice(0, -4);
          expect((sums.get(`${b}|new`)?.posts ?? 0) + (sums.get(`${b}|existing`)?.posts ?? 0)).toBe(
            s.posts,
          );
        }
        expect(all).toBe(posts.length);
        // drift: one row per (bucket, group) of the mix when the baseline has posts; 0 ≤ jsd ≤ 1
        if (a.drift.length > 0) expect(a.drift).toHaveLength(sums.size);
        for (const d of a.drift) {
          expect(d.jsd).toBeGreaterThanOrEqual(0);
          expect(d.jsd).toBeLessThanOrEqual(1);
        }
        // retention: On ≤ On-or-after ≤ size; On-or-after never grows with k; only the last
        // cell of each cohort is incomplete; cohort sizes add up to the users
        const byCohort = new Map<string, typeof a.retention>();
        for (const c of a.retention) {
          expect(c.active_users).toBeLessThanOrEqual(c.active_on_or_after);
          expect(c.active_on_or_after).toBeLessThanOrEqual(c.cohort_size);
          byCohort.set(c.cohort_start, [...(byCohort.get(c.cohort_start) ?? []), c]);
        }
        let size = 0;
        for (const cs of byCohort.values()) {
          size += cs[0]?.cohort_size ?? 0;
          cs.forEach((c, i) => {
            expect(c.period).toBe(i);
            expect(c.complete).toBe(i < cs.length - 1);
            if (i > 0)
              expect(c.active_on_or_after).toBeLessThanOrEqual(cs[i - 1]?.active_on_or_after ?? 0);
          });
        }
        expect(size).toBe(users.size);
      }),
      RUNS,
    );
  });

  it('series and mix match a JS model (local calendar via Intl, day/week/month)', async () => {
    await fc.assert(
      fc.asyncProperty(dataArb, async ({ signups, posts, tz, granularity }) => {
        const g = granularity === 'hour' ? 'day' : granularity;
        await load(signups, posts);
        const users = firstSignups(signups);
        const a = await analyse(engine, await context(engine, tz), { granularity: g });
        const b = (ms: number) => bucket(local(ms, tz), g);
        // series: every bucket from the first signup's to the last signup's
        const counts = new Map<number, number>();
        for (const ms of users.values()) counts.set(b(ms), (counts.get(b(ms)) ?? 0) + 1);
        const expected: [string, number][] = [];
        const starts = [...counts.keys()];
        if (starts.length > 0) {
          for (let x = Math.min(...starts); x <= Math.max(...starts); x = next(x, g))
            expected.push([dayLabel(x), counts.get(x) ?? 0]);
        }
        expect(a.signups.map((r) => [r.bucket_start, r.value])).toEqual(expected);
        // mix: new iff the author signed up at or after the surge start (local midnight)
        const surge = a.surgeStart === null ? null : Date.parse(`${a.surgeStart}T00:00:00Z`);
        const mix = new Map<string, number>();
        const add = (k: string) => mix.set(k, (mix.get(k) ?? 0) + 1);
        for (const p of posts) {
          const su = users.get(p.uid);
          const grp =
            surge !== null && su !== undefined && local(su, tz) >= surge ? 'new' : 'existing';
          const cat = p.category === '' ? '(none)' : p.category;
          add(`${dayLabel(b(p.ms))}|all|${cat}`);
          add(`${dayLabel(b(p.ms))}|${grp}|${cat}`);
        }
        const got = new Map(
          a.mix.map((r) => [`${r.bucket_start}|${r.group}|${r.category}`, r.posts]),
        );
        expect(got).toEqual(mix);
      }),
      RUNS,
    );
  });

  it('retention matches a JS model (local calendar via Intl, day/week/month cohorts)', async () => {
    await fc.assert(
      fc.asyncProperty(
        dataArb,
        fc.constantFrom<CohortGranularity>('day', 'week', 'month'),
        async ({ signups, posts, tz }, g) => {
          await load(signups, posts);
          const users = firstSignups(signups);
          const cells = await retention(engine, await context(engine, tz), g);
          const b = (ms: number) => bucket(local(ms, tz), g);
          const last = b(Math.max(...posts.map((p) => p.ms), ...users.values()));
          const cohorts = [...new Set([...users.values()].map(b))].sort((x, y) => x - y);
          const expected: unknown[] = [];
          for (const c of cohorts) {
            const members = [...users].filter(([, ms]) => b(ms) === c).map(([u]) => u);
            const ks = new Map<string, Set<number>>(); // periods each member posted in (k ≥ 0)
            for (const p of posts) {
              const k = periods(c, b(p.ms), g);
              if (members.includes(p.uid) && k >= 0)
                ks.set(p.uid, (ks.get(p.uid) ?? new Set()).add(k));
            }
            const span = periods(c, last, g);
            for (let k = 0; k <= span; k++) {
              const on = members.filter((u) => ks.get(u)?.has(k)).length;
              const after = members.filter((u) => Math.max(-1, ...(ks.get(u) ?? [])) >= k).length;
              expected.push([dayLabel(c), members.length, k, on, after, k < span]);
            }
          }
          const got = cells.map((c) => [
            c.cohort_start,
            c.cohort_size,
            c.period,
            c.active_users,
            c.active_on_or_after,
            c.complete,
          ]);
          expect(got).toEqual(expected);
        },
      ),
      RUNS,
    );
  });
});
