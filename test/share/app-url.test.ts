/**
 * Links the app builds stay on its origin and base path, whatever path the page was opened at.
 */
import { describe, expect, it } from 'vitest';
import { appHome, appLink, basePath, keepOnAppPath } from '../../src/share/app-url.ts';
import type { PageLocation } from '../../src/share/app-url.ts';

const ORIGIN = 'http://127.0.0.1:5173';
/** A location as the browser reports it for `http://127.0.0.1:5173<path>`. */
const at = (path: string): PageLocation => {
  const u = new URL(`${ORIGIN}${path}`);
  return { origin: u.origin, pathname: u.pathname, search: u.search, hash: u.hash };
};
const HOSTILE = [
  '//evil.example/path#snapshot=x',
  '//evil.example/path?view=waves',
  '/\\evil.example/path',
  '///evil.example',
  '/%2F%2Fevil.example',
  '/a/../..//evil.example/x',
  '/index.html/..//evil.example',
];

describe('links stay on the app', () => {
  it.each(HOSTILE)('opened at %s, every built link is on the origin and base path', (path) => {
    const loc = at(path);
    for (const link of [
      appHome(loc),
      appLink('view=waves&g=day', '', loc),
      appLink('?view=waves', '#snapshot=abc', loc),
    ]) {
      const u = new URL(link);
      expect(u.origin).toBe(ORIGIN);
      expect(u.pathname).toBe('/');
      expect(link.startsWith(`${ORIGIN}/`)).toBe(true);
    }
  });

  it('keeps the view and the fragment it is given', () => {
    const loc = at('/');
    expect(appHome(loc)).toBe(`${ORIGIN}/`);
    expect(appLink('view=waves&f=signups.country%3AUS', '', loc)).toBe(
      `${ORIGIN}/?view=waves&f=signups.country%3AUS`,
    );
    expect(appLink('', '#snapshot=rVdN-b_9', loc)).toBe(`${ORIGIN}/#snapshot=rVdN-b_9`);
  });

  it('uses the base path the app was built for, and only a plain absolute one', () => {
    expect(basePath('/')).toBe('/');
    expect(basePath('/surgescope/')).toBe('/surgescope/');
    expect(basePath('/surgescope')).toBe('/surgescope/');
    for (const bad of [
      '',
      './',
      'surgescope/',
      '//evil.example/',
      '/\\evil.example/',
      'http://evil.example/',
    ])
      expect(basePath(bad)).toBe('/');
    expect(appLink('view=mix', '', at('//evil.example/x'), '/surgescope/')).toBe(
      `${ORIGIN}/surgescope/?view=mix`,
    );
  });

  it("moves the address bar to the app's path, keeping view and fragment", () => {
    const calls: string[] = [];
    const history = {
      replaceState: (_: unknown, __: string, url?: string | URL | null) =>
        void calls.push(String(url)),
    };
    expect(keepOnAppPath(at('//evil.example/path?view=waves#snapshot=x'), history)).toBe(true);
    expect(calls).toEqual([`${ORIGIN}/?view=waves#snapshot=x`]);
    expect(keepOnAppPath(at('/?view=waves'), history)).toBe(false);
    expect(keepOnAppPath(at('/index.html'), history)).toBe(false);
    expect(calls.length).toBe(1);
  });
});
