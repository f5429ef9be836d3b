/** A chart's <figure> with a small toolbar that downloads the chart as SVG or PNG. */
import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { buildChartSvg, findChartSvg, svgToPng } from '../share/chart-export.ts';
import { downloadBlob } from '../share/download.ts';

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
  /** More buttons for the toolbar (reset zoom, ...). */
  actions?: ReactNode;
  children: ReactNode;
}

type Format = 'svg' | 'png';

export function ChartFrame(props: ChartFrameProps) {
  const { title, filters, fileName, ariaLabel, children, busy: updating } = props;
  const ref = useRef<HTMLElement>(null);
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);

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
      aria-busy={updating ? true : undefined}
    >
      <div className="chart-toolbar">
        {updating && (
          <span className="chart-updating" role="status">
            Updating…
          </span>
        )}
        {props.actions}
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
    </figure>
  );
}
