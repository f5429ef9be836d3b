/**
 * One tab stop per chart. Chromium makes an SVG element tabbable when it has focus listeners,
 * and React adds those to every portal container, so recharts 3's empty z-index layers (<g>) each
 * become a tab stop. This takes them out of the tab order, with the brush's two handles (the date
 * fields above the chart are their keyboard equivalent). What stays is the chart surface (arrow
 * keys move its tooltip) or, on the Waves chart, the wave bands (one stop, arrow keys between).
 */
import { useEffect } from 'react';
import type { RefObject } from 'react';

const EXTRA_STOPS = 'g[class^="recharts-zIndex-layer"]:not([tabindex]), .recharts-brush-traveller';

export function useUntabbableChartLayers(ref: RefObject<Element | null>) {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const fix = () =>
      root.querySelectorAll(EXTRA_STOPS).forEach((g) => {
        if (g.getAttribute('tabindex') !== '-1') g.setAttribute('tabindex', '-1');
      });
    fix();
    const observer = new MutationObserver(fix);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [ref]);
}
