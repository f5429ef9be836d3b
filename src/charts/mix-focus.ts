/**
 * Chromium makes an SVG element tabbable when it has focus listeners, and React adds those to
 * every portal container, so recharts 3's empty z-index layers (<g>) each become a tab stop.
 * This takes them out of the tab order (the chart surface itself stays focusable for its
 * arrow-key tooltip navigation).
 */
import { useEffect, useRef } from 'react';

export function useUntabbableChartLayers<T extends Element>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const fix = () =>
      root
        .querySelectorAll('g[class^="recharts-zIndex-layer"]:not([tabindex])')
        .forEach((g) => g.setAttribute('tabindex', '-1'));
    fix();
    const observer = new MutationObserver(fix);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return ref;
}
