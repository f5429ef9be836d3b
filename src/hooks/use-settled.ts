/**
 * What a memoised chart is handed. A click's results arrive one by one (the frame, then the
 * series, then the windows), and a chart handed each of them draws each time: two to five
 * recharts draws for one click, 40-60 ms of main-thread work each at scale 50. Held until the
 * view's results are all in, the chart draws once, with data that belong together.
 */
import { useState } from 'react';

/** The same fields, each the same value. */
export function sameFields<T extends object>(a: T, b: T): boolean {
  const ka = Object.keys(a) as (keyof T)[];
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
}

/** Equal as JSON: for small results recomputed into new objects of the same content. */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * `value` once `settled`, else the value last returned; a value `equal` to the last returned
 * keeps the last object, so memoised children skip it. `equal` must hold for two values built
 * from the same inputs (the component renders again when it does not).
 */
export function useSettled<T>(
  value: T,
  settled: boolean,
  equal: (a: T, b: T) => boolean = sameJson,
): T {
  const [held, setHeld] = useState(value);
  if (settled && !Object.is(held, value) && !equal(held, value)) {
    // An update during render: React renders this component again at once, before its children.
    setHeld(() => value);
    return value;
  }
  return held;
}
