/** The view state as React state, kept in the URL; back and forward walk through earlier views. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseViewState, serializeViewState } from './view-state.ts';
import type { ViewState } from './view-state.ts';

function readLocation() {
  return parseViewState(window.location.search.replace(/^\?/, ''));
}

function urlFor(state: ViewState): string {
  const search = serializeViewState(state);
  return `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`;
}

export function useViewState() {
  const [initial] = useState(readLocation);
  const [state, setStateRaw] = useState<ViewState>(initial.state);
  const [notices, setNotices] = useState<string[]>(initial.notices);
  // The latest state, so updates in one tick chain and the history is written once per change
  // (a state updater may run twice, and must not push history).
  const latest = useRef(initial.state);

  useEffect(() => {
    const onPop = () => {
      const parsed = readLocation();
      latest.current = parsed.state;
      setStateRaw(parsed.state);
      setNotices(parsed.notices);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  /** Change the view; `replace` for changes that should not add a history step (typing, drags). */
  const update = useCallback((patch: Partial<ViewState>, replace = false) => {
    const next = { ...latest.current, ...patch };
    latest.current = next;
    if (replace) window.history.replaceState(null, '', urlFor(next));
    else window.history.pushState(null, '', urlFor(next));
    setStateRaw(next);
  }, []);

  /** Replace the whole state without a history step (a snapshot's saved view). */
  const reset = useCallback((next: ViewState) => {
    latest.current = next;
    window.history.replaceState(null, '', urlFor(next));
    setStateRaw(next);
  }, []);

  const dismissNotices = useCallback(() => setNotices([]), []);
  const addNotice = useCallback((n: string) => setNotices((x) => [...x, n]), []);
  return { state, update, reset, notices, dismissNotices, addNotice };
}
