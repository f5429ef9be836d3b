/**
 * An error boundary around each view: a view that fails to draw says what failed and offers a
 * way back, and the rest of the app (tabs, filters, the Data tab) keeps working. In a snapshot
 * (no data, results read from the link) it says the snapshot cannot be shown and links to the
 * app without it.
 */
import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { TITLES } from './Tabs.tsx';
import type { ViewName } from '../state/view-state.ts';
import { isSnapshotOpen } from '../hooks/use-query.ts';
import { appHome } from '../share/app-url.ts';

interface Props {
  view: ViewName;
  onBack: () => void;
  children: ReactNode;
}

export class ViewBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.warn(`The ${this.props.view} view failed to draw`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const reason = <code>{error.message.split('\n')[0]?.slice(0, 300)}</code>;
    if (isSnapshotOpen())
      return (
        <div className="panel view-error" role="alert" data-testid="snapshot-cannot-show">
          <h2>This snapshot cannot be shown</h2>
          <p>
            Its {TITLES[this.props.view]} results could not be drawn: {reason}. The link may be
            damaged or edited, or made by another version of Surgescope.
          </p>
          <p>
            <a href={appHome()}>Open Surgescope without it</a> to load data and make the view again.
          </p>
        </div>
      );
    return (
      <div className="panel view-error" role="alert">
        <h2>{TITLES[this.props.view]} could not be shown</h2>
        <p>Something in this view failed: {reason}</p>
        <p>The data and the other views are unaffected.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>{' '}
        <button type="button" onClick={this.props.onBack}>
          Back to the Data tab
        </button>
      </div>
    );
  }
}
