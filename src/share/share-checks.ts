/**
 * Before sharing: which segment columns the shared view is broken down or filtered by, and which
 * of them have mostly distinct values (e-mail addresses, free text, ids mapped as segments). A
 * breakdown by such a column is mostly small cells; a filter on one puts the chosen values
 * themselves in the link. Either way the analyst is warned before the link is made.
 */
import type { Engine } from '../db/engine.ts';
import { wholeData } from '../metrics/analysis.ts';
import { MISSING, segAlias } from '../metrics/filters.ts';
import type { Sql } from '../metrics/filters.ts';
import type { QueryContext } from '../metrics/params.ts';
import { postRelation, signupRelation } from '../metrics/relations.ts';
import type { ViewState } from '../state/view-state.ts';

/** Distinct values per row (user or post) at or above which a column is "mostly distinct". */
export const MOSTLY_DISTINCT = 0.5;

/** A segment column the view uses, and how. */
export interface ColumnUse {
  table: 'signups' | 'posts';
  column: string;
  /** A filter puts its chosen values in the link; a breakdown draws a cell per value. */
  how: 'filter' | 'breakdown';
}

/**
 * The segment columns a link or snapshot of this view carries: the filters (any view), the
 * Waves breakdown and the Retention curves' column (on those views); only columns the data has.
 * `links`: a plain link carries no results, so only its filters' values matter.
 */
export function columnsInView(
  state: ViewState,
  schema: QueryContext['schema'],
  links = false,
): ColumnUse[] {
  const uses: ColumnUse[] = state.filters.map((f) => ({
    table: f.table,
    column: f.column,
    how: 'filter' as const,
  }));
  const by =
    state.view === 'waves'
      ? state.breakdown
      : state.view === 'retention'
        ? state.retentionBy
        : null;
  if (!links && by !== null) uses.push({ table: 'signups', column: by, how: 'breakdown' });
  return uses.filter((u) => schema[u.table].includes(u.column));
}

/** Distinct values of a column and the rows (users or posts) they cover, over all the data. */
export function cardinalitySql(ctx: QueryContext, table: 'signups' | 'posts', column: string): Sql {
  const bare = wholeData(ctx);
  const rel =
    table === 'signups'
      ? signupRelation(bare, { columns: [column] })
      : postRelation(bare, { postColumns: [column] });
  return {
    text: `SELECT CAST(count(*) AS BIGINT) AS distinct_values, CAST(coalesce(sum(n), 0) AS BIGINT) AS total
      FROM (SELECT coalesce(${segAlias(table, column)}, '${MISSING}') AS v, sum(n) AS n
        FROM (${rel.text}) GROUP BY 1)`,
    params: rel.params,
  };
}

export interface RiskyColumn extends ColumnUse {
  distinct: number;
  total: number;
}

/** The used columns whose values are mostly distinct (one query per column). */
export async function mostlyDistinct(
  engine: Engine,
  ctx: QueryContext,
  uses: readonly ColumnUse[],
): Promise<RiskyColumn[]> {
  const out: RiskyColumn[] = [];
  for (const use of uses) {
    const sql = cardinalitySql(ctx, use.table, use.column);
    const [row] = await engine.query<{ distinct_values: number; total: number }>(
      sql.text,
      sql.params,
    );
    const distinct = Number(row?.distinct_values ?? 0);
    const total = Number(row?.total ?? 0);
    if (total > 0 && distinct / total >= MOSTLY_DISTINCT) out.push({ ...use, distinct, total });
  }
  return out;
}

/** The warning for risky columns, one sentence each. */
export function riskText(risky: readonly RiskyColumn[]): string[] {
  return risky.map((r) => {
    const unit = r.table === 'signups' ? 'users' : 'posts';
    const counts = `${r.distinct.toLocaleString('en-US')} values for ${r.total.toLocaleString('en-US')} ${unit}`;
    return r.how === 'filter'
      ? `The filter on "${r.column}" puts the values you chose in the link, and "${r.column}" has mostly distinct values (${counts}): they may identify people.`
      : `This view is broken down by "${r.column}", whose values are mostly distinct (${counts}): most of its cells count a person or two. They are folded into Other in a snapshot.`;
  });
}
