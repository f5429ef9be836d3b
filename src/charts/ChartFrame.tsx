/**
 * A chart's <figure>: a small toolbar that downloads the chart as SVG or PNG and shows its data
 * as a table, and a caption that says in words what the chart shows (its text alternative).
 */
import { useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { buildChartSvg, findChartSvg, svgToPng } from '../share/chart-export.ts';
import { downloadBlob, downloadText } from '../share/download.ts';
import { toSafeCsv } from '../share/csv-export.ts';
import { formatCount } from '../format/format.ts';
import type { ChartTable } from './chart-data.ts';
import { useUntabbableChartLayers } from './chart-focus.ts';

export interface ChartFrameProps {
  /** Heading drawn on the exported file and named by the buttons. */
  title: string;
  /** The filters in force, one line of text (see describeFilters). */
  filters: string;
  /** File name without extension. */
  fileName: string;
  ariaLabel: string;
  /** The chart is being recomputed: said on the chart itself, not in a corner. */
  busy?: boolean;
  /** What the chart shows, in words and as a table (see chart-data.ts). */
  table?: ChartTable | null;
  /** More buttons for the toolbar (reset zoom, ...). */
  actions?: ReactNode;
  children: ReactNode;
}

type Format = 'svg' | 'png';

/** Rows the on-screen table shows; the CSV holds them all. */
const SHOWN_ROWS = 500;

export function ChartFrame(props: ChartFrameProps) {
  const { title, filters, fileName, ariaLabel, children, busy: updating } = props;
  const ref = useRef<HTMLElement>(null);
  useUntabbableChartLayers(ref);
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showData, setShowData] = useState(false);
  const id = useId();
  const table = props.table ?? null;

  const download = async (format: Format) => {
    const figure = ref.current;
    const svg = figure ? findChartSvg(figure) : null;
    if (busy) return;
    if (!figure || !svg) {
      setError('The chart is not drawn yet; try again in a moment.');
      return;
    }
    setBusy(format);
    setError(null);
    try {
      const file = buildChartSvg(svg, figure, { title, filters });
      const blob =
        format === 'svg'
          ? new Blob([file.svg], { type: 'image/svg+xml;charset=utf-8' })
          : await svgToPng(file.svg, file.width, file.height, 2);
      downloadBlob(`${fileName}.${format}`, blob);
    } catch (e) {
      setError(`Could not export the chart: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const button = (format: Format) => (
    <button
      type="button"
      className="small"
      aria-label={`Download ${title} as ${format.toUpperCase()}`}
      onClick={() => void download(format)}
    >
      {format.toUpperCase()}
    </button>
  );

  return (
    <figure
      ref={ref}
      className={`chart${updating ? ' updating' : ''}`}
      aria-label={ariaLabel}
      aria-describedby={table ? `${id}-summary` : undefined}
      aria-busy={updating ? true : undefined}
    >
      <div className="chart-toolbar">
        {updating && (
          <span className="chart-updating" role="status">
            Updating…
          </span>
        )}
        {props.actions}
        {table && table.rows.length > 0 && (
          <button
            type="button"
            className="small"
            aria-expanded={showData}
            aria-controls={`${id}-data`}
            aria-label={`${showData ? 'Hide table' : 'Table'} of ${title}`}
            onClick={() => setShowData((v) => !v)}
          >
            {showData ? 'Hide table' : 'Table'}
          </button>
        )}
        <span role="group" aria-label={`Export ${title}`} aria-busy={busy !== null}>
          {button('svg')}
          {button('png')}
        </span>
      </div>
      {error && (
        <p role="alert" className="error" style={{ margin: '4px 0' }}>
          {error}
        </p>
      )}
      {children}
      {table && showData && (
        <DataOfChart id={`${id}-data`} title={title} fileName={fileName} table={table} />
      )}
      {table && (
        <figcaption id={`${id}-summary`} className="chart-summary">
          {table.summary}
        </figcaption>
      )}
    </figure>
  );
}

/** The chart's numbers as a table under it, with the whole table as a CSV. */
function DataOfChart(props: { id: string; title: string; fileName: string; table: ChartTable }) {
  const { table } = props;
  const rows = table.rows.slice(0, SHOWN_ROWS);
  const download = () =>
    downloadText(`${props.fileName}-data.csv`, toSafeCsv(table.columns, table.rows));
  return (
    <div id={props.id} className="chart-data" data-export="skip">
      <div className="data-table" role="region" aria-label={`Data of ${props.title}`} tabIndex={0}>
        <table>
          <caption>Data of {props.title}</caption>
          <thead>
            <tr>
              {table.columns.map((c, i) => (
                <th key={i} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((c, j) =>
                  j === 0 ? (
                    <th key={j} scope="row">
                      {c}
                    </th>
                  ) : (
                    <td key={j}>{c}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">
        {table.rows.length > rows.length
          ? `The first ${formatCount(rows.length)} of ${formatCount(table.rows.length)} rows; the CSV has them all. `
          : ''}
        <button type="button" className="small" onClick={download}>
          Download this table (CSV)
        </button>
      </p>
    </div>
  );
}
