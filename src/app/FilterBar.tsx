/** The global filter bar: date range, segment filters (multi-select with counts), time zone. */
import { useState } from 'react';
import type { QueryContext } from '../metrics/params.ts';
import { segmentValues } from '../metrics/segments.ts';
import type { ViewState } from '../state/view-state.ts';
import { useQuery } from './use-query.ts';
import { COMMON_ZONES } from '../metrics/time-zone.ts';

const ZONES = COMMON_ZONES;

export function FilterBar(props: {
  ctx: QueryContext;
  state: ViewState;
  update: (p: Partial<ViewState>, replace?: boolean) => void;
  version: number;
}) {
  const { ctx, state, update } = props;
  // A column picked in "Add filter" waits here until values are chosen.
  const [pending, setPending] = useState<{ table: 'signups' | 'posts'; column: string } | null>(
    null,
  );
  const zones = ZONES.includes(state.tz) ? ZONES : [state.tz, ...ZONES];
  const columns = [
    ...ctx.schema.signups.map((c) => ({
      key: `signups.${c}`,
      table: 'signups' as const,
      column: c,
    })),
    ...ctx.schema.posts.map((c) => ({ key: `posts.${c}`, table: 'posts' as const, column: c })),
  ];
  const setFilterValues = (table: 'signups' | 'posts', column: string, values: string[]) => {
    const rest = state.filters.filter((f) => !(f.table === table && f.column === column));
    update({ filters: values.length ? [...rest, { table, column, values }] : rest, wave: null });
  };
  return (
    <div className="filter-bar" role="group" aria-label="Filters">
      <label>
        From{' '}
        <input
          type="date"
          value={state.from ?? ''}
          onChange={(e) => update({ from: e.target.value || null })}
        />
      </label>
      <label>
        To{' '}
        <input
          type="date"
          value={state.to ?? ''}
          onChange={(e) => update({ to: e.target.value || null })}
        />
      </label>
      {(state.from || state.to) && (
        <button type="button" onClick={() => update({ from: null, to: null })}>
          Clear dates
        </button>
      )}
      <label>
        Time zone{' '}
        <select value={state.tz} onChange={(e) => update({ tz: e.target.value, wave: null })}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      {state.filters.map((f) => (
        <SegmentFilterControl
          key={`${f.table}.${f.column}`}
          ctx={props.ctx}
          version={props.version}
          table={f.table}
          column={f.column}
          values={f.values}
          onChange={(v) => setFilterValues(f.table, f.column, v)}
        />
      ))}
      <label>
        Add filter{' '}
        <select
          value=""
          onChange={(e) => {
            const c = columns.find((x) => x.key === e.target.value);
            if (c && !state.filters.some((f) => f.table === c.table && f.column === c.column)) {
              setPending({ table: c.table, column: c.column });
            }
          }}
        >
          <option value="">Choose a column…</option>
          {columns.map((c) => (
            <option key={c.key} value={c.key}>
              {c.key}
            </option>
          ))}
        </select>
      </label>
      {pending && (
        <SegmentFilterControl
          ctx={props.ctx}
          version={props.version}
          table={pending.table}
          column={pending.column}
          values={[]}
          onChange={(v) => {
            setPending(null);
            if (v.length) setFilterValues(pending.table, pending.column, v);
          }}
        />
      )}
    </div>
  );
}

function SegmentFilterControl(props: {
  ctx: QueryContext;
  version: number;
  table: 'signups' | 'posts';
  column: string;
  values: string[];
  onChange: (values: string[]) => void;
}) {
  const values = useQuery(`values:${props.version}:${props.table}:${props.column}`, (engine) =>
    segmentValues(engine, props.ctx, props.table, props.column),
  );
  const id = `filter-${props.table}-${props.column}`;
  return (
    <fieldset className="segment-filter">
      <legend>
        {props.table}.{props.column}
      </legend>
      {values.isLoading && <span className="muted">loading values…</span>}
      {values.error && <span className="error">{values.error.message}</span>}
      {values.data && (
        <select
          id={id}
          multiple
          size={Math.min(6, Math.max(2, values.data.length))}
          aria-label={`Values of ${props.table}.${props.column}`}
          value={props.values}
          onChange={(e) => props.onChange([...e.target.selectedOptions].map((o) => o.value))}
        >
          {values.data.map((v) => (
            <option key={v.value} value={v.value}>
              {v.value} ({v.n.toLocaleString()})
            </option>
          ))}
        </select>
      )}
      <button
        type="button"
        className="small"
        onClick={() => props.onChange([])}
        aria-label={`Remove filter on ${props.table}.${props.column}`}
      >
        ✕
      </button>
    </fieldset>
  );
}
