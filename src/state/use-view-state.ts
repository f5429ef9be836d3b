/** The view state as React state, kept in the URL; back and forward walk through earlier views. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { parseViewState, serializeViewState, unlinkableReasons } from './view-state.ts';
import type { ViewState } from './view-state.ts';
import { appLink } from '../share/app-url.ts';

function readLocation() {
  return parseViewState(window.location.search.replace(/^\?/, ''));
}

/** Always the app's own path (app-url.ts), never the address's: `//host/` would leave it. */
function urlFor(state: ViewState): string {
  return appLink(serializeViewState(state), window.location.hash);
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

  /**
   * Change the view; `replace` for changes that should not add a history step (typing, drags).
   * A change the link cannot carry (a value from the data too long for a URL) is refused with a
   * notice, so the view and its link never part.
   */
  const update = useCallback((patch: Partial<ViewState>, replace = false) => {
    const next = { ...latest.current, ...patch };
    const refused = unlinkableReasons(next);
    if (refused.length > 0) {
      setNotices((x) => [...x.filter((n) => !refused.includes(n)), ...refused]);
      return;
    }
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
