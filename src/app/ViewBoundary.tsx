/**
 * An error boundary around each view: a view that fails to draw says what failed and offers a
 * way back, and the rest of the app (tabs, filters, the Data tab) keeps working.
 */
import { Component } from 'react';
import type { ErrorInfo, ReactNode } from 'react';
import { TITLES } from './Tabs.tsx';
import type { ViewName } from '../state/view-state.ts';

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
    return (
      <div className="panel view-error" role="alert">
        <h2>{TITLES[this.props.view]} could not be shown</h2>
        <p>
          Something in this view failed: <code>{error.message.split('\n')[0]?.slice(0, 300)}</code>
        </p>
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
