/**
 * Charts as files: a standalone SVG (background, title and the filters in force above the chart,
 * every style inlined so it renders without the page's CSS) and a PNG drawn from it at 2×.
 * The string parts are pure and run in node; the rest reads the live DOM.
 */
import { columnLabel } from '../format/format.ts';
import type { ViewState } from '../state/view-state.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PAD = 16;
const TITLE_SIZE = 16;
const FILTER_SIZE = 12;
const MAX_VALUES = 8;

/** Text XML 1.0 cannot hold: C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text or attribute value for XML: markup characters escaped, characters XML forbids dropped. */
export const escapeXml = (text: string): string =>
  text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const GROUPS = { all: 'all authors', new: 'newcomers', existing: 'existing authors' } as const;
const RETAINED = { on: 'posted during the period', on_or_after: 'posted in the period or later' };

/** The filters in force, for people: dates, segments, time zone and the view's granularity. */
export function describeFilters(state: ViewState): string {
  const { from, to } = state;
  const dates =
    from && to ? `${from} to ${to}` : from ? `from ${from}` : to ? `through ${to}` : 'all';
  const segments = state.filters.map((f) => {
    const shown = f.values.slice(0, MAX_VALUES).join(', ');
    const more = f.values.length - MAX_VALUES;
    // The analyst's own column name; a posts column says so (it narrows posts, not users).
    const name = columnLabel(f.table, f.column, f.table === 'posts');
    return `${name} = ${shown}${more > 0 ? `, … (+${more} more)` : ''}`;
  });
  const parts = [
    `Dates: ${dates}`,
    segments.length ? `Segments: ${segments.join('; ')}` : 'Segments: none',
    `Time zone: ${state.tz}`,
  ];
  if (state.view === 'retention')
    parts.push(`Cohorts: ${state.cohort}`, `Retained: ${RETAINED[state.retentionMode]}`);
  else {
    parts.push(`Granularity: ${state.granularity}`);
    if (state.view === 'mix') parts.push(`Authors: ${GROUPS[state.group]}`);
  }
  return parts.join(' · ');
}

/** Rough text width: wide (CJK, emoji) characters take 1 em, the rest about 0.56 em. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) em += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.56;
  return em * fontSize;
}

/** Greedy word wrap to a width in px; a word wider than a line is cut. Never returns []. */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, fontSize) <= maxWidth) line = next;
    else {
      if (line) lines.push(line);
      line = '';
      for (const ch of word) {
        if (line && textWidth(line + ch, fontSize) > maxWidth) {
          lines.push(line);
          line = '';
        }
        line += ch;
      }
    }
  }
  lines.push(line);
  return lines;
}

export interface SvgParts {
  width: number;
  /** Height of the chart alone; the header is added above it. */
  chartHeight: number;
  /** The chart as an <svg> element's markup; it is placed below the header. */
  chart: string;
  title: string;
  filters: string;
  background: string;
  foreground: string;
  fontFamily: string;
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** The standalone file: background, title and filters lines, then the chart. */
export function assembleSvg(p: SvgParts): { svg: string; width: number; height: number } {
  const inner = Math.max(40, p.width - 2 * PAD);
  const titleLines = wrapText(p.title, inner, TITLE_SIZE);
  const filterLines = p.filters ? wrapText(p.filters, inner, FILTER_SIZE) : [];
  const header = PAD + titleLines.length * 20 + filterLines.length * 16 + 8;
  const width = Math.ceil(p.width);
  const height = Math.ceil(header + p.chartHeight);
  const font = escapeXml(p.fontFamily);
  const text = (lines: string[], y0: number, step: number, attrs: string) =>
    lines
      .map((l, i) => `<text x="${PAD}" y="${fmt(y0 + i * step)}" ${attrs}>${escapeXml(l)}</text>`)
      .join('');
  const chart = p.chart.replace(/^<svg\b/, `<svg x="0" y="${fmt(header)}"`);
  return {
    width,
    height,
    svg:
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `<title>${escapeXml(p.title)}</title>` +
      (p.filters ? `<desc>${escapeXml(p.filters)}</desc>` : '') +
      `<rect x="0" y="0" width="${width}" height="${height}" fill="${escapeXml(p.background)}"/>` +
      `<g font-family="${font}" fill="${escapeXml(p.foreground)}">` +
      text(titleLines, PAD + TITLE_SIZE * 0.85, 20, `font-size="${TITLE_SIZE}" font-weight="600"`) +
      text(
        filterLines,
        PAD + titleLines.length * 20 + FILTER_SIZE * 0.9,
        16,
        `font-size="${FILTER_SIZE}" fill-opacity="0.8"`,
      ) +
      `</g>${chart.replace(NOT_XML, '')}</svg>\n`,
  };
}

/* ---------- DOM ---------- */

/** Properties a standalone SVG needs inline; all but opacity inherit. */
const INHERITED = (
  'fill fill-opacity stroke stroke-width stroke-opacity stroke-dasharray stroke-linecap ' +
  'stroke-linejoin font-family font-size font-weight font-style text-anchor dominant-baseline visibility'
).split(' ');

/** A colour that shows nothing: transparent or fully see-through rgba(). */
export const isTransparent = (c: string) =>
  !c || c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c) || /\/\s*0\)$/.test(c);

