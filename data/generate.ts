/**
 * Deterministic generator of Surgescope sample data (see data/README.md): an onboarding surge,
 * 2024-12-01 .. 2025-02-28 UTC, as four CSV exports in four dialects with a few dirty rows.
 * Seeded mulberry32 only (no Math.random, no clock): same options → byte-identical files.
 *   npx tsx data/generate.ts [--out DIR] [--scale N] [--seed S] [--post-density D]
 * writeSample streams chunks of ≤ 2048 rows per file with backpressure (scale 50 ≈ 1M signups,
 * 10M posts); generateSample keeps everything in memory and is meant for small scales (tests).
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Delimiter, line ending and header row of each export. */
const FORMAT = {
  'signups_app.csv': [',', '\n', 'user_id,signup_at,country,source,platform,language'],
  'signups_web.csv': [';', '\r\n', 'User ID;Sign-up Time;Country;Source;Platform'],
  'posts_mobile.csv': [',', '\n', 'post_id,author_id,created_ms,topic,language'],
  'posts_web.csv': ['\t', '\n', 'Post ID\tuid\tTimestamp (UTC)\tCategory\tText'],
} as const;
export type FileName = keyof typeof FORMAT;
export const FILE_NAMES = Object.keys(FORMAT) as FileName[];
/** postDensity multiplies posts per active user-week: default 1 up to scale 1, scale^0.41 above. */
export type GenerateOptions = { scale: number; seed: number; postDensity?: number };
export type GeneratedFile = { name: FileName; text: string };
export type SampleStats = ReturnType<typeof newStats>;
export type Sample = { files: GeneratedFile[]; stats: SampleStats };

/** Dirty rows per file. All are extra rows except empty_category (a real post, topic blanked). */
// prettier-ignore
const DIRTY_PLAN: Record<FileName, string> = {
  'signups_app.csv': 'empty_user_id:2 empty_timestamp:2 bad_timestamp:2 too_many_fields:1 too_few_fields:1 empty_country:1',
  'signups_web.csv': 'empty_user_id:1 empty_timestamp:2 bad_timestamp:2 too_many_fields:1 too_few_fields:2 empty_country:1',
  'posts_mobile.csv': 'empty_user_id:2 empty_timestamp:2 bad_timestamp:2 too_many_fields:1 too_few_fields:2 empty_category:3',
  'posts_web.csv': 'empty_user_id:2 empty_timestamp:1 bad_timestamp:2 too_many_fields:1 too_few_fields:1 empty_category:3',
};
const BAD_TIMES = ['not a date', '2025-13-45 99:99'];

const DAY = 86_400;
const WEEK = 7 * DAY;
const DAYS = 90; // 2024-12-01 .. 2025-02-28
const END = DAYS * DAY; // times are seconds since START_MS
const START_MS = Date.UTC(2024, 11, 1);
const WAVE1 = 43; // 2025-01-13
const WAVE2 = 64; // 2025-02-03
const BASE_PER_DAY = 60;
const WEEKDAY = [1.18, 0.92, 0.9, 0.93, 0.95, 1.02, 1.2]; // Sun..Sat; day 0 is a Sunday
const W1 = [14, 48, 53, 33, 20, 12.5, 7.8, 4.9, 3.1, 2, 1.3, 0.9, 0.6, 0.45]; // × base, then 0.25
const W2 = [5, 11, 14, 12, 8, 4, 2, 1, 0.5];
const GHOST = 3; // cohort of users that only appear in dirty signup rows

type R = () => number;
/** mulberry32: a fast 32-bit seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): R {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: R, n: number): number => Math.floor(r() * n);
const of = <T>(r: R, xs: readonly T[]): T => xs[int(r, xs.length)] as T;
const gauss = (r: R): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
function poisson(r: R, mean: number): number {
  const limit = Math.exp(-Math.min(mean, 600));
  let k = 0;
  for (let p = r(); p > limit && mean > 0; p *= r()) k++;
  return k;
}
type W<T> = { values: T[]; cum: number[]; total: number };
function weighted<T>(pairs: [T, number][]): W<T> {
  let total = 0;
  return { values: pairs.map(([v]) => v), cum: pairs.map(([, n]) => (total += n)), total };
}
function pick<T>(r: R, w: W<T>): T {
  const x = r() * w.total;
  let i = 0;
  while (i < w.cum.length - 1 && x >= (w.cum[i] ?? 0)) i++;
  return w.values[i] as T;
}
/** "a:3 b:1" → [['a', 3], ['b', 1]] */
const spec = (s: string): [string, number][] =>
  s.split(' ').map((p) => [p.split(':')[0] ?? '', Number(p.split(':')[1])]);
