/**
 * One colour per content category for a whole dataset, so a category looks the same in every
 * chart, legend, export and link of a session. Colours follow the category's rank in posts over
 * the whole data (not the filtered view, so a filter never repaints the charts); categories
 * beyond the palette get a stable colour by a hash of their name, and the merged rest ("Other")
 * is always grey.
 */

/**
 * Twelve distinct hues readable on light and dark backgrounds: Okabe-Ito without black, then
 * Paul Tol's wine, teal, olive and purple, and a brown. No greys (grey means "Other").
 */
export const CATEGORY_PALETTE: readonly string[] = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#882255',
  '#44AA99',
  '#999933',
  '#AA4499',
  '#8C564B',
];

/** For categories past the palette (chosen by hash): Tol's light set and a few mid tones. */
export const EXTRA_PALETTE: readonly string[] = [
  '#77AADD',
  '#EE8866',
  '#EEDD88',
  '#FFAABB',
  '#99DDFF',
  '#44BB99',
  '#BBCC33',
  '#AAAA00',
  '#4477AA',
  '#EE6677',
  '#228833',
  '#66CCEE',
];

/** The merged rest of the categories. */
export const OTHER_COLOR = '#9e9e9e';

/** A category's post count (whole data). */
export interface CategoryCount {
  category: string;
  posts: number;
}

/** Code-unit order: the same on every machine (localeCompare depends on the locale). */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Categories by posts, largest first; ties by name. */
export function rankCategories(counts: readonly CategoryCount[]): string[] {
  return [...counts]
    .sort((a, b) => Number(b.posts) - Number(a.posts) || byName(a.category, b.category))
    .map((c) => c.category);
}

/** FNV-1a over UTF-16 code units: a stable number for a name. */
function hash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The colour of each category, given the categories ranked by posts over the whole data
 * (`rankCategories`). `null` is the merged rest ("Other"): always grey. A category that is not
 * ranked (or ranks past the palette) gets a colour from `EXTRA_PALETTE` by its name, so it is
 * the same whatever else is loaded or shown.
 */
export function categoryColors(ranked: readonly string[]): (category: string | null) => string {
  const rank = new Map<string, number>();
  ranked.forEach((c, i) => {
    if (!rank.has(c)) rank.set(c, i);
  });
  const cache = new Map<string, string>();
  return (category) => {
    if (category === null) return OTHER_COLOR;
    let color = cache.get(category);
    if (color === undefined) {
      const r = rank.get(category);
      color =
        r !== undefined && r < CATEGORY_PALETTE.length
          ? (CATEGORY_PALETTE[r] as string)
          : (EXTRA_PALETTE[hash(category) % EXTRA_PALETTE.length] as string);
      cache.set(category, color);
    }
    return color;
  };
}
