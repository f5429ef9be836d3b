/** The view tabs: a tablist with arrow-key navigation. */
import type { KeyboardEvent } from 'react';
import { VIEWS } from '../state/view-state.ts';
import type { ViewName } from '../state/view-state.ts';

export const TITLES: Record<ViewName, string> = {
  data: 'Data',
  waves: 'Waves',
  mix: 'Content mix',
  retention: 'Retention',
};

export function Tabs(props: { view: ViewName; onView: (v: ViewName) => void }) {
  const onKey = (e: KeyboardEvent) => {
    const i = VIEWS.indexOf(props.view);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % VIEWS.length
        : e.key === 'ArrowLeft'
          ? (i + VIEWS.length - 1) % VIEWS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? VIEWS.length - 1
              : -1;
    if (next >= 0) {
      e.preventDefault();
      props.onView(VIEWS[next] as ViewName);
      document.getElementById(`tab-${VIEWS[next]}`)?.focus();
    }
  };
  return (
    <nav aria-label="Views">
      <div role="tablist" aria-label="Views" className="tabs" onKeyDown={onKey}>
        {VIEWS.map((v) => (
          <button
            key={v}
            id={`tab-${v}`}
            role="tab"
            type="button"
            aria-selected={props.view === v}
            aria-controls="view-panel"
            tabIndex={props.view === v ? 0 : -1}
            onClick={() => props.onView(v)}
          >
            {TITLES[v]}
          </button>
        ))}
      </div>
    </nav>
  );
}