const w = (s: string): W<string> => weighted(spec(s));

// Local hour of activity (quiet at night, evening peak); shifted by each country's UTC offset.
// prettier-ignore
const HOURS = weighted(
  [3, 2, 1, 1, 1, 1, 2, 4, 6, 7, 7, 8, 9, 8, 7, 7, 8, 9, 10, 12, 14, 14, 11, 6].map((n, h) => [h, n] as [number, number]),
);
// prettier-ignore
const TZ: Record<string, number> = {
  CN: 8, HK: 8, TW: 8, SG: 8, MY: 8, PH: 8, ID: 7, AU: 10, NZ: 13, US: -6, CA: -5, GB: 0, BR: -3,
  MX: -6,
};
// prettier-ignore
const LANG: Record<string, W<string>> = Object.fromEntries(Object.entries({
  CN: 'zh:1', HK: 'zh:1', TW: 'zh:1', SG: 'en:6 zh:4', MY: 'ms:4 en:3 zh:3', PH: 'en:6 tl:4',
  ID: 'id:1', AU: 'en:1', NZ: 'en:1', US: 'en:1', CA: 'en:8 fr:2', GB: 'en:1', BR: 'pt:1', MX: 'es:1',
}).map(([c, s]) => [c, w(s)]));
// prettier-ignore
const COHORTS = [
  { country: w('CN:78 HK:7 TW:7 SG:4 MY:4'), ios: 0.35,
    source: w('organic:40 app_store:25 referral:20 search:10 ad_campaign:5') },
  { country: w('US:72 CA:10 GB:9 AU:6 NZ:3'), ios: 0.62,
    source: w('tiktok_refugee:48 app_store:34 referral:8 organic:6 search:4') },
  { country: w('BR:36 MX:26 PH:26 US:6 ID:6'), ios: 0.3,
    source: w('app_store:40 referral:25 influencer:20 organic:15') },
] as const;
const WEB_PLATFORM = w('web:85 ios:7 android:8');
// prettier-ignore
const TOPICS = {
  base: w('beauty:22 fashion:18 food:18 travel:12 home:10 parenting:8 fitness:6 pets:3 music:3'),
  drift: w('beauty:20 fashion:16 food:17 travel:11 home:9 parenting:7 fitness:5 pets:4 music:3 language_exchange:4 cats:3 memes:1'),
  wave1First: w('tiktok_refugee:22 memes:16 cats:13 pets:10 language_exchange:13 music:8 food:8 fashion:4 beauty:3 travel:3'),
  wave1Later: w('memes:14 cats:14 pets:11 language_exchange:15 tiktok_refugee:6 music:9 food:12 fashion:6 beauty:5 travel:5 fitness:3'),
  wave2: w('music:15 memes:13 language_exchange:12 pets:9 cats:8 food:13 fashion:10 beauty:8 travel:8 fitness:4'),
};
// prettier-ignore
const PHRASES: Record<string, string[]> = {
  beauty: ['今日妆容分享 💄', '平价口红试色', 'skincare routine that actually works', '敏感肌护肤心得'],
  fashion: ['冬季穿搭 🧥', 'OOTD｜小个子穿搭', 'thrifted this jacket!', '通勤穿搭合集'],
  food: ['在家做麻辣香锅 🌶️', '上海探店｜必吃小笼包', 'first time trying hotpot 🍲', '减脂餐一周不重样'],
  travel: ['成都三天两夜攻略', '冬天的哈尔滨 ❄️', 'hidden gems in Chongqing', '周末去哪儿玩'],
  home: ['出租屋改造 🏠', '小户型收纳技巧', 'my cozy reading corner', '宜家好物推荐'],
  parenting: ['宝宝辅食记录', '育儿好物分享 👶', '带娃出游攻略', 'bedtime routine tips'],
  fitness: ['居家瘦腿跟练 💪', '跑步打卡第30天', 'gym progress update'],
  pets: ['我家狗狗的日常 🐶', 'meet my corgi!', '新手养宠指南', 'my dog says hi 🐕'],
  cats: ['猫咪 🐱 今天也很可爱', 'my cat says 你好', '橘猫的一天 🐈', 'cat tax paid 🐱'],
  memes: ['hello from tiktok 👋', 'American here, what is going on 😂', 'POV: you just downloaded 小红书', '我是你的间谍 🕵️'],
  language_exchange: ['Learning Chinese! 你好 = hello', '教我说中文吧 🙏', 'I teach English, you teach me 中文?', '今天学会了谢谢 🙂'],
  tiktok_refugee: ['hello from tiktok', 'TikTok refugee checking in 🇺🇸', '#tiktokrefugee 报到!', 'just got here, be nice 🥺'],
  music: ['翻唱一首 🎵', 'my band covering 周杰伦', 'guitar practice day 12 🎸'],
};
const EMOJI = ['🐱', '❤️', '😂', '✨', '🙏', '#小红书', '哈哈哈'];

