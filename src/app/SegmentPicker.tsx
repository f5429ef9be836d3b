/**
 * One segment filter: the column's values with their counts as checkboxes, a search to narrow a
 * long list, and how many are chosen. Choosing none keeps the filter but matches nothing, which
 * the summary says.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { QueryContext } from '../metrics/params.ts';
import { segmentValues } from '../metrics/segments.ts';
import { isSnapshotOpen, useQuery } from '../hooks/use-query.ts';
import { withCubes } from '../hooks/cube-session.ts';
import { formatCount } from '../format/format.ts';

const SHOWN = 60;

export function SegmentPicker(props: {
  ctx: QueryContext;
  version: number;
  table: 'signups' | 'posts';
  column: string;
  label: string;
  values: string[];
  autoFocus?: boolean;
  onChange: (values: string[]) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const search = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  // A snapshot carries no value lists (they can name people): it shows the chosen values only.
  const snapshot = isSnapshotOpen();
  const values = useQuery(
    `values:${props.version}:${props.table}:${props.column}`,
    async (engine) =>
      segmentValues(engine, await withCubes(engine, props.ctx), props.table, props.column),
    !snapshot,
  );
  useEffect(() => {
    if (props.autoFocus) search.current?.focus();
  }, [props.autoFocus]);
  const chosen = useMemo(() => new Set(props.values), [props.values]);
  const list: { value: string; n: number | null }[] =
    values.data ?? (snapshot ? props.values.map((value) => ({ value, n: null })) : []);
  const q = query.trim().toLowerCase();
  const matches = q ? list.filter((v) => v.value.toLowerCase().includes(q)) : list;
  const shown = [
    // Chosen values stay visible whatever the search.
    ...list.filter((v) => chosen.has(v.value) && !matches.slice(0, SHOWN).includes(v)),
    ...matches.slice(0, SHOWN),
  ];
  const toggle = (v: string) =>
    props.onChange(chosen.has(v) ? props.values.filter((x) => x !== v) : [...props.values, v]);
  const unit = props.table === 'signups' ? 'users' : 'posts';
  return (
    <fieldset className="segment-filter" aria-describedby={`${id}-count`}>
      <legend>{props.label}</legend>
      <div className="segment-head">
        <input
          ref={search}
          type="search"
          placeholder="Search values"
          aria-label={`Search values of ${props.label}`}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button
          type="button"
          className="small"
          onClick={props.onRemove}
          aria-label={`Remove the filter on ${props.label}`}
        >
          ✕
        </button>
      </div>
      <p id={`${id}-count`} className="field-hint">
        {snapshot
          ? `${props.values.length} chosen (a snapshot lists no other values)`
          : values.isLoading
            ? 'Loading values…'
            : `${props.values.length} of ${list.length}${list.length >= 200 ? '+' : ''} chosen`}
        {props.values.length === 0 && !values.isLoading ? ' (choose at least one)' : ''}
      </p>
      {values.error && <span className="error">{values.error.message}</span>}
      <ul className="segment-values" aria-label={`Values of ${props.label}`}>
        {shown.map((v) => (
          <li key={v.value}>
            <label title={v.value}>
              <input
                type="checkbox"
                checked={chosen.has(v.value)}
                onChange={() => toggle(v.value)}
              />{' '}
              <span className="cell-text">{v.value}</span>{' '}
              {v.n !== null && (
                <span className="muted">
                  {formatCount(v.n)} {unit}
                </span>
              )}
            </label>
          </li>
        ))}
      </ul>
      {matches.length > SHOWN && (
        <p className="field-hint">{matches.length - SHOWN} more: search to find them.</p>
      )}
    </fieldset>
  );
}
