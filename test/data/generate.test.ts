import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { FILE_NAMES, generateSample, mulberry32, writeSample } from '../../data/generate.ts';
import type { FileName, Sample } from '../../data/generate.ts';

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const DELIM: Record<FileName, string> = {
  'signups_app.csv': ',',
  'signups_web.csv': ';',
  'posts_mobile.csv': ',',
  'posts_web.csv': '\t',
};
const HEADER: Record<FileName, string[]> = {
  'signups_app.csv': ['user_id', 'signup_at', 'country', 'source', 'platform', 'language'],
  'signups_web.csv': ['User ID', 'Sign-up Time', 'Country', 'Source', 'Platform'],
  'posts_mobile.csv': ['post_id', 'author_id', 'created_ms', 'topic', 'language'],
  'posts_web.csv': ['Post ID', 'uid', 'Timestamp (UTC)', 'Category', 'Text'],
};
/** Parsers for each file's timestamp column; NaN when unparseable. */
const TIME: Record<FileName, (v: string) => number> = {
  'signups_app.csv': (v) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v) ? Date.parse(v) : NaN),
  'signups_web.csv': (v) =>
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00$/.test(v) ? Date.parse(v.replace(' ', 'T')) : NaN,
  'posts_mobile.csv': (v) => (/^\d{13}$/.test(v) ? Number(v) : NaN),
  'posts_web.csv': (v) =>
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(v) ? Date.parse(`${v.replace(' ', 'T')}Z`) : NaN,
};
const TIME_COL: Record<FileName, number> = {
  'signups_app.csv': 1,
  'signups_web.csv': 1,
  'posts_mobile.csv': 2,
  'posts_web.csv': 2,
};
const ID_COL: Record<FileName, number> = {
  'signups_app.csv': 0,
  'signups_web.csv': 0,
  'posts_mobile.csv': 1,
  'posts_web.csv': 1,
};

function parse(sample: Sample, name: FileName): string[][] {
  const file = sample.files.find((f) => f.name === name);
  const r = Papa.parse<string[]>(file?.text ?? '', {
    delimiter: DELIM[name],
    skipEmptyLines: true,
  });
  expect(r.errors).toEqual([]);
  return r.data;
}
/** Data rows with the right field count, an id and a parseable timestamp. */
function clean(sample: Sample, name: FileName): string[][] {
  return parse(sample, name)
    .slice(1)
    .filter((row) => row.length === HEADER[name].length && row[ID_COL[name]] !== '')
    .filter((row) => Number.isFinite(TIME[name](row[TIME_COL[name]] ?? '')));
}
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const small = { scale: 0.05, seed: 7 };
const mid = generateSample({ scale: 0.3, seed: 11 });