const DATES = Array.from({ length: DAYS + 2 }, (_, d) =>
  new Date(START_MS + d * DAY * 1000).toISOString().slice(0, 10),
);
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
function dateTime(sec: number, sep: string): string {
  const s = sec % DAY;
  const hms = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  return `${DATES[Math.floor(sec / DAY)] ?? ''}${sep}${hms}`;
}
const isoZ = (sec: number): string => `${dateTime(sec, 'T')}Z`;
const plus8 = (sec: number): string => `${dateTime(sec + 8 * 3600, ' ')}+08:00`;
const naive = (sec: number): string => dateTime(sec, ' ');
const uid = (u: number): string => `u_${100_000 + u}`;
/** RFC 4180 quoting for the tab-delimited file: quote if tab, quote, CR or LF; double quotes. */
const quoteTsv = (v: string): string => (/[\t"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const perFile = <T>(f: (name: FileName) => T): Record<FileName, T> =>
  Object.fromEntries(FILE_NAMES.map((n) => [n, f(n)])) as Record<FileName, T>;

/** Seconds into a UTC day, following local activity hours at UTC offset `tz`. */
const diurnal = (r: R, tz: number): number =>
  ((((pick(r, HOURS) - tz) % 24) + 24) % 24) * 3600 + int(r, 3600);
/** Chance a user is active in week `week` after signup: flat 0.45 for baseline, decaying for waves. */
const activeP = (cohort: number, week: number): number =>
  cohort === 0 ? 0.45 : week === 0 ? 0.3 : 0.08 + 0.27 * Math.exp((1 - week) / 1.8);
const FIRST_POST_P = 0.25; // chance of a first post right after signup, on top of weekly activity
const POSTS_PER_ACTIVE_WEEK = 1.02;
function topicMix(cohort: number, week: number, sec: number): W<string> {
  if (cohort === 1) return week === 0 ? TOPICS.wave1First : TOPICS.wave1Later;
  if (cohort === 2) return TOPICS.wave2;
  return sec >= WAVE1 * DAY ? TOPICS.drift : TOPICS.base;
}
function postText(r: R, topic: string): string {
  const s = of(r, PHRASES[topic] ?? ['']);
  const x = r();
  if (x < 0.012) return `${s}\n${of(r, ['第二行 🐱', 'second line', '哈哈\n第三行'])}`;
  if (x < 0.024) return `they said "${of(r, ['你好', 'hello from tiktok', '猫咪'])}" ${s}`;
  if (x < 0.03) return `${s}\t#${topic}`;
  if (x < 0.05) return '';
  return x < 0.45 ? `${s} ${of(r, EMOJI)}` : s;
}
function sampleSet(r: R, n: number, k: number): Set<number> {
  const s = new Set<number>();
  while (s.size < Math.min(k, n)) s.add(int(r, n));
  return s;
}

function newStats(seed: number, scale: number, postDensity: number) {
  // prettier-ignore
  return {
    seed, scale, postDensity,
    rows: perFile(() => 0), // records per file: header excluded, dirty rows and duplicates included
    bytes: perFile(() => 0),
    dirty: perFile((f) => Object.fromEntries(spec(DIRTY_PLAN[f]).map(([k]) => [k, 0]))),
    signups: 0, // distinct users with a clean signup row
    reRegistrations: 0, // signups_web rows repeating a signups_app user at a later time
    posts: 0, // distinct clean posts (empty-category rows included)
    overlapPosts: 0, // posts_web rows repeating a posts_mobile post_id
    orphanPosts: 0, // posts whose author is in neither signup file
    dailySignups: {} as Record<string, number>, // clean signups per UTC day
  };
}

/** Users by index (id u_1xxxxx); GHOST users only appear in dirty signup rows. */
class Users {
  readonly sec: number[] = [];
  readonly cohort: number[] = [];
  readonly web: boolean[] = [];
  readonly country: string[] = [];
  readonly lang: string[] = [];
  readonly before: number[] = []; // number of users created before day d
  get n(): number {
    return this.sec.length;
  }
  add(r: R, sec: number, cohort: number, country: string, web: boolean): number {
    this.cohort.push(cohort);
    this.web.push(web);
    this.country.push(country);
    this.lang.push(pick(r, LANG[country] ?? w('en:1')));
    return this.sec.push(sec) - 1;
  }
}

type Dirty = { kind: string; day: number };
const due = (q: Dirty[], day: number): Dirty | undefined =>
  q[0] && q[0].day <= day ? q.shift() : undefined;

class Gen {
  readonly rng: R;
  readonly stats: SampleStats;
  readonly bufs = perFile((f) => [
    (f === 'signups_web.csv' ? '\uFEFF' : '') + FORMAT[f][2] + FORMAT[f][1],
  ]);
  readonly inserts: Record<FileName, Dirty[]>;
  readonly blanks: Record<FileName, Dirty[]>; // empty_category: applied to a real post
  readonly users = new Users();

  constructor(readonly opts: Required<GenerateOptions>) {
    this.rng = mulberry32(opts.seed ^ 0x5eed5eed);
    this.stats = newStats(opts.seed, opts.scale, opts.postDensity);
    const plan = perFile((f) =>
      spec(DIRTY_PLAN[f])
        .flatMap(([kind, k]) =>
          Array.from({ length: k }, () => ({ kind, day: 3 + int(this.rng, DAYS - 6) })),
        )
        .sort((a, b) => a.day - b.day),
    );
    this.inserts = perFile((f) => plan[f].filter((d) => d.kind !== 'empty_category'));
    this.blanks = perFile((f) => plan[f].filter((d) => d.kind === 'empty_category'));
  }

  *emit(minRows: number): Generator<GeneratedFile> {
    for (const name of FILE_NAMES) {
      if (this.bufs[name].length <= minRows) continue;
      const text = this.bufs[name].splice(0).join('');
      this.stats.bytes[name] += Buffer.byteLength(text);
      yield { name, text };
    }
  }
  row(f: FileName, fields: string[]): void {
    this.bufs[f].push(fields.join(FORMAT[f][0]) + FORMAT[f][1]);
    this.stats.rows[f]++;
  }
  /** Counts and applies a dirty kind to a row (timestamp at index 2 for posts, 1 for signups). */
  corrupt(f: FileName, kind: string, fields: string[]): string[] {
    const post = f.startsWith('posts') ? 1 : 0;
    const n = this.stats.dirty[f][kind] ?? 0;
    this.stats.dirty[f][kind] = n + 1;
    if (kind === 'empty_user_id') fields[post] = '';
    if (kind === 'empty_timestamp') fields[1 + post] = '';
    if (kind === 'bad_timestamp') fields[1 + post] = BAD_TIMES[n % 2] ?? '';
    if (kind === 'empty_country') fields[2] = '';
    if (kind === 'empty_category') fields[3] = '';
    if (kind === 'too_many_fields') fields.push(post ? 'pasted from notes' : 'ref=spring_campaign');
    if (kind === 'too_few_fields') fields.length -= f === 'signups_app.csv' ? 2 : 1;
    return fields;
  }

  *signups(): Generator<GeneratedFile, void> {
    const { rng, opts, stats } = this;
    const counts = Array.from({ length: DAYS }, (_, d) => {
      const base = BASE_PER_DAY * opts.scale;
      const waves = [d < WAVE1 ? 0 : (W1[d - WAVE1] ?? 0.25), d < WAVE2 ? 0 : (W2[d - WAVE2] ?? 0)];
      return [
        base * (WEEKDAY[d % 7] ?? 1) * Math.max(0.4, 1 + 0.15 * gauss(rng)),
        ...waves.map((m) => base * m * Math.max(0.5, 1 + 0.06 * gauss(rng))),
      ].map((x) => Math.round(x));
    });
    const sums = counts.map((c) => c.reduce((a, b) => a + b, 0));
    stats.signups = sums.reduce((a, b) => a + b, 0);
    stats.dailySignups = Object.fromEntries(sums.map((n, d) => [DATES[d], n]));
    const { users } = this;
    const rereg = sampleSet(rng, stats.signups, Math.max(1, Math.round(40 * opts.scale)));
    const later = new Map<number, [number, string[]][]>(); // re-registration rows by day
    let rank = 0;
    for (let d = 0; d < DAYS; d++) {
      users.before[d] = users.n;
      const born: [number, number, string][] = []; // [sec, cohort, country]
      counts[d]?.forEach((n, cohort) => {
        for (let i = 0; i < n; i++) {
          const country = pick(rng, COHORTS[cohort]?.country ?? w('CN:1'));
          born.push([d * DAY + diurnal(rng, TZ[country] ?? 0), cohort, country]);
        }
      });
      born.sort((a, b) => a[0] - b[0]);
      const web: [number, string[]][] = [];
      for (const [sec, cohort, country] of born) {
        const { ios, source } = COHORTS[cohort] ?? COHORTS[0];
        const again = rereg.has(rank++);
        const app = again || rng() < 0.7;
        const platform = app ? (rng() < ios ? 'ios' : 'android') : pick(rng, WEB_PLATFORM);
        const u = users.add(rng, sec, cohort, country, platform === 'web');
        const [id, src, lang] = [uid(u), pick(rng, source), users.lang[u] ?? ''];
        if (app) this.row('signups_app.csv', [id, isoZ(sec), country, src, platform, lang]);
        else web.push([sec, [id, plus8(sec), country, src, platform]]);
        if (again) {
          const t = Math.min(END - 1, sec + 3600 + int(rng, 12 * DAY));
          const row = [id, plus8(t), country, of(rng, ['organic', 'referral']), 'web'];
          later.set(Math.floor(t / DAY), [...(later.get(Math.floor(t / DAY)) ?? []), [t, row]]);
          stats.reRegistrations++;
        }
      }
      web.push(...(later.get(d) ?? []));
      for (const [, row] of web.sort((a, b) => a[0] - b[0])) this.row('signups_web.csv', row);
      for (const f of ['signups_app.csv', 'signups_web.csv'] as const) {
        for (let x = due(this.inserts[f], d); x; x = due(this.inserts[f], d)) {
          const sec = d * DAY + int(rng, DAY);
          const [country, src] = [pick(rng, COHORTS[0].country), pick(rng, COHORTS[0].source)];
          const u = users.add(rng, sec, GHOST, country, f === 'signups_web.csv');
          // prettier-ignore
          const row = f === 'signups_app.csv'
            ? [uid(u), isoZ(sec), country, src, 'android', users.lang[u] ?? '']
            : [uid(u), plus8(sec), country, src, 'web'];
          this.row(f, this.corrupt(f, x.kind, row));
        }
      }
      yield* this.emit(2048);
    }
  }

  *posts(): Generator<GeneratedFile, void> {
    const { rng, opts, stats, users } = this;
    const times: number[] = [];
    const authors: number[] = [];
    for (let u = 0; u < users.n; u++) {
      const [s, cohort] = [users.sec[u] ?? 0, users.cohort[u] ?? GHOST];
      const tz = TZ[users.country[u] ?? ''] ?? 0;
      if (cohort === GHOST) continue;
      // A first post minutes to hours after signup (3% in the very same second).
      const first = s + (rng() < 0.03 ? 0 : Math.floor(-Math.log(1 - rng()) * 5400));
      if (rng() < FIRST_POST_P && first < END) {
        times.push(first);
        authors.push(u);
      }
      for (let week = 0; s + week * WEEK < END; week++) {
        if (rng() >= activeP(cohort, week)) continue;
        const n = 1 + poisson(rng, POSTS_PER_ACTIVE_WEEK * opts.postDensity - 1);
        for (let k = 0; k < n; k++) {
          let t = (Math.floor((s + week * WEEK) / DAY) + int(rng, 7)) * DAY + diurnal(rng, tz);
          if (t < s + week * WEEK) t += WEEK; // keep it inside the week window, at or after signup
          if (t >= END) continue;
          times.push(t);
          authors.push(u);
        }
      }
    }
    // ~0.5% of posts come from long-standing users who are in neither signup export.
    stats.orphanPosts = Math.round((times.length * 0.005) / 0.995);
    const orphans = [...sampleSet(rng, 90_000, Math.max(3, Math.round(stats.orphanPosts / 5)))];
    for (let i = 0; i < stats.orphanPosts; i++) {
      times.push(int(rng, DAYS) * DAY + diurnal(rng, 8));
      authors.push(users.n + int(rng, orphans.length));
    }
    // Counting sort by second: stable, O(n), fine for 10M posts.
    const n = (stats.posts = times.length);
    const slot = new Uint32Array(END + 1);
    for (const t of times) slot[t + 1]!++;
    for (let s = 1; s <= END; s++) slot[s]! += slot[s - 1] ?? 0;
    const order = new Uint32Array(n);
    times.forEach((t, i) => (order[slot[t]!++] = i));

    const overlap = sampleSet(rng, n, Math.max(1, Math.round(15 * opts.scale)));
    stats.overlapPosts = overlap.size;
    let nextPost = 1_000_000;
    const flushDirty = (day: number): void => {
      for (const f of ['posts_mobile.csv', 'posts_web.csv'] as const) {
        for (let x = due(this.inserts[f], day); x; x = due(this.inserts[f], day)) {
          let u = 0; // an author who signed up before that day, not a dirty-row ghost
          for (let k = 0; k < 50 && (k === 0 || users.cohort[u] === GHOST); k++)
            u = int(rng, users.before[x.day] || users.n);
          const sec = x.day * DAY + diurnal(rng, TZ[users.country[u] ?? ''] ?? 0);
          const topic = pick(rng, TOPICS.base);
          const [pid, ms] = [`p_${nextPost++}`, `${START_MS + sec * 1000 + int(rng, 1000)}`];
          // prettier-ignore
          const row = f === 'posts_mobile.csv'
            ? [pid, uid(u), ms, topic, users.lang[u] ?? 'zh']
            : [pid, uid(u), naive(sec), topic, of(rng, PHRASES[topic] ?? [''])];
          this.row(f, this.corrupt(f, x.kind, row));
        }
      }
    };
    const write = (f: FileName, day: number, row: string[]): void => {
      const x = due(this.blanks[f], day);
      this.row(f, x ? this.corrupt(f, x.kind, row) : row);
    };
    for (let r = 0; r < n; r++) {
      const i = order[r] ?? 0;
      const [t, a] = [times[i] ?? 0, authors[i] ?? 0];
      const day = Math.floor(t / DAY);
      flushDirty(day - 1);
      const known = a < users.n;
      const cohort = known ? (users.cohort[a] ?? 0) : 0;
      const week = Math.floor((t - (users.sec[a] ?? 0)) / WEEK);
      const lang = known ? (users.lang[a] ?? 'en') : 'zh';
      const author = known ? uid(a) : `u_0${10_000 + (orphans[a - users.n] ?? 0)}`;
      const topic = pick(rng, topicMix(cohort, week, t));
      const swap = topic === 'language_exchange' && rng() < 0.45;
      const postLang = swap ? (lang === 'zh' ? 'en' : 'zh') : lang;
      const both = overlap.has(r);
      const toWeb = both || rng() < (known && users.web[a] ? 0.7 : 0.15);
      const pid = `p_${nextPost++}`;
      if (both || !toWeb) {
        const ms = `${START_MS + t * 1000 + int(rng, 1000)}`;
        write('posts_mobile.csv', day, [pid, author, ms, topic, postLang]);
      }
      if (toWeb)
        write('posts_web.csv', day, [pid, author, naive(t), topic, quoteTsv(postText(rng, topic))]);
      if ((r & 4095) === 4095) yield* this.emit(2048);
    }
    flushDirty(DAYS);
  }
}

function checkOptions({ scale, seed, postDensity }: GenerateOptions): Required<GenerateOptions> {
  const density = postDensity ?? (scale <= 1 ? 1 : scale ** (Math.log(5) / Math.log(50)));
  if (!(scale > 0 && scale <= 100)) throw new Error(`bad scale (0 < scale ≤ 100): ${scale}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`bad seed: ${seed}`);
  if (!(density > 0 && density <= 100)) throw new Error(`bad post density: ${density}`);
  return { scale, seed, postDensity: density };
}

/** Streams the sample as chunks (in order within each file); returns the stats. */
export function* generateChunks(options: GenerateOptions): Generator<GeneratedFile, SampleStats> {
  const gen = new Gen(checkOptions(options));
  yield* gen.signups();
  yield* gen.posts();
  yield* gen.emit(0);
  return gen.stats;
}

/** In-memory generation, for small scales (tests). */
// prettier-ignore
export function generateSample(opts: GenerateOptions): Sample {
  const parts = perFile((): string[] => []);
  const it = generateChunks(opts);
  let r = it.next();
  for (; !r.done; r = it.next()) parts[r.value.name].push(r.value.text);
  return { files: FILE_NAMES.map((name) => ({ name, text: parts[name].join('') })), stats: r.value };
}

/** Streams the sample to `outDir` with backpressure, plus manifest.json holding the stats. */
export async function writeSample(outDir: string, opts: GenerateOptions): Promise<SampleStats> {
  checkOptions(opts); // before any file is truncated
  mkdirSync(outDir, { recursive: true });
  const streams = perFile((f) => createWriteStream(join(outDir, f)));
  const it = generateChunks(opts);
  let r = it.next();
  for (; !r.done; r = it.next()) {
    const s = streams[r.value.name];
    if (!s.write(r.value.text)) await once(s, 'drain');
  }
  await Promise.all(FILE_NAMES.map((f) => new Promise((ok) => streams[f].end(ok))));
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(r.value, null, 2)}\n`);
  return r.value;
}

const USAGE =
  'usage: npx tsx data/generate.ts [--out DIR] [--scale N] [--seed S] [--post-density D]';

async function main(argv: string[]): Promise<void> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag = '', value] = [argv[i], argv[i + 1]];
    if (!/^--(out|scale|seed|post-density)$/.test(flag) || value === undefined)
      throw new Error(USAGE);
    args[flag.slice(2)] = value;
  }
  const out = resolve(args.out ?? join(dirname(fileURLToPath(import.meta.url)), 'sample'));
  const density = args['post-density'];
  const { rows, bytes, dirty, ...totals } = await writeSample(out, {
    scale: Number(args.scale ?? 1),
    seed: Number(args.seed ?? 20250113),
    ...(density === undefined ? {} : { postDensity: Number(density) }),
  });
  for (const f of FILE_NAMES)
    console.log(`${f}: ${rows[f]} rows, ${bytes[f]} bytes, dirty ${JSON.stringify(dirty[f])}`);
  console.log(`${out}: ${JSON.stringify({ ...totals, dailySignups: undefined })}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
