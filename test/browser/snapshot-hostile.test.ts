/**
 * A crafted snapshot cannot freeze or blank the tab, and a crafted path cannot turn the app's
 * links off-site. A real snapshot is made from the privacy fixture's Retention view, then altered
 * as an attacker would (a retention period of 30,000,000, entries of the wrong shape, a bad
 * context, a fragment that inflates to 200 MB): each is refused within seconds with a message
 * and a way back, with no long freeze of the main thread. A snapshot that passes its checks but
 * fails to draw (a fault injected into the triangle) shows the snapshot error boundary. Opened at
 * `//evil.example/path`, every link the page builds points at the app's own origin and path.
 */
import { deflateRawSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { VIEWPORT, launch, openPage, watch } from './browser.ts';
import { FIXTURES, T, idle, showView } from './helpers.ts';
import type { Snapshot } from '../../src/share/snapshot.ts';

const FILES = ['signups_privacy.csv', 'posts_privacy.csv'].map((f) => path.join(FIXTURES, f));
const pack = (value: unknown) =>
  deflateRawSync(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))).toString(
    'base64url',
  );
const clone = (s: Snapshot): Snapshot => JSON.parse(JSON.stringify(s)) as Snapshot;
/** The value of the first entry whose key starts with `prefix`. */
const valueOf = (s: Snapshot, prefix: string) => {
  const e = s.entries.find(([key]) => key.startsWith(prefix));
  if (!e) throw new Error(`the snapshot has no ${prefix} entry`);
  return e;
};

/** Load the privacy fixture in a page. */
async function loadFixture(page: Page) {
  await page.getByLabel('Choose CSV files').setInputFiles(FILES);
  await page.getByRole('button', { name: 'Load 2 files' }).click();
  await page.waitForFunction(() => /[?&]fp=v1-/.test(location.search), null, T);
  await idle(page);
}

/** Click "Snapshot link" and read the link. */
async function snapshotLink(page: Page): Promise<string> {
  await page
    .getByRole('group', { name: 'Share' })
    .getByRole('button', { name: 'Snapshot link' })
    .click();
  const input = page.getByLabel('Link to share');
  await input.waitFor(T);
  // The field may still show a link made just before (Copy link) until the snapshot is packed.
  await page.waitForFunction(
    () =>
      (
        document.querySelector('[aria-label="Link to share"]') as HTMLInputElement | null
      )?.value.includes('#snapshot=') ?? false,
    undefined,
    T,
  );
  return input.inputValue();
}

