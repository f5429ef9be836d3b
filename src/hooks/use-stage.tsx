/**
 * Heavy charts drawn one per task. A view of several recharts charts (the content mix's three
 * multiples and its drift chart) takes 100-150 ms of main-thread work to draw at once, far over
 * the 50 ms a task may take; drawn one after another, in tasks of their own, the page answers
 * input between them. While a stage is pending it counts as work in flight (use-query.ts), so
 * "settled" still means every chart is drawn.
 */
import { useLayoutEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { track } from './use-query.ts';

/**
 * How many of `steps` charts may draw the data identified by `key` now: 1 when `key` changes,
 * then one more per task until all of them.
 */
export function useStage(key: unknown, steps: number): number {
  const [state, setState] = useState({ key, stage: 1 });
  let stage = state.stage;
  if (!Object.is(state.key, key)) {
    // New data: start again from the first chart (an update during render, before any commit).
    stage = 1;
    setState({ key, stage });
  }
  const pending = stage < steps;
  // A layout effect: counted in the commit that draws the first chart, so the page never reads
  // "settled" between the data's arrival and the next steps.
  useLayoutEffect(() => {
    if (!pending) return;
    track(1);
    const timer = setTimeout(() =>
      setState((s) => (Object.is(s.key, key) ? { key, stage: s.stage + 1 } : s)),
    );
    return () => {
      clearTimeout(timer);
      track(-1);
    };
  }, [key, stage, pending]);
  return stage;
}

/**
 * `children` when `live`; otherwise what it showed last (the same element, so React skips it),
 * or an empty block of `height` pixels before its first drawing.
 */
function Staged({
  live,
  height,
  children,
}: {
  live: boolean;
  height: number;
  children: ReactNode;
}): ReactNode {
  const [shown, setShown] = useState<ReactNode>(live ? children : null);
  if (live && shown !== children) setShown(children);
  if (live) return children;
  return shown ?? <div className="staged-placeholder" style={{ minHeight: height }} aria-hidden />;
}

/**
 * `items` drawn one per task when `stageKey` changes, after `after` charts staged elsewhere on
 * the same key (their own counter ticks alongside): the view around them does not render again
 * for each step.
 */
export function StagedList({
  stageKey,
  items,
  height = 0,
  after = 0,
}: {
  stageKey: unknown;
  /** Each chart, and the height of its place before its first drawing (default `height`). */
  items: readonly { key: string; node: ReactNode; height?: number }[];
  height?: number;
  after?: number;
}): ReactNode {
  const stage = useStage(stageKey, after + items.length);
  return items.map((item, i) => (
    <Staged key={item.key} live={after + i < stage} height={item.height ?? height}>
      {item.node}
    </Staged>
  ));
}
