/** The charts' grid: dashed horizontal lines at the y axis' ticks, none vertical. */
import { CartesianGrid } from 'recharts';

/**
 * recharts works out the vertical lines' places even when they are not drawn, by laying out
 * the x axis' ticks a second time (measuring each label in the DOM): 10-14 ms of a Waves draw
 * at scale 50. No vertical lines, so nothing to lay out.
 */
const noLines = (): number[] => [];

export function HorizontalGrid() {
  return (
    <CartesianGrid
      vertical={false}
      verticalCoordinatesGenerator={noLines}
      strokeDasharray="3 3"
      strokeOpacity={0.3}
    />
  );
}
