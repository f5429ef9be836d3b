/**
 * The app's own address, for every link it builds. The page may be opened at any path the server
 * answers (`http://HOST//evil.example/path` serves the app too), and a path that starts with two
 * slashes is, in an `href` or `pushState`, a link to another host. So links are never made from
 * `location.pathname`: they are the page's origin plus the base path the app was built for.
 */

/** What is read of `window.location`: a parameter so tests can pass hostile ones. */
export interface PageLocation {
  origin: string;
  pathname: string;
  search: string;
  hash: string;
}

/**
 * The base path the app is served under: Vite's `BASE_URL` when it is an absolute path (`/`,
 * `/surgescope/`), else `/`. Anything that could leave the path (`//host`, `/\host`, a scheme)
 * falls back to `/`.
 */
export function basePath(base: string = import.meta.env.BASE_URL ?? '/'): string {
  if (!/^\/(?![/\\])[^?#\\]*$/.test(base)) return '/';
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * An absolute link to the app on the page's own origin: the base path, then `search` (with or
 * without its `?`) and `hash` (with or without its `#`).
 */
export function appLink(
  search = '',
  hash = '',
  loc: Pick<PageLocation, 'origin'> = window.location,
  base?: string,
): string {
  const url = new URL(basePath(base), loc.origin);
  url.search = search.replace(/^\?/, '');
  url.hash = hash.replace(/^#/, '');
  // The URL API drops an empty `?`/`#`; what is left is always on this origin.
  return url.href;
}

/** The app's address without a view or a snapshot: "start over". */
export function appHome(
  loc: Pick<PageLocation, 'origin'> = window.location,
  base?: string,
): string {
  return appLink('', '', loc, base);
}

/**
 * When the page was opened at another path than the app's (a doubled slash, a stray segment),
 * the address bar is moved to the app's own path, keeping the view and the fragment. Afterwards
 * every link made from the address stays on the app's path too. Returns whether it moved.
 */
export function keepOnAppPath(
  loc: PageLocation = window.location,
  history: Pick<History, 'replaceState'> = window.history,
  base?: string,
): boolean {
  const path = basePath(base);
  if (loc.pathname === path || loc.pathname === `${path}index.html`) return false;
  history.replaceState(null, '', appLink(loc.search, loc.hash, loc, base));
  return true;
}