describe('data/generate', () => {
  it('is deterministic: same options give byte-identical files, another seed differs', () => {
    const a = generateSample(small).files.map((f) => sha256(f.text));
    const b = generateSample(small).files.map((f) => sha256(f.text));
    const c = generateSample({ ...small, seed: 8 }).files.map((f) => sha256(f.text));
    expect(a).toEqual(b);
    expect(a.every((h, i) => h !== c[i])).toBe(true);
    const r1 = mulberry32(42);
    const r2 = mulberry32(42);
    const xs = Array.from({ length: 100 }, () => r1());
    expect(xs).toEqual(Array.from({ length: 100 }, () => r2()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const src = readFileSync(new URL('../../data/generate.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/Math\.random\(|Date\.now\(|performance\.now\(|new Date\(\)/);
  });

  it('streams to disk the same bytes as the in-memory generator, plus a manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'surgescope-gen-'));
    try {
      const stats = await writeSample(dir, small);
      const mem = generateSample(small);
      for (const f of mem.files) {
        const disk = readFileSync(join(dir, f.name));
        expect(sha256(disk)).toBe(sha256(f.text));
        expect(disk.length).toBe(stats.bytes[f.name]);
      }
      expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(stats);
      expect(stats).toEqual(mem.stats);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes each export in its own dialect with the expected header', () => {
    const text = (n: FileName): string => mid.files.find((f) => f.name === n)?.text ?? '';
    for (const name of FILE_NAMES) {
      const rows = parse(mid, name);
      expect(rows[0]).toEqual(HEADER[name]);
      expect(rows.length - 1).toBe(mid.stats.rows[name]);
      expect(text(name).startsWith('\uFEFF')).toBe(name === 'signups_web.csv');
      expect(text(name).endsWith(name === 'signups_web.csv' ? '\r\n' : '\n')).toBe(true);
    }
    expect(
      text('signups_web.csv')
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true);
    for (const name of ['signups_app.csv', 'posts_mobile.csv', 'posts_web.csv'] as const)
      expect(text(name)).not.toContain('\r');
    expect(text('signups_app.csv')).toMatch(/\nu_\d{6},2025-01-1\dT\d\d:\d\d:\d\dZ,US,/);
    expect(text('signups_web.csv')).toMatch(/\r\nu_\d{6};2025-01-1\d \d\d:\d\d:\d\d\+08:00;/);
    expect(text('posts_mobile.csv')).toMatch(/\np_\d{7},u_\d{6},17\d{11},[a-z_]+,[a-z]+\n/);
  });

  it('puts CJK, emoji and properly quoted delimiters, quotes and newlines in posts_web text', () => {
    const texts = parse(mid, 'posts_web.csv')
      .slice(1)
      .map((r) => r[4] ?? '');
    expect(texts.some((t) => t.includes('\n'))).toBe(true);
    expect(texts.some((t) => t.includes('\t'))).toBe(true);
    expect(texts.some((t) => t.includes('"'))).toBe(true);
    for (const s of ['你好', '猫咪', '🐱', 'hello from tiktok'])
      expect(texts.join(' ')).toContain(s);
    const raw = mid.files.find((f) => f.name === 'posts_web.csv')?.text ?? '';
    expect(raw).toMatch(/\t"they said ""[^"]+"" /);
  });

  it('has exactly the dirty rows the stats report, 5-15 per file', () => {
    for (const name of FILE_NAMES) {
      const rows = parse(mid, name).slice(1);
      const width = HEADER[name].length;
      const d = mid.stats.dirty[name];
      const total = Object.values(d).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(5);
      expect(total).toBeLessThanOrEqual(15);
      expect(rows.filter((r) => r.length > width)).toHaveLength(d.too_many_fields ?? 0);
      expect(rows.filter((r) => r.length < width)).toHaveLength(d.too_few_fields ?? 0);
      const ok = rows.filter((r) => r.length === width);
      expect(ok.filter((r) => r[ID_COL[name]] === '')).toHaveLength(d.empty_user_id ?? 0);
      expect(ok.filter((r) => r[TIME_COL[name]] === '')).toHaveLength(d.empty_timestamp ?? 0);
      const bad = ok.filter(
        (r) => r[TIME_COL[name]] && !Number.isFinite(TIME[name](r[TIME_COL[name]] ?? '')),
      );
      expect(bad.map((r) => r[TIME_COL[name]]).sort()).toEqual(
        ['2025-13-45 99:99', 'not a date'].slice(0, d.bad_timestamp ?? 0),
      );
      const emptyCol = name.startsWith('posts') ? 3 : 2; // category / country
      const kind = name.startsWith('posts') ? 'empty_category' : 'empty_country';
      expect(ok.filter((r) => r[emptyCol] === '')).toHaveLength(d[kind] ?? 0);
    }
  });

  it('shows the January wave and the smaller February wave in daily signups', () => {
    const first = new Map<string, number>();
    const country = new Map<string, string>();
    let rereg = 0;
    for (const name of ['signups_app.csv', 'signups_web.csv'] as const) {
      for (const [id = '', ts = '', c = ''] of clean(mid, name)) {
        if (c === '') continue; // the empty_country dirty row
        const t = TIME[name](ts);
        if (first.has(id)) rereg++;
        if ((first.get(id) ?? Infinity) > t) first.set(id, t);
        country.set(id, c);
      }
    }
    expect(rereg).toBe(mid.stats.reRegistrations);
    const daily: Record<string, number> = {};
    const mix: Record<string, Record<string, number>> = {};
    for (const [id, t] of first) {
      const d = day(t);
      daily[d] = (daily[d] ?? 0) + 1;
      const c = country.get(id) ?? '';
      mix[d] = { ...mix[d], [c]: (mix[d]?.[c] ?? 0) + 1 };
    }
    expect(daily).toEqual(
      Object.fromEntries(Object.entries(mid.stats.dailySignups).filter(([, n]) => n > 0)),
    );
    const dec = Object.keys(daily)
      .filter((d) => d.startsWith('2024-12'))
      .map((d) => daily[d] ?? 0);
    const base = dec.sort((a, b) => a - b)[Math.floor(dec.length / 2)] ?? 0;
    const n = (d: string): number => daily[d] ?? 0;
    const peak = Math.max(n('2025-01-14'), n('2025-01-15'));
    const second = Math.max(...['03', '04', '05', '06', '07'].map((d) => n(`2025-02-${d}`)));
    expect(peak).toBeGreaterThan(35 * base);
    expect(n('2025-01-12')).toBeLessThan(3 * base);
    expect(n('2025-01-25')).toBeLessThan(5 * base);
    expect(second).toBeGreaterThan(8 * base);
    expect(second).toBeLessThan(peak / 2);
    const share = (d: string, cs: string[]): number => {
      const m = mix[d] ?? {};
      const tot = Object.values(m).reduce((a, b) => a + b, 0);
      return cs.reduce((a, c) => a + (m[c] ?? 0), 0) / tot;
    };
    expect(share('2024-12-10', ['CN', 'HK', 'TW', 'SG', 'MY'])).toBeGreaterThan(0.95);
    expect(share('2025-01-15', ['US', 'CA', 'GB', 'AU'])).toBeGreaterThan(0.85);
    expect(share('2025-02-05', ['BR', 'MX', 'PH'])).toBeGreaterThan(0.6);
  });

  it('makes posts follow signups, with overlap, orphans, newcomer topics and decaying retention', () => {
    const signup = new Map<string, number>();
    for (const name of ['signups_app.csv', 'signups_web.csv'] as const)
      for (const [id = '', ts = ''] of clean(mid, name))
        signup.set(id, Math.min(signup.get(id) ?? Infinity, TIME[name](ts)));
    const posts = new Map<string, { author: string; t: number; topic: string }>();
    let overlap = 0;
    for (const name of ['posts_mobile.csv', 'posts_web.csv'] as const) {
      for (const [id = '', author = '', ts = '', topic = ''] of clean(mid, name)) {
        if (posts.has(id)) overlap++;
        posts.set(id, { author, t: TIME[name](ts), topic });
      }
    }
    expect(posts.size).toBe(mid.stats.posts); // dirty rows filtered out, empty categories kept
    expect(overlap).toBe(mid.stats.overlapPosts);
    let orphans = 0;
    const active = new Map<string, Set<number>>();
    for (const { author, t, topic } of posts.values()) {
      const s = signup.get(author);
      if (s === undefined) {
        orphans++;
        continue;
      }
      expect(t).toBeGreaterThanOrEqual(s);
      const week = Math.floor((t - s) / (7 * 86_400_000));
      active.set(author, (active.get(author) ?? new Set()).add(week));
      if (t < Date.UTC(2025, 0, 13))
        expect(['tiktok_refugee', 'memes', 'language_exchange', 'cats']).not.toContain(topic);
    }
    expect(orphans).toBe(mid.stats.orphanPosts);
    expect(orphans / posts.size).toBeGreaterThan(0.003);
    expect(orphans / posts.size).toBeLessThan(0.008);
    const topics = new Set([...posts.values()].map((p) => p.topic));
    for (const t of [
      'tiktok_refugee',
      'memes',
      'language_exchange',
      'cats',
      'beauty',
      'parenting',
      '',
    ])
      expect(topics).toContain(t);
    const retention = (from: number, to: number, week: number): number => {
      const cohort = [...signup].filter(([, s]) => s >= from && s < to).map(([id]) => id);
      return cohort.filter((id) => active.get(id)?.has(week)).length / cohort.length;
    };
    const [dec1, dec20, jan13, jan17] = [
      Date.UTC(2024, 11, 1),
      Date.UTC(2024, 11, 20),
      Date.UTC(2025, 0, 13),
      Date.UTC(2025, 0, 17),
    ];
    expect(retention(dec1, dec20, 3)).toBeGreaterThan(0.35);
    expect(retention(dec1, dec20, 3)).toBeLessThan(0.55);
    expect(retention(jan13, jan17, 1)).toBeGreaterThan(0.28);
    expect(retention(jan13, jan17, 1)).toBeLessThan(0.42);
    expect(retention(jan13, jan17, 5)).toBeLessThan(0.16);
  });

  it('hits the size targets at scale 1', () => {
    const { files, stats } = generateSample({ scale: 1, seed: 20250113 });
    expect(stats.signups).toBeGreaterThanOrEqual(20_000);
    expect(stats.signups).toBeLessThanOrEqual(25_000);
    expect(stats.posts).toBeGreaterThanOrEqual(35_000);
    expect(stats.posts).toBeLessThanOrEqual(45_000);
    const app =
      stats.rows['signups_app.csv'] /
      (stats.rows['signups_app.csv'] + stats.rows['signups_web.csv']);
    expect(app).toBeGreaterThan(0.65);
    expect(app).toBeLessThan(0.75);
    expect(files.reduce((a, f) => a + Buffer.byteLength(f.text), 0)).toBeLessThanOrEqual(4.5e6);
  });
});
