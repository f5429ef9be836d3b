/**
 * Text from the data (categories, segment values, file names, rejected rows) shown in a table,
 * a list, a legend or a tooltip. A value can run to thousands of characters with no place to
 * break, so it never sets a width: it is cut to the room it has, and the full value is on
 * hover (the `title` attribute).
 */

/**
 * A value cut with an ellipsis where its box ends (CSS, `.cell-text`); the DOM keeps the whole
 * text, so copying, finding in the page and reading the cell back give the value itself.
 */
export function LongText(props: { text: string; className?: string }) {
  return (
    <span
      className={props.className ? `cell-text ${props.className}` : 'cell-text'}
      title={props.text}
    >
      {props.text}
    </span>
  );
}

/** Most characters of a label drawn where CSS cannot cut it (SVG text, exported legends). */
export const LABEL_CHARS = 48;

/**
 * A label at most `max` characters long (code points, so an emoji is never split): the start
 * of the value and "…" when it is longer.
 */
export function shortLabel(text: string, max = LABEL_CHARS): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A legend entry: the short label (what an exported chart draws) with the full value on hover.
 */
export function LegendText(props: { text: string }) {
  return (
    <span className="legend-text" title={props.text}>
      {shortLabel(props.text)}
    </span>
  );
}
