import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import {
  isValidZone,
  localToUtcMs,
  localToUtcSql,
  utcToLocalMs,
  utcToLocalSql,
  zoneOffsetMinutes,
  zoneOffsets,
} from '../../src/metrics/time-zone.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Epoch ms for a UTC (or naive local) wall time; months 1-based. */
const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
  Date.UTC(y, mo - 1, d, h, mi, s);
const Y2025 = at(2025, 1, 1);
const Y2026 = at(2026, 1, 1);
const sqlTs = (ms: number) =>
  `TIMESTAMP '${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}'`;
const DST_ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
];
const ZONES = [...DST_ZONES, 'Asia/Kolkata', 'Asia/Shanghai', 'UTC'];

/** Transitions (not the leading -Infinity entry) that start inside [from, to). */
const transitionsIn = (zone: string, from: number, to: number) =>
  zoneOffsets(zone, from, to).filter((o) => o.fromUtcMs >= from && o.fromUtcMs < to);

describe('isValidZone', () => {
  it('accepts IANA names and UTC spellings, rejects the rest', () => {
    for (const z of ['UTC', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      expect(isValidZone(z), z).toBe(true);
    }
    for (const z of ['', 'Mars/Olympus_Mons', 'America/NewYork', 'not a zone'])
      expect(isValidZone(z), z).toBe(false);
    expect(() => zoneOffsets('Mars/Olympus_Mons', Y2025, Y2026)).toThrow(/Unknown time zone/);
  });
});

describe('zoneOffsets', () => {
  it('finds New York 2025 DST to the second, with -Infinity first and a year of padding', () => {
    const all = zoneOffsets('America/New_York', Y2025, at(2025, 12, 31));
    expect(all[0]).toEqual({ fromUtcMs: -Infinity, offsetMinutes: -300 });
    expect(transitionsIn('America/New_York', Y2025, Y2026)).toEqual([
      { fromUtcMs: at(2025, 3, 9, 7), offsetMinutes: -240 },
      { fromUtcMs: at(2025, 11, 2, 6), offsetMinutes: -300 },
    ]);
    // padding: 2024's and 2026's transitions are present too
    expect(all.map((o) => o.fromUtcMs)).toContain(at(2024, 11, 3, 6));
    expect(all.map((o) => o.fromUtcMs)).toContain(at(2026, 3, 8, 7));
  });

  it('finds London 2025 BST', () => {
    expect(transitionsIn('Europe/London', Y2025, Y2026)).toEqual([
      { fromUtcMs: at(2025, 3, 30, 1), offsetMinutes: 60 },
      { fromUtcMs: at(2025, 10, 26, 1), offsetMinutes: 0 },
    ]);
  });

  it('finds Lord Howe 30-minute DST shifts', () => {
    // DST (+11:00) ends 2025-04-06 02:00 local = 04-05 15:00Z; starts 2025-10-05 02:00 (+10:30) = 10-04 15:30Z.
    expect(transitionsIn('Australia/Lord_Howe', Y2025, Y2026)).toEqual([
      { fromUtcMs: at(2025, 4, 5, 15), offsetMinutes: 630 },
      { fromUtcMs: at(2025, 10, 4, 15, 30), offsetMinutes: 660 },
    ]);
  });

  it('returns one entry for constant zones', () => {
    expect(zoneOffsets('Asia/Shanghai', Y2025, Y2026)).toEqual([
      { fromUtcMs: -Infinity, offsetMinutes: 480 },
    ]);
    expect(zoneOffsets('Asia/Kolkata', Y2025, Y2026)).toEqual([
      { fromUtcMs: -Infinity, offsetMinutes: 330 },
    ]);
    expect(zoneOffsets('UTC', Y2025, Y2026)).toEqual([{ fromUtcMs: -Infinity, offsetMinutes: 0 }]);
    expect(zoneOffsets('Etc/UTC', Y2025, Y2026)).toEqual([
      { fromUtcMs: -Infinity, offsetMinutes: 0 },
    ]);
  });
});

// [zone, UTC instant, local wall time] worked by hand from the offsets above.
const UTC_TO_LOCAL: [string, number, number][] = [
  ['America/New_York', at(2025, 3, 9, 6, 59), at(2025, 3, 9, 1, 59)],
  ['America/New_York', at(2025, 3, 9, 7, 0), at(2025, 3, 9, 3, 0)],
  ['America/New_York', at(2025, 11, 2, 5, 30), at(2025, 11, 2, 1, 30)],
  ['America/New_York', at(2025, 11, 2, 6, 30), at(2025, 11, 2, 1, 30)],
  ['Europe/London', at(2025, 3, 30, 0, 59, 59), at(2025, 3, 30, 0, 59, 59)],
  ['Europe/London', at(2025, 3, 30, 1, 0), at(2025, 3, 30, 2, 0)],
  ['Europe/London', at(2025, 10, 26, 1, 0), at(2025, 10, 26, 1, 0)],
  ['Asia/Shanghai', at(2025, 6, 30, 16, 0), at(2025, 7, 1, 0, 0)],
  ['Asia/Kolkata', at(2025, 1, 1, 18, 29), at(2025, 1, 1, 23, 59)],
  ['Australia/Lord_Howe', at(2025, 10, 4, 15, 29), at(2025, 10, 5, 1, 59)],
  ['Australia/Lord_Howe', at(2025, 10, 4, 15, 30), at(2025, 10, 5, 2, 30)],
  ['UTC', at(2025, 3, 9, 7, 0), at(2025, 3, 9, 7, 0)],
];

// [zone, naive local wall time, UTC instant]: fold=0 — ambiguous → earlier, gap → offset before.
const LOCAL_TO_UTC: [string, number, number][] = [
  ['America/New_York', at(2025, 11, 2, 1, 30), at(2025, 11, 2, 5, 30)], // ambiguous: EDT
  ['America/New_York', at(2025, 11, 2, 0, 59), at(2025, 11, 2, 4, 59)],
  ['America/New_York', at(2025, 11, 2, 2, 0), at(2025, 11, 2, 7, 0)], // after the repeat: EST
  ['America/New_York', at(2025, 3, 9, 2, 30), at(2025, 3, 9, 7, 30)], // gap: EST
  ['America/New_York', at(2025, 3, 9, 1, 59), at(2025, 3, 9, 6, 59)],
  ['America/New_York', at(2025, 3, 9, 3, 0), at(2025, 3, 9, 7, 0)],
  ['Europe/London', at(2025, 3, 30, 1, 30), at(2025, 3, 30, 1, 30)], // gap: GMT
  ['Europe/London', at(2025, 10, 26, 1, 30), at(2025, 10, 26, 0, 30)], // ambiguous: BST
  ['Australia/Lord_Howe', at(2025, 10, 5, 2, 15), at(2025, 10, 4, 15, 45)], // gap: +10:30
  ['Australia/Lord_Howe', at(2025, 4, 6, 1, 45), at(2025, 4, 5, 14, 45)], // ambiguous: +11:00
  ['Asia/Kolkata', at(2025, 1, 2, 0, 0), at(2025, 1, 1, 18, 30)],
  ['UTC', at(2025, 3, 9, 2, 30), at(2025, 3, 9, 2, 30)],
];

describe('JS conversions', () => {
  it('utcToLocalMs', () => {
    for (const [zone, utc, local] of UTC_TO_LOCAL)
      expect(utcToLocalMs(utc, zone), `${zone} ${utc}`).toBe(local);
    expect(zoneOffsetMinutes(at(2025, 7, 1), 'America/New_York')).toBe(-240);
  });

  it('localToUtcMs follows fold=0', () => {
    for (const [zone, local, utc] of LOCAL_TO_UTC)
      expect(localToUtcMs(local, zone), `${zone} ${local}`).toBe(utc);
  });

  it('round-trips every instant outside a repeated hour; repeated ones map to the earlier instant', () => {
    const near = fc
      .tuple(
        fc.constantFrom(...DST_ZONES),
        fc.integer({ min: 2020, max: 2029 }),
        fc.nat({ max: 1 }),
        fc.integer({ min: -3 * 3600, max: 3 * 3600 }),
      )
      .map(([zone, year, which, sec]) => {
        const ts = transitionsIn(zone, at(year, 1, 1), at(year + 1, 1, 1));
        return [zone, (ts[which]?.fromUtcMs ?? at(year, 6, 1)) + sec * 1000] as const;
      });
    const anywhere = fc.tuple(
      fc.constantFrom(...ZONES),
      fc.integer({ min: at(1990, 1, 1), max: at(2040, 1, 1) }),
    );
    let repeated = 0;
    fc.assert(
      fc.property(fc.oneof(near, anywhere), ([zone, t]) => {
        const local = utcToLocalMs(t, zone);
        const back = zoneOffsetMinutes(t - 3 * HOUR, zone) - zoneOffsetMinutes(t, zone); // > 0 just after a fall-back
        const inRepeat = back > 0 && utcToLocalMs(t - back * MIN, zone) === local;
        if (inRepeat) repeated++;
        expect(localToUtcMs(local, zone)).toBe(inRepeat ? t - back * MIN : t);
      }),
      { numRuns: 400 },
    );
    expect(repeated).toBeGreaterThan(0);
  });
});

describe('SQL conversions on DuckDB', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openNodeEngine();
  });
  afterAll(async () => engine.close());

  const one = async (sql: string) =>
    (await engine.query<{ v: string }>(`SELECT strftime(${sql}, '%Y-%m-%d %H:%M:%S') AS v`))[0]?.v;
  const text = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

  it('uses no ICU features and leaves UTC untouched', () => {
    const sql =
      utcToLocalSql('ts', 'America/New_York', Y2025, Y2026) +
      localToUtcSql('ts', 'America/New_York', Y2025, Y2026);
    expect(sql).not.toMatch(/timezone|TIMESTAMPTZ|TIME ZONE/i);
    expect(sql).toContain(
      "WHEN (ts) < TIMESTAMP '2025-03-09 07:00:00' THEN -300 WHEN (ts) < TIMESTAMP '2025-11-02 06:00:00' THEN -240",
    );
    // local thresholds: the gap's end (03:00) and the repeat's end (02:00), per fold=0
    expect(sql).toContain(
      "WHEN (ts) < TIMESTAMP '2025-03-09 03:00:00' THEN 300 WHEN (ts) < TIMESTAMP '2025-11-02 02:00:00' THEN 240",
    );
    expect(utcToLocalSql('ts', 'UTC', Y2025, Y2026)).toBe('ts');
    expect(localToUtcSql('ts', 'Etc/UTC', Y2025, Y2026)).toBe('ts');
    expect(utcToLocalSql('a + b', 'Asia/Kolkata', Y2025, Y2026)).toBe(
      '((a + b) + INTERVAL (330) MINUTE)',
    );
  });

  it('utcToLocalSql matches the hand-worked cases and keeps NULL', async () => {
    for (const [zone, utc, local] of UTC_TO_LOCAL) {
      expect(await one(utcToLocalSql(sqlTs(utc), zone, Y2025, Y2026)), `${zone} ${text(utc)}`).toBe(
        text(local),
      );
    }
    expect(
      await one(utcToLocalSql('NULL::TIMESTAMP', 'America/New_York', Y2025, Y2026)),
    ).toBeNull();
  });

  it('localToUtcSql matches the hand-worked cases', async () => {
    for (const [zone, local, utc] of LOCAL_TO_UTC) {
      expect(
        await one(localToUtcSql(sqlTs(local), zone, Y2025, Y2026)),
        `${zone} ${text(local)}`,
      ).toBe(text(utc));
    }
  });

  it('date_trunc on the local time gives the local day', async () => {
    const cases: [string, number, string][] = [
      ['Asia/Shanghai', at(2025, 1, 1, 15, 59, 59), '2025-01-01'],
      ['Asia/Shanghai', at(2025, 1, 1, 16, 0), '2025-01-02'],
      ['America/New_York', at(2025, 3, 9, 4, 59), '2025-03-08'], // 23:59 EST
      ['America/New_York', at(2025, 3, 9, 5, 0), '2025-03-09'], // 00:00 EST, the DST day
      ['America/New_York', at(2025, 3, 10, 3, 59), '2025-03-09'], // 23:59 EDT
      ['America/New_York', at(2025, 3, 10, 4, 0), '2025-03-10'],
      ['America/New_York', at(2025, 11, 2, 3, 59), '2025-11-01'], // 23:59 EDT
      ['America/New_York', at(2025, 11, 2, 4, 0), '2025-11-02'],
      ['America/New_York', at(2025, 11, 3, 4, 59), '2025-11-02'], // 23:59 EST
      ['America/New_York', at(2025, 11, 3, 5, 0), '2025-11-03'],
      ['Europe/London', at(2025, 10, 25, 22, 59), '2025-10-25'], // 23:59 BST
      ['Europe/London', at(2025, 10, 25, 23, 0), '2025-10-26'],
    ];
    for (const [zone, utc, day] of cases) {
      const sql = `SELECT strftime(date_trunc('day', ${utcToLocalSql(sqlTs(utc), zone, Y2025, Y2026)}), '%Y-%m-%d') AS v`;
      expect((await engine.query<{ v: string }>(sql))[0]?.v, `${zone} ${text(utc)}`).toBe(day);
    }
  });

  it('agrees with the JS functions on random instants, including near transitions', async () => {
    const from = at(2023, 1, 1);
    const to = at(2028, 1, 1);
    for (const zone of ZONES) {
      const edges = transitionsIn(zone, from, to).map((o) => o.fromUtcMs);
      const near = fc.tuple(
        fc.constantFrom(...(edges.length ? edges : [from])),
        fc.integer({ min: -4 * 3600, max: 4 * 3600 }),
      );
      const arb = fc.oneof(
        fc.integer({ min: from, max: to }),
        near.map(([e, s]) => e + s * 1000),
      );
      const samples = fc.sample(arb, { numRuns: 150, seed: 42 });
      const values = samples.map((ms) => `(${ms})`).join(', ');
      const rows = await engine.query<{ ms: number; local: number; utc: number }>(
        `SELECT ms, ${utcToLocalSql('epoch_ms(ms)', zone, from, to)} AS local, ` +
          `${localToUtcSql('epoch_ms(ms)', zone, from, to)} AS utc FROM (VALUES ${values}) t(ms) ORDER BY ms`,
      );
      expect(rows).toHaveLength(samples.length);
      for (const r of rows) {
        expect(r.local, `${zone} utc→local ${r.ms}`).toBe(utcToLocalMs(r.ms, zone));
        expect(r.utc, `${zone} local→utc ${r.ms}`).toBe(localToUtcMs(r.ms, zone));
      }
    }
  });
});
