/** The view state as React state, kept in the URL; back and forward walk through earlier views. */
import { useCallback, useEffect, useState } from 'react';
import { parseViewState, serializeViewState } from './view-state.ts';
import type { ViewState } from './view-state.ts';

function readLocation() {
  return parseViewState(window.location.search.replace(/^\?/, ''));
}

export function useViewState() {
  const [initial] = useState(readLocation);
  const [state, setStateRaw] = useState<ViewState>(initial.state);
  const [notices, setNotices] = useState<string[]>(initial.notices);

  useEffect(() => {
    const onPop = () => {
      const parsed = readLocation();
      setStateRaw(parsed.state);
      setNotices(parsed.notices);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  /** Change the view; `replace` for changes that should not add a history step (typing, drags). */
  const update = useCallback((patch: Partial<ViewState>, replace = false) => {
    setStateRaw((prev) => {
      const next = { ...prev, ...patch };
      const search = serializeViewState(next);
      const url = `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`;
      if (replace) window.history.replaceState(null, '', url);
      else window.history.pushState(null, '', url);
      return next;
    });
  }, []);

  const dismissNotices = useCallback(() => setNotices([]), []);
  return {
    state,
    update,
    notices,
    dismissNotices,
    addNotice: (n: string) => setNotices((x) => [...x, n]),
  };
}
