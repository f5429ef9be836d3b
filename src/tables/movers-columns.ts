/** Columns of the top-movers table. Shares are stored as percentages so the CSV matches the headers. */
import type { ColumnDef } from '@tanstack/react-table';
import type { Mover } from '../metrics/drift.ts';

/** A percentage-point change with its sign and one decimal; a change that rounds to 0 is "0.0". */
export function signedPp(pp: number): string {
  const r = Math.round(pp * 10) / 10;
  if (r === 0) return '0.0';
  return `${r > 0 ? '+' : '-'}${Math.abs(r).toFixed(1)}`;
}

const pct = (v: unknown) => `${(v as number).toFixed(1)}%`;

export const MOVER_COLUMNS: ColumnDef<Mover, unknown>[] = [
  { header: 'category', accessorKey: 'category' },
  {
    id: 'baseline_share_pct',
    header: 'baseline share %',
    accessorFn: (m) => m.baseline_share * 100,
    cell: (c) => pct(c.getValue()),
  },
  {
    id: 'window_share_pct',
    header: 'window share %',
    accessorFn: (m) => m.window_share * 100,
    cell: (c) => pct(c.getValue()),
  },
  {
    header: 'change (pp)',
    accessorKey: 'change_pp',
    cell: (c) => signedPp(c.getValue() as number),
  },
];
