/** Loading, error and empty states, the same everywhere. */
import type { ReactNode } from 'react';

/** `hasData`: an earlier result is on screen, so keep showing it while the new one computes. */
export function Status(props: {
  isLoading: boolean;
  error: Error | null;
  hasData?: boolean;
  empty?: boolean;
  emptyText?: string;
  children?: ReactNode;
}) {
  if (props.error) {
    return (
      <p role="alert" className="error">
        Could not compute this: {props.error.message.split('\n')[0]}
      </p>
    );
  }
  if (props.isLoading && !props.hasData) {
    return (
      <p role="status" className="muted loading">
        Computing…
      </p>
    );
  }
  if (props.empty)
    return <p className="empty">{props.emptyText ?? 'Nothing to show for these filters.'}</p>;
  return <>{props.children}</>;
}
