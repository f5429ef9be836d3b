/**
 * Columns of the top-movers table. Shares are kept as percentages so the CSV matches the headers;
 * the screen shows them through the app's formatters, and the category with its chart colour.
 */
import { createElement } from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import type { Mover } from '../metrics/drift.ts';
import { exportRounded, formatPercent, formatPoints, humanLabel } from '../format/format.ts';
import { LongText } from './LongText.tsx';

/** Columns for the movers table; `colorOf` gives each category its colour in the charts. */
export function moverColumns(colorOf?: (category: string) => string): ColumnDef<Mover, unknown>[] {
  return [
    {
      id: 'category',
      header: humanLabel('category'),
      accessorKey: 'category',
      cell: (c) => {
        const name = c.getValue() as string;
        // A category can be thousands of characters long: cut, with the full name on hover.
        if (!colorOf) return createElement(LongText, { text: name });
        return createElement(
          'span',
          { className: 'category-cell' },
          createElement('span', {
            className: 'swatch',
            style: { background: colorOf(name) },
            'aria-hidden': true,
          }),
          createElement(LongText, { text: name }),
        );
      },
    },
    {
      id: 'baseline_share_pct',
      header: humanLabel('baseline_share_pct'),
      accessorFn: (m) => m.baseline_share * 100,
      cell: (c) => formatPercent((c.getValue() as number) / 100),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
    {
      id: 'window_share_pct',
      header: humanLabel('window_share_pct'),
      accessorFn: (m) => m.window_share * 100,
      cell: (c) => formatPercent((c.getValue() as number) / 100),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
    {
      id: 'change_pp',
      header: humanLabel('change_pp'),
      accessorKey: 'change_pp',
      cell: (c) => formatPoints(c.getValue() as number),
      meta: { csv: (v) => exportRounded(v, 1) },
    },
  ];
}

/** The columns without colour swatches. */
export const MOVER_COLUMNS: ColumnDef<Mover, unknown>[] = moverColumns();
