/**
 * Which categories the Content mix draws: a searchable list of every category with its posts,
 * the chosen ones ticked. Everything not chosen is drawn as "Other". Long lists stay quick: only
 * the first matches are drawn (the chosen ones always), and the search narrows the rest.
 */
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { formatCount } from '../../format/format.ts';

/** The view state keeps at most this many (a link must stay short). */
export const MAX_CHOSEN = 40;
/** Longest category name a link can carry. */
export const MAX_NAME = 200;
/** Categories drawn at once before the search has to narrow the list. */
const MAX_LISTED = 200;

export interface CategoryOption {
  category: string;
  /** Posts in the charts' filters and date range. */
  posts: number;
}

export interface CategoryPickerProps {
  /** Every category, in the order to list them. */
  options: readonly CategoryOption[];
  chosen: readonly string[];
  /** The default selection is in force (nothing chosen by hand). */
  isDefault: boolean;
  colorOf: (category: string) => string;
  /** The new selection; null = back to the default. */
  onChange: (next: string[] | null) => void;
}

export function CategoryPicker(props: CategoryPickerProps) {
  const { options, chosen, colorOf } = props;
  const id = useId();
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const picked = useMemo(() => new Set(chosen), [chosen]);
  const { listed, matches } = useMemo(() => {
    const q = deferred.trim().toLocaleLowerCase();
    const found = q ? options.filter((o) => o.category.toLocaleLowerCase().includes(q)) : options;
    // The first matches, and every chosen one wherever it is, in list order.
    let unchosen = 0;
    const shown = found.filter((o) => picked.has(o.category) || unchosen++ < MAX_LISTED);
    return { listed: shown, matches: found.length };
  }, [options, deferred, picked]);
  const full = chosen.length >= MAX_CHOSEN;
  const toggle = (category: string, on: boolean) =>
    props.onChange(on ? [...chosen, category] : chosen.filter((c) => c !== category));

  return (
    <fieldset className="category-picker">
      <legend>Categories shown</legend>
      <p className="category-picker-status" aria-live="polite">
        {chosen.length} of {formatCount(options.length)} chosen
        {props.isDefault
          ? ' (default: the five largest in the baseline and in the surge window)'
          : ' (chosen by hand)'}
        ; every other category counts as Other. Numbers are posts in the charts&apos; filters and
        date range.
      </p>
      <div className="category-picker-tools">
        <label htmlFor={`${id}-search`}>Search categories</label>
        <input
          id={`${id}-search`}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoComplete="off"
        />
        <button
          type="button"
          className="small"
          onClick={() => props.onChange(null)}
          disabled={props.isDefault}
        >
          Reset to default
        </button>
        <button
          type="button"
          className="small"
          onClick={() => props.onChange([])}
          disabled={chosen.length === 0}
        >
          Clear
        </button>
      </div>
      {full && (
        <p className="muted">
          {MAX_CHOSEN} categories are chosen, the most a link can keep: untick one to choose
          another.
        </p>
      )}
      {matches === 0 ? (
        <p className="muted">No category matches “{deferred}”.</p>
      ) : (
        <ul className="category-picker-list" aria-label="Categories">
          {listed.map((o) => {
            const on = picked.has(o.category);
            const tooLong = o.category.length > MAX_NAME;
            return (
              <li key={o.category}>
                <label title={tooLong ? 'This name is too long to keep in a link.' : undefined}>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && (full || tooLong)}
                    onChange={(e) => toggle(o.category, e.target.checked)}
                  />
                  <span
                    className="swatch"
                    style={{ background: colorOf(o.category) }}
                    aria-hidden="true"
                  />
                  <span className="category-picker-name" title={o.category}>
                    {o.category}
                  </span>
                  <span className="category-picker-posts">{formatCount(o.posts)}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {listed.length < matches && (
        <p className="muted">
          Showing {formatCount(listed.length)} of {formatCount(matches)} categories; search to find
          the others.
        </p>
      )}
    </fieldset>
  );
}