describe('crafted snapshots and paths', () => {
  const base = inject('baseUrl');
  const origin = new URL(base).origin;
  let browser: Browser;
  let real: Snapshot;
  let realLink: string;
  beforeAll(async () => {
    browser = await launch();
    const { page } = await openPage(browser, base);
    await loadFixture(page);
    await showView(page, 'Retention');
    realLink = await snapshotLink(page);
    const fragment = realLink.split('#snapshot=')[1] ?? '';
    // A string, so the test runner does not rewrite the dynamic import for node.
    const json = await page.evaluate<string>(`(async () => {
      const { decodeSnapshot } = await import('/src/share/snapshot.ts');
      return JSON.stringify(await decodeSnapshot(${JSON.stringify(fragment)}));
    })()`);
    real = JSON.parse(json) as Snapshot;
    await page.context().close();
  });
  afterAll(async () => browser?.close());

  /**
   * Open a page that records the main thread's long tasks, at `url`; resolve when `ready`
   * (a locator on it) shows.
   */
  async function openWatched(url: string) {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const { errors, external } = watch(page);
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(url);
    return { page, errors, external };
  }

  /** The longest main-thread task so far, and whether the page answers at once. */
  async function responsiveness(page: Page) {
    const t0 = Date.now();
    const longest = await page.evaluate(() =>
      Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks),
    );
    return { longest, answeredIn: Date.now() - t0 };
  }

  /** The refusal: a message, and "Open Surgescope without it" to the app's own address. */
  async function expectRefused(fragment: string, message: RegExp) {
    const t0 = Date.now();
    const { page, errors, external } = await openWatched(`${base}#snapshot=${fragment}`);
    const alert = page.getByRole('alert').filter({ hasText: 'Open Surgescope without it' });
    await alert.waitFor({ timeout: 20_000 });
    expect(Date.now() - t0, 'refused within seconds').toBeLessThan(20_000);
    expect(await alert.textContent()).toMatch(message);
    const r = await responsiveness(page);
    expect(r.longest, 'no long freeze of the main thread').toBeLessThan(2_000);
    expect(r.answeredIn).toBeLessThan(2_000);
    // Not blank: the shell and its tabs are drawn, and the way back leads to the app.
    expect(await page.getByRole('tab').count()).toBe(4);
    expect(await page.getByTestId('snapshot-banner').count()).toBe(0);
    const href = await alert.getByRole('link').evaluate((a) => (a as HTMLAnchorElement).href);
    expect(href).toBe(`${origin}/`);
    await alert.getByRole('link').click();
    await page.getByRole('button', { name: 'Load sample data' }).waitFor(T);
    expect(page.url()).toBe(`${origin}/`);
    expect([errors, external]).toEqual([[], []]);
    await page.context().close();
  }

  it('the real snapshot opens, so the crafted ones differ from it only by the crafting', async () => {
    const { page, errors } = await openWatched(`${base}#snapshot=${pack(real)}`);
    await page.getByTestId('snapshot-banner').waitFor(T);
    await showView(page, 'Retention', false);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a retention cell with period 30,000,000 is refused, not drawn', async () => {
    const s = clone(real);
    const [, triangle] = valueOf(s, 'retention-triangle:') as [
      string,
      { cells: { period: number }[] },
    ];
    triangle.cells.push({ ...triangle.cells[0], period: 30_000_000 });
    await expectRefused(
      pack(s),
      /not one Surgescope can show \(result \d+, retention-triangle: cells\.\d+\.period: Too big/,
    );
  });

  it('entries of the wrong shape are refused', async () => {
    const s = clone(real);
    valueOf(s, 'series:')[1] = { points: 'oops', dataStart: 7 };
    await expectRefused(pack(s), /not one Surgescope can show \(result \d+, series: points/);
    const t = clone(real);
    t.entries = [['retention-triangle:x', [1, 2, 3]]] as [string, unknown][];
    await expectRefused(pack(t), /retention-triangle/);
    await expectRefused(
      pack({ ...real, entries: { 0: 1 } }),
      /not one Surgescope can show \(entries/,
    );
  });

  it('a bad context is refused', async () => {
    const s = clone(real);
    const ctx = valueOf(s, 'ctx:')[1] as { tz: string; range: unknown };
    ctx.range = { minMs: 'yesterday', maxMs: null, endMs: {} };
    await expectRefused(pack(s), /ctx: range/);
    const z = clone(real);
    (valueOf(z, 'ctx:')[1] as { tz: string }).tz = 'Mars/Olympus_Mons';
    await expectRefused(pack(z), /ctx: tz: unknown time zone/);
  });

  it('a fragment that inflates to 200 MB stops at the limit', async () => {
    const bomb = deflateRawSync(Buffer.alloc(200 * 1024 * 1024, 0x20)).toString('base64url');
    expect(bomb.length).toBeGreaterThan(150_000);
    await expectRefused(bomb, /unpacks to more than 5 MB/);
  });

  it('a damaged fragment is refused', async () => {
    await expectRefused('x', /damaged/);
    await expectRefused(realLink.split('#snapshot=')[1]?.slice(0, 300) ?? '', /damaged/);
  });

  it('a snapshot that passes its checks but fails to draw says so, with the way back', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    // Fault injection: the triangle throws while drawing, as a result it cannot handle would.
    await page.route(
      (u) => u.pathname === '/src/tables/RetentionTriangle.tsx',
      (route) =>
        route.fulfill({
          contentType: 'text/javascript',
          body: "export function RetentionTriangle() { throw new Error('injected: a cell it cannot draw'); }",
        }),
    );
    await page.goto(realLink);
    const boundary = page.getByTestId('snapshot-cannot-show');
    await boundary.waitFor(T);
    expect(await boundary.getByRole('heading').textContent()).toBe('This snapshot cannot be shown');
    expect(await boundary.textContent()).toContain('injected: a cell it cannot draw');
    // The page is not blank: banner and tabs stay, and other tabs still open.
    expect(await page.getByTestId('snapshot-banner').count()).toBe(1);
    await page.getByRole('tab', { name: 'Waves', exact: true }).click();
    await page.getByRole('heading', { name: 'Migration waves' }).waitFor(T);
    await page.getByRole('tab', { name: 'Retention', exact: true }).click();
    const back = page.getByTestId('snapshot-cannot-show').getByRole('link', {
      name: 'Open Surgescope without it',
    });
    expect(await back.evaluate((a) => (a as HTMLAnchorElement).href)).toBe(`${origin}/`);
    await back.click();
    await page.getByRole('button', { name: 'Load sample data' }).waitFor(T);
    expect(await page.getByTestId('snapshot-banner').count()).toBe(0);
    await context.close();
  });

  it('opened at //evil.example/path, the way back and the address stay on the app', async () => {
    const evil = `${origin}//evil.example/path`;
    const { page, errors, external } = await openWatched(`${evil}#snapshot=x`);
    const alert = page.getByRole('alert').filter({ hasText: 'Open Surgescope without it' });
    await alert.waitFor(T);
    const link = alert.getByRole('link');
    expect(await link.getAttribute('href')).toBe(`${origin}/`);
    expect(await link.evaluate((a) => (a as HTMLAnchorElement).href)).toBe(`${origin}/`);
    // The address moved to the app's path, so history entries built from it stay too.
    expect(page.url()).toBe(`${origin}/#snapshot=x`);
    await page.getByRole('tab', { name: 'Waves', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).searchParams.get('view')).toBe('waves');
    expect([errors, external]).toEqual([[], []]);
    await page.context().close();
  });

  it('a real snapshot and the share links made at //evil.example/path stay on the app', async () => {
    const fragment = realLink.split('#snapshot=')[1] ?? '';
    const s = await openWatched(`${origin}//evil.example/path?view=retention#snapshot=${fragment}`);
    const banner = s.page.getByTestId('snapshot-banner');
    await banner.waitFor(T);
    const load = banner.getByRole('link', { name: 'Load data instead' });
    expect(await load.evaluate((a) => (a as HTMLAnchorElement).href)).toBe(`${origin}/`);
    await showView(s.page, 'Retention', false);
    expect(new URL(s.page.url()).pathname).toBe('/');
    expect([s.errors, s.external]).toEqual([[], []]);
    await s.page.context().close();

    const { page, errors } = await openWatched(`${origin}//evil.example/path`);
    await loadFixture(page);
    await showView(page, 'Waves');
    const share = page.getByRole('group', { name: 'Share' });
    await share.getByRole('button', { name: 'Copy link' }).click();
    const input = page.getByLabel('Link to share');
    await input.waitFor(T);
    const copied = new URL(await input.inputValue());
    expect([copied.origin, copied.pathname]).toEqual([origin, '/']);
    expect(copied.searchParams.get('view')).toBe('waves');
    const snap = new URL(await snapshotLink(page));
    expect([snap.origin, snap.pathname]).toEqual([origin, '/']);
    expect(snap.hash.startsWith('#snapshot=')).toBe(true);
    // Every link on the page: on this origin, never a network-path reference.
    const hrefs = await page
      .locator('a[href]')
      .evaluateAll((as) =>
        as.map((a) => [a.getAttribute('href') ?? '', (a as HTMLAnchorElement).href]),
      );
    for (const [raw = '', resolved = ''] of hrefs) {
      expect(raw.startsWith('//'), raw).toBe(false);
      expect(new URL(resolved).origin, raw).toBe(origin);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
