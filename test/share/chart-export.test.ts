import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assembleSvg,
  describeFilters,
  escapeXml,
  isTransparent,
  textWidth,
  wrapText,
} from '../../src/share/chart-export.ts';
import type { SvgParts } from '../../src/share/chart-export.ts';
import { DEFAULT_STATE } from '../../src/state/view-state.ts';
import type { ViewState } from '../../src/state/view-state.ts';

const state = (patch: Partial<ViewState>): ViewState => ({ ...DEFAULT_STATE, ...patch });

describe('describeFilters', () => {
  it('says when nothing narrows the data', () => {
    expect(describeFilters(state({ view: 'waves' }))).toBe(
      'Dates: all · Segments: none · Time zone: UTC · Granularity: day',
    );
  });

  it('lists the date range, segment filters, zone and granularity', () => {
    const s = state({
      view: 'waves',
      from: '2025-01-05',
      to: '2025-02-20',
      tz: 'Asia/Tokyo',
      granularity: 'week',
      filters: [
        { table: 'signups', column: 'country', values: ['US', 'CA'] },
        { table: 'posts', column: 'lang', values: ['ja'] },
      ],
    });
    expect(describeFilters(s)).toBe(
      'Dates: 2025-01-05 to 2025-02-20 · Segments: country = US, CA; lang (posts) = ja · ' +
        'Time zone: Asia/Tokyo · Granularity: week',
    );
  });

  it('handles an open-ended range', () => {
    expect(describeFilters(state({ from: '2025-01-05' }))).toContain('Dates: from 2025-01-05 ·');
    expect(describeFilters(state({ to: '2025-02-20' }))).toContain('Dates: through 2025-02-20 ·');
  });

  it('names the author group on the mix view and cohorts and mode on the retention view', () => {
    expect(describeFilters(state({ view: 'mix', group: 'existing' }))).toMatch(
      /Granularity: day · Authors: existing authors$/,
    );
    const r = describeFilters(state({ view: 'retention', cohort: 'month', granularity: 'hour' }));
    expect(r).toMatch(/Cohorts: month · Retained: posted during the period$/);
    expect(r).not.toContain('Granularity');
    expect(describeFilters(state({ view: 'retention', retentionMode: 'on_or_after' }))).toContain(
      'posted in the period or later',
    );
  });

  it('shortens long value lists', () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const text = describeFilters(state({ filters: [{ table: 'signups', column: 'c', values }] }));
    expect(text).toContain('Segments: c = v0, v1, v2, v3, v4, v5, v6, v7, … (+12 more)');
  });
});

describe('escapeXml', () => {
  it('escapes markup characters', () => {
    expect(escapeXml(`a <b> & "c" 'd'`)).toBe('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });

  it('drops characters XML 1.0 cannot hold and keeps the rest', () => {
    expect(escapeXml('a\u0000b\u001Fc\tok\n')).toBe('abc\tok\n');
    expect(escapeXml('x\uD800y\uDC00z')).toBe('xyz');
    expect(escapeXml('移民 🐱 é')).toBe('移民 🐱 é');
  });

  it('never leaves a raw < or a bare &', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeXml(s);
        expect(out).not.toMatch(/[<>"']/);
        expect(out).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      }),
    );
  });
});

describe('wrapText', () => {
  it('keeps short text on one line and never returns no line', () => {
    expect(wrapText('Dates: all', 500, 12)).toEqual(['Dates: all']);
    expect(wrapText('', 500, 12)).toEqual(['']);
  });

  it('wraps at spaces within the width and keeps every word', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
    const lines = wrapText(words.join(' '), 300, 12);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(300);
    expect(lines.join(' ')).toBe(words.join(' '));
  });

  it('cuts a word wider than a line, counting wide characters as wider', () => {
    const lines = wrapText('x'.repeat(100), 100, 10);
    expect(lines.join('')).toBe('x'.repeat(100));
    expect(lines.every((l) => textWidth(l, 10) <= 100)).toBe(true);
    expect(textWidth('移民', 10)).toBeGreaterThan(textWidth('ab', 10));
  });
});

describe('assembleSvg', () => {
  const parts: SvgParts = {
    width: 640,
    chartHeight: 300,
    chart:
      '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" viewBox="0 0 640 300">' +
      '<rect x="10" y="10" width="20" height="30" style="fill:rgb(0, 114, 178)"/></svg>',
    title: 'Signups <by> "country" & more',
    filters: 'Dates: all · Segments: country = US, CA · Time zone: UTC · Granularity: day',
    background: 'rgb(13, 17, 23)',
    foreground: 'rgb(230, 237, 243)',
    fontFamily: 'system-ui, "Segoe UI", sans-serif',
  };

  it('puts a background, the escaped title and the filters above the chart', () => {
    const { svg, width, height } = assembleSvg(parts);
    expect(width).toBe(640);
    expect(height).toBeGreaterThan(300);
    expect(svg).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    expect(svg).toContain(`width="640" height="${height}" viewBox="0 0 640 ${height}"`);
    expect(svg).toContain(
      `<rect x="0" y="0" width="640" height="${height}" fill="rgb(13, 17, 23)"/>`,
    );
    const title = 'Signups &lt;by&gt; &quot;country&quot; &amp; more';
    expect(svg).toContain(`<title>${title}</title>`);
    expect(svg).toMatch(new RegExp(`<text [^>]*font-weight="600">${title}</text>`));
    expect(svg).toContain('>Dates: all · Segments: country = US, CA · Time zone: UTC');
    expect(svg).toContain('font-family="system-ui, &quot;Segoe UI&quot;, sans-serif"');
    expect(svg).not.toContain('<by>');
    // The chart sits below the header, which is as tall as the height added.
    expect(svg).toContain(`<svg x="0" y="${height - 300}" xmlns="http://www.w3.org/2000/svg"`);
    expect(svg.trimEnd().endsWith('</svg></svg>')).toBe(true);
  });

  it('grows the header for filters that wrap', () => {
    const one = assembleSvg(parts);
    const many = assembleSvg({ ...parts, filters: `${parts.filters} `.repeat(6) });
    expect(many.height).toBeGreaterThan(one.height);
    expect(many.svg.match(/font-size="12"/g)?.length).toBeGreaterThan(1);
  });

  it('leaves out the filters line when there is none', () => {
    const { svg } = assembleSvg({ ...parts, filters: '' });
    expect(svg).not.toContain('<desc>');
    expect(svg).not.toContain('font-size="12"');
  });
});

describe('isTransparent', () => {
  it.each([
    ['rgba(0, 0, 0, 0)', true],
    ['transparent', true],
    ['', true],
    ['rgb(0 0 0 / 0)', true],
    ['rgb(255, 255, 255)', false],
    ['rgba(13, 17, 23, 0.5)', false],
    ['#0d1117', false],
  ])('%j → %s', (c, expected) => {
    expect(isTransparent(c)).toBe(expected);
  });
});
