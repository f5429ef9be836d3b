/**
 * A view's row of controls. In a snapshot (no data, only the results it was made with) they
 * cannot change what is shown, so they are turned off, and say why on hover; the snapshot
 * banner says it too.
 */
import type { ReactNode } from 'react';
import { isSnapshotOpen } from '../hooks/use-query.ts';

export const SNAPSHOT_CONTROLS =
  'A snapshot shows the view it was made with: load data to change it.';

export function ViewControls(props: {
  label?: string;
  /** A visible title for the group (then it is framed, not plain). */
  legend?: string;
  className?: string;
  children: ReactNode;
}) {
  const frozen = isSnapshotOpen();
  return (
    <fieldset
      className={`${props.legend ? '' : 'plain '}controls${props.className ? ` ${props.className}` : ''}`}
      aria-label={props.label}
      disabled={frozen}
      title={frozen ? SNAPSHOT_CONTROLS : undefined}
    >
      {props.legend && <legend>{props.legend}</legend>}
      {props.children}
    </fieldset>
  );
}
