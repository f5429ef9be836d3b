/**
 * The frame of the surge, set by hand or detected: surge start, baseline window, the two
 * multipliers of the threshold, and whether waves are detected on the whole data or in the
 * filtered segment. Every field validates as it is typed and applies only valid values.
 */
import { ViewControls } from '../../components/ViewControls.tsx';
import { BucketField, DateField, NumberField } from '../../components/fields.tsx';
import type { FrameInForce } from '../../hooks/use-analysis.ts';
import type { ViewState } from '../../state/view-state.ts';

export function FrameControls(props: {
  state: ViewState;
  update: (p: Partial<ViewState>, replace?: boolean) => void;
  frame: FrameInForce;
  filtered: boolean;
}) {
  const { state, update, frame } = props;
  const detectedStart = frame.frame?.waves[0]?.start ?? null;
  const window = frame.frame?.baseline ?? null;
  return (
    <ViewControls legend="Frame of the surge" className="frame-controls">
      <BucketField
        label="Surge start"
        hours={state.granularity === 'hour'}
        value={state.surgeStart}
        placeholder={detectedStart ?? 'no wave detected'}
        hint={state.surgeStart ? 'set by hand' : "empty: the first wave's start"}
        onChange={(v) => update({ surgeStart: v }, true)}
      />
      <DateField
        label="Baseline from"
        optional
        value={state.baselineFrom}
        placeholder={window?.from}
        max={state.baselineTo ?? undefined}
        onChange={(v) => update({ baselineFrom: v, wave: null }, true)}
      />
      <DateField
        label="Baseline to"
        optional
        value={state.baselineTo}
        placeholder={window?.to}
        min={state.baselineFrom ?? undefined}
        hint={
          state.baselineFrom && state.baselineTo
            ? 'set by hand'
            : state.baselineFrom || state.baselineTo
              ? 'set both ends to use them'
              : 'empty: the first 14 days'
        }
        onChange={(v) => update({ baselineTo: v, wave: null }, true)}
      />
      <NumberField
        label="MAD multiplier"
        min={0}
        max={50}
        value={state.madMultiplier}
        onChange={(v) => update({ madMultiplier: v, wave: null }, true)}
      />
      <NumberField
        label="Median multiplier"
        min={0}
        max={100}
        value={state.medianMultiplier}
        onChange={(v) => update({ medianMultiplier: v, wave: null }, true)}
      />
      <label className="switch" title="Filters change only what is counted unless this is on">
        <input
          type="checkbox"
          checked={state.detectInSegment}
          disabled={!props.filtered}
          onChange={(e) => update({ detectInSegment: e.target.checked, wave: null })}
        />{' '}
        Detect waves in this segment
        {!props.filtered && <span className="visually-hidden"> (needs a segment filter)</span>}
      </label>
      {(state.surgeStart ||
        state.baselineFrom ||
        state.baselineTo ||
        state.madMultiplier !== 3 ||
        state.medianMultiplier !== 2) && (
        <button
          type="button"
          className="small"
          onClick={() =>
            update({
              surgeStart: null,
              baselineFrom: null,
              baselineTo: null,
              madMultiplier: 3,
              medianMultiplier: 2,
              wave: null,
            })
          }
        >
          Reset the frame
        </button>
      )}
    </ViewControls>
  );
}