/**
 * Copy computed styles onto the clone: everything at the root, elsewhere what differs from the
 * parent or was set by an attribute (which may hold var(--x) or currentColor). Hidden elements go.
 */
function inlineStyles(orig: Element, clone: Element, parent: CSSStyleDeclaration | null): void {
  const cs = getComputedStyle(orig);
  const decl: string[] = [];
  for (const prop of INHERITED) {
    const v = cs.getPropertyValue(prop);
    if (v && (!parent || orig.hasAttribute(prop) || parent.getPropertyValue(prop) !== v))
      decl.push(`${prop}:${v}`);
  }
  if (cs.opacity !== '1') decl.push(`opacity:${cs.opacity}`);
  // Computed values go last so they win over any var(--x) in the element's own style.
  const own = clone.getAttribute('style');
  if (decl.length) clone.setAttribute('style', [own, ...decl].filter(Boolean).join(';'));
  const kids = [...clone.children];
  [...orig.children].forEach((o, i) => {
    const c = kids[i];
    if (c && getComputedStyle(o).display === 'none') c.remove();
    else if (c) inlineStyles(o, c, cs);
  });
}

/** The page background behind an element: the first opaque ancestor's, else --bg, else white. */
function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (!isTransparent(c)) return c;
  }
  return getComputedStyle(el).getPropertyValue('--bg').trim() || '#ffffff';
}

/** recharts draws its legend in HTML beside the <svg>: redraw its items in SVG at their places. */
function legendMarkup(svg: SVGSVGElement, box: DOMRect): { markup: string; bottom: number } {
  const wrapper = svg.closest('.recharts-wrapper');
  const items = wrapper ? [...wrapper.querySelectorAll('.recharts-legend-item')] : [];
  let bottom = 0;
  const out = items.map((item) => {
    const icon = item.querySelector('svg');
    const label = item.querySelector('.recharts-legend-item-text') ?? item;
    let markup = '';
    if (icon) {
      const r = icon.getBoundingClientRect();
      const clone = icon.cloneNode(true) as SVGSVGElement;
      inlineStyles(icon, clone, null);
      clone.setAttribute('x', fmt(r.left - box.left));
      clone.setAttribute('y', fmt(r.top - box.top));
      markup += new XMLSerializer().serializeToString(clone);
    }
    const r = label.getBoundingClientRect();
    const cs = getComputedStyle(label);
    bottom = Math.max(bottom, r.bottom - box.top);
    const at = `x="${fmt(r.left - box.left)}" y="${fmt(r.top - box.top + r.height / 2)}"`;
    const style = `fill:${cs.color};font-family:${cs.fontFamily};font-size:${cs.fontSize}`;
    return `${markup}<text ${at} dominant-baseline="central" style="${escapeXml(style)}">${escapeXml(label.textContent ?? '')}</text>`;
  });
  return { markup: out.join(''), bottom };
}

/** The chart's own recharts surface inside a container (legend icons are surfaces too). */
export function findChartSvg(root: Element): SVGSVGElement | null {
  return (
    root.querySelector<SVGSVGElement>('.recharts-wrapper > svg.recharts-surface') ??
    root.querySelector<SVGSVGElement>('svg.recharts-surface')
  );
}

/** A standalone SVG file of a live chart, framed by `frame` (its colours and fonts). */
export function buildChartSvg(
  svg: SVGSVGElement,
  frame: Element,
  text: { title: string; filters: string },
) {
  const box = svg.getBoundingClientRect();
  const legend = legendMarkup(svg, box);
  const width = box.width || Number(svg.getAttribute('width')) || 600;
  const height = Math.max(box.height || Number(svg.getAttribute('height')) || 300, legend.bottom);
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone, null);
  clone.setAttribute('width', fmt(width));
  clone.setAttribute('height', fmt(height));
  clone.setAttribute('viewBox', `0 0 ${fmt(width)} ${fmt(height)}`);
  clone.setAttribute('overflow', 'visible');
  for (const a of ['class', 'role', 'tabindex', 'aria-label', 'aria-hidden'])
    clone.removeAttribute(a);
  const chart = new XMLSerializer()
    .serializeToString(clone)
    .replace(/<\/svg>$/, () => `${legend.markup}</svg>`);
  const cs = getComputedStyle(frame);
  return assembleSvg({
    width,
    chartHeight: height,
    chart,
    title: text.title,
    filters: text.filters,
    background: backgroundOf(frame),
    foreground: cs.color || '#000000',
    fontFamily: cs.fontFamily || 'sans-serif',
  });
}

/** Rasterise an SVG string to a PNG blob at `scale` device pixels per CSS pixel. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2) {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a canvas.');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('The PNG could not be encoded.'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
