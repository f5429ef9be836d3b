/** Category shares over time for one author group, as a 100% stacked area chart. */
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MixRow } from '../metrics/mix.ts';
import type { AuthorGroup } from '../metrics/params.ts';
import { PALETTE } from './palette.ts';
import { useUntabbableChartLayers } from './mix-focus.ts';

export const OTHER = 'Other';
const OTHER_COLOR = '#bdbdbd';
/** The palette without its greys (kept for "Other"), plus three Tol colours: ten distinct hues. */
const CATEGORY_COLORS = [
  ...PALETTE.filter((c) => c !== '#7f7f7f' && c !== '#999999'),
  '#882255',
  '#44AA99',
  '#AA4499',
];
const colorAt = (i: number) => CATEGORY_COLORS[i % CATEGORY_COLORS.length] as string;

export interface MixBucket {
  bucket_start: string;
  /** The group's posts in the bucket. */
  posts: number;
  /** Share of the group's posts per shown category (and the merged rest), summing to 1. */
  shares: Record<string, number>;
}

export interface MixPivot {
  buckets: MixBucket[];
  /** Shown categories, largest first; the merged rest (if any) last. */
  categories: string[];
  /** Name of the merged rest, or null when every category is shown. */
  other: string | null;
}

/**
 * One object per bucket for `group`: the top `limit` categories by posts over all buckets, and the
 * rest merged into "Other" (only when that merges two or more categories). Buckets without posts
 * by the group are left out. Rows are taken in order, so buckets keep the order of `rows`.
 */
export function pivotMix(rows: readonly MixRow[], group: AuthorGroup, limit = 10): MixPivot {
  const mine = rows.filter((r) => r.group === group);
  const totals = new Map<string, number>();
  for (const r of mine) totals.set(r.category, (totals.get(r.category) ?? 0) + Number(r.posts));
  const ranked = [...totals]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c]) => c);
  const merge = ranked.length > limit + 1;
  const top = merge ? ranked.slice(0, limit) : ranked;
  const shown = new Set(top);
  const other = merge ? (shown.has(OTHER) ? `${OTHER} (rest)` : OTHER) : null;
  const byBucket = new Map<string, MixBucket>();
  for (const r of mine) {
    let b = byBucket.get(r.bucket_start);
    if (!b) {
      // No prototype: category names come from the data and may be "__proto__" or "toString".
      b = { bucket_start: r.bucket_start, posts: 0, shares: Object.create(null) };
      byBucket.set(r.bucket_start, b);
    }
    const key = shown.has(r.category) ? r.category : (other as string);
    b.posts += Number(r.posts);
    b.shares[key] = (b.shares[key] ?? 0) + r.share;
  }
  return { buckets: [...byBucket.values()], categories: other ? [...top, other] : top, other };
}

const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)}%`;

export function MixAreaChart({ pivot }: { pivot: MixPivot }) {
  const ref = useUntabbableChartLayers<HTMLDivElement>();
  return (
    <div ref={ref}>
      <ResponsiveContainer width="100%" height={340}>
        <AreaChart
          data={pivot.buckets}
          stackOffset="expand"
          margin={{ top: 8, right: 24, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="bucket_start" minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis
            tick={{ fontSize: 12 }}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            domain={[0, 1]}
            label={{ value: 'share of posts', angle: -90, position: 'insideLeft', fontSize: 12 }}
          />
          <Tooltip
            formatter={(v) => pct(v)}
            // Some category colours (yellow) are unreadable as text: names use the page colours.
            contentStyle={{ background: 'var(--bg)', borderColor: 'var(--border)' }}
            itemStyle={{ color: 'var(--fg)' }}
            // Top of the stack first, as drawn.
            itemSorter={(item) => -pivot.categories.indexOf(String(item.name))}
          />
          <Legend itemSorter={null} />
          {pivot.categories.map((c, i) => {
            const color = c === pivot.other ? OTHER_COLOR : colorAt(i);
            return (
              <Area
                key={c}
                name={c}
                // null keeps categories without posts out of the tooltip; connectNulls stacks it as 0.
                dataKey={(b: MixBucket) => b.shares[c] ?? null}
                connectNulls
                type="linear"
                stackId="mix"
                stroke={color}
                fill={color}
                fillOpacity={0.85}
                isAnimationActive={false}
              />
            );
          })}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
