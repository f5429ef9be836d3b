import type { QueryContext } from '../metrics/params.ts';
import type { ViewState } from '../state/view-state.ts';

/** What every analysis view receives from the shell. */
export interface ViewProps {
  ctx: QueryContext;
  state: ViewState;
  update: (patch: Partial<ViewState>, replace?: boolean) => void;
}
