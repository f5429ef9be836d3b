/** Which frame is in force, in words, with the series' own baseline numbers. */
import { formatBucket, formatCount, formatNumber } from '../../format/format.ts';
import type { ChartSeries, FrameInForce } from '../../hooks/use-analysis.ts';
import type { Granularity } from '../../metrics/params.ts';

export function FrameSummary(props: {
  frame: FrameInForce;
  chart: ChartSeries;
  unit: string;
  granularity: Granularity;
  filtered: boolean;
  filterText: string;
}) {
  const { frame, chart, unit, granularity: g } = props;
  const frameOf = chart.kind === 'signups' ? frame.frame : chart.frame;
  const view = chart.view;
  if (!frameOf || !view) return null;
  const waves = frameOf.waves.length;
  const where = frame.inSegment
    ? 'detected in this segment'
    : props.filtered
      ? 'detected on all the data; the filters change only what is counted inside it'
      : 'detected on all the data';
  const what = chart.kind === 'signups' ? 'signups' : unit;
  return (
    <div className="summary" data-testid="frame-summary">
      <p data-testid="frame-in-force">
        <strong>Frame:</strong> {where} ({what} per {g}): baseline{' '}
        <span data-testid="baseline-window">
          {frameOf.baseline.from} to {frameOf.baseline.to}
        </span>
        , {waves === 0 ? 'no wave' : `${waves} wave${waves > 1 ? 's' : ''}`}
        {chart.kind === 'signups' || frame.surgeStart ? (
          <>
            ; surge start{' '}
            <strong data-testid="surge-start">
              {frame.surgeStart ? formatBucket(frame.surgeStart, g) : 'none'}
            </strong>
            {frame.surgeStart ? '' : ' (no signup wave)'}
          </>
        ) : null}
        .
      </p>
      <p data-testid="baseline-summary">
        {props.filtered && !frame.inSegment ? 'This segment’s own baseline: ' : 'Baseline: '}
        median{' '}
        <strong data-testid="baseline-median">{formatNumber(view.baseline.median, 2)}</strong>, MAD{' '}
        {formatNumber(view.baseline.mad, 2)}, threshold{' '}
        <strong data-testid="baseline-threshold">{formatNumber(view.baseline.threshold, 2)}</strong>{' '}
        {unit} per {g}. Partly covered buckets never count in it.{' '}
        {view.waves.length > 0 &&
          `Inside the waves: ${view.waves.map((w, i) => `#${i + 1} peaks at ${formatCount(w.peak_signups)}`).join(', ')}.`}
      </p>
    </div>
  );
}
