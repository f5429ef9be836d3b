/**
 * The global filter bar: the date range (showing the range in use), segment filters (search,
 * checkboxes and counts), the report time zone. Filters narrow who and what is counted; they
 * never move the frame of the surge.
 */
import { memo, useMemo, useState } from 'react';
import type { QueryContext } from '../metrics/params.ts';
import type { ViewState } from '../state/view-state.ts';
import { utcToLocalMs } from '../metrics/time-zone.ts';
import { DateField } from '../components/fields.tsx';
import { ZonePicker } from '../components/ZonePicker.tsx';
import { SegmentPicker } from './SegmentPicker.tsx';

const localDate = (ms: number, tz: string) =>
  new Date(utcToLocalMs(ms, tz)).toISOString().slice(0, 10);

type FilterState = Pick<ViewState, 'from' | 'to' | 'tz' | 'filters'>;

/** Memoised: it redraws when the filters, the zone or the data change, not on every view change. */
export const FilterBar = memo(function FilterBar(props: {
  ctx: QueryContext;
  from: ViewState['from'];
  to: ViewState['to'];
  tz: ViewState['tz'];
  filters: ViewState['filters'];
  update: (p: Partial<ViewState>, replace?: boolean) => void;
  version: number;
}) {
  const { ctx, update } = props;
  const state: FilterState = props;
  // A column picked in "Add filter" waits here until values are chosen.
  const [pending, setPending] = useState<{ table: 'signups' | 'posts'; column: string } | null>(
    null,
  );
  const dataStart = useMemo(
    () => localDate(ctx.range.minMs, state.tz),
    [ctx.range.minMs, state.tz],
  );
  const dataEnd = useMemo(() => localDate(ctx.range.maxMs, state.tz), [ctx.range.maxMs, state.tz]);
  const columns = [
    ...ctx.schema.signups.map((c) => ({
      key: `signups.${c}`,
      table: 'signups' as const,
      column: c,
    })),
    ...ctx.schema.posts.map((c) => ({ key: `posts.${c}`, table: 'posts' as const, column: c })),
  ];
  const twoTables = (c: string) => ctx.schema.signups.includes(c) && ctx.schema.posts.includes(c);
  const labelOf = (table: 'signups' | 'posts', c: string) =>
    twoTables(c) ? `${c} (${table === 'signups' ? "author's signup" : 'post'})` : c;
  const setFilterValues = (table: 'signups' | 'posts', column: string, values: string[] | null) => {
    const rest = state.filters.filter((f) => !(f.table === table && f.column === column));
    update({
      filters: values ? [...rest, { table, column, values }] : rest,
      wave: null,
    });
  };
  const free = columns.filter(
    (c) => !state.filters.some((f) => f.table === c.table && f.column === c.column),
  );
  return (
    <div className="filter-bar" role="group" aria-label="Filters">
      <DateField
        label="From"
        optional
        value={state.from}
        placeholder={dataStart}
        min={undefined}
        max={state.to ?? undefined}
        onChange={(v) => update({ from: v }, true)}
      />
      <DateField
        label="To"
        optional
        value={state.to}
        placeholder={dataEnd}
        min={state.from ?? undefined}
        onChange={(v) => update({ to: v }, true)}
      />
      {(state.from || state.to) && (
        <button type="button" className="small" onClick={() => update({ from: null, to: null })}>
          All dates
        </button>
      )}
      <ZonePicker
        label="Time zone"
        value={state.tz}
        onChange={(tz) => update({ tz, wave: null })}
      />
      {state.filters.map((f) => (
        <SegmentPicker
          key={`${f.table}.${f.column}`}
          ctx={ctx}
          version={props.version}
          table={f.table}
          column={f.column}
          label={labelOf(f.table, f.column)}
          values={f.values}
          onChange={(v) => setFilterValues(f.table, f.column, v.length ? v : [])}
          onRemove={() => setFilterValues(f.table, f.column, null)}
        />
      ))}
      {pending && (
        <SegmentPicker
          ctx={ctx}
          version={props.version}
          table={pending.table}
          column={pending.column}
          label={labelOf(pending.table, pending.column)}
          values={[]}
          autoFocus
          onChange={(v) => {
            if (v.length === 0) return;
            setPending(null);
            setFilterValues(pending.table, pending.column, v);
          }}
          onRemove={() => setPending(null)}
        />
      )}
      {free.length > 0 && (
        <label>
          Add a filter{' '}
          <select
            value=""
            onChange={(e) => {
              const c = columns.find((x) => x.key === e.target.value);
              if (c) setPending({ table: c.table, column: c.column });
            }}
          >
            <option value="">Choose a column…</option>
            {free.map((c) => (
              <option key={c.key} value={c.key}>
                {labelOf(c.table, c.column)}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
});
